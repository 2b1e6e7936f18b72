package io.interestengine.simd;

import jdk.incubator.vector.FloatVector;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * L rows' fields transposed channel-major, {@code xt[(i·k + c)·L + l]} = field i, channel c of row r0 + l, for the
 * kernels that put rows across the lanes (every field pair then costs full-width multiplies, whatever k is). A user
 * field of a one-user request is broadcast once and kept for the later blocks; a user field read per candidate goes
 * through the row map. The transposes are in-register L × L blocks ({@link Transpose}).
 */
final class FieldBlock {
    final FieldRows x;
    /** The transposed block: {@code F·k·L} floats. */
    final float[] xt;
    private final float[] f, scratch = new float[L * L];
    private final int[] ints, rowK, umap, strideL;

    FieldBlock(FieldRows x, float[] f, int[] ints) {
        this.x = x;
        this.f = f;
        this.ints = ints;
        xt = new float[x.F * x.k * L];
        rowK = new int[L];
        umap = new int[L];
        strideL = RowSums.strides(L);
    }

    /**
     * Whether the block at r0 may keep what the first block computed from user fields alone: one user, rows per
     * candidate, and not the first block.
     */
    boolean reuse(int r0, int users) {
        return users == 1 && x.candOut && r0 > 0;
    }

    /** Fills {@link #xt} for rows r0 … r0 + n − 1 (lanes from n on hold row r0's values, for nobody to store). */
    void load(int r0, int n, int users) {
        int k = x.k, umax = 0;
        boolean mapped = false;
        for (int l = 0; l < L; l++) rowK[l] = l < n ? l * k : 0;
        for (int i = 0; i < x.F; i++) {
            int dst = i * k * L;
            if (!x.user[i] || !x.candOut) {
                channels(x.off[i] + r0 * k, rowK, (n - 1) * k, dst);
            } else if (users == 1) {
                if (r0 > 0) continue; // the same broadcast in every block
                for (int c = 0; c < k; c++) FloatVector.broadcast(S, f[x.off[i] + c]).intoArray(xt, dst + c * L);
            } else {
                if (!mapped) {
                    for (int l = 0; l < L; l++) {
                        umap[l] = ints[x.rowMapOff + r0 + (l < n ? l : 0)] * k;
                        umax = Math.max(umax, umap[l]);
                    }
                    mapped = true;
                }
                channels(x.off[i], umap, umax, dst);
            }
        }
    }

    /**
     * One field's L rows at {@code base + rowAt[l]} into {@code xt[dst + c·L + l]}, L channels at a time; the last row
     * is at {@code base + last}. Whole vectors where they lie in f: the channels past the field (the next row's) go to
     * vectors that are not written.
     */
    private void channels(int base, int[] rowAt, int last, int dst) {
        int k = x.k;
        for (int c = 0; c < k; c += L) {
            int w = Math.min(L, k - c);
            if (Transpose.WHOLE && base + c >= 0 && base + last + c <= f.length - L) {
                Transpose.whole(f, base + c, rowAt, 0, xt, dst + c * L, strideL, 0, w);
            } else {
                Transpose.block(f, base + c, rowAt, 0, w, xt, dst + c * L, strideL, 0, w, L, scratch);
            }
        }
    }
}
