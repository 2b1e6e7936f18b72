package io.interestengine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * Sums over fields with vectors across rows: fields of one scope are {@code [rows, k]} row-major at their own
 * offsets, so the same flat index {@code r·k + c} addresses row r, channel c in each of them and the whole block of
 * {@code rows·k} floats runs in full vectors, however small k is (FM's k = 10 would fill one masked vector per row
 * the other way). Four vectors at a time keep four independent add chains in flight.
 */
final class RowSums {
    private RowSums() {
    }

    /**
     * {@code s[j] (+)= Σ_i x_i[j]}, {@code q[j] (+)= Σ_i x_i[j]²} for {@code j < n} over the fields {@code i} with
     * {@code take[i] == want} (every field when take is null), each at {@code f[off[i]..]}; accumulates onto s and
     * q when {@code init}, else starts from zero. The field order is the caller's order within each element.
     */
    static void sumSquares(float[] f, int[] off, boolean[] take, boolean want, int n, float[] s, float[] q,
                           boolean init) {
        int F = off.length, j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            FloatVector s0, s1, s2, s3, q0, q1, q2, q3;
            if (init) {
                s0 = FloatVector.fromArray(S, s, j);
                s1 = FloatVector.fromArray(S, s, j + L);
                s2 = FloatVector.fromArray(S, s, j + 2 * L);
                s3 = FloatVector.fromArray(S, s, j + 3 * L);
                q0 = FloatVector.fromArray(S, q, j);
                q1 = FloatVector.fromArray(S, q, j + L);
                q2 = FloatVector.fromArray(S, q, j + 2 * L);
                q3 = FloatVector.fromArray(S, q, j + 3 * L);
            } else {
                s0 = s1 = s2 = s3 = q0 = q1 = q2 = q3 = FloatVector.zero(S);
            }
            for (int i = 0; i < F; i++) {
                if (take != null && take[i] != want) continue;
                int o = off[i] + j;
                FloatVector x0 = FloatVector.fromArray(S, f, o), x1 = FloatVector.fromArray(S, f, o + L);
                FloatVector x2 = FloatVector.fromArray(S, f, o + 2 * L), x3 = FloatVector.fromArray(S, f, o + 3 * L);
                s0 = s0.add(x0);
                s1 = s1.add(x1);
                s2 = s2.add(x2);
                s3 = s3.add(x3);
                q0 = x0.fma(x0, q0);
                q1 = x1.fma(x1, q1);
                q2 = x2.fma(x2, q2);
                q3 = x3.fma(x3, q3);
            }
            s0.intoArray(s, j);
            s1.intoArray(s, j + L);
            s2.intoArray(s, j + 2 * L);
            s3.intoArray(s, j + 3 * L);
            q0.intoArray(q, j);
            q1.intoArray(q, j + L);
            q2.intoArray(q, j + 2 * L);
            q3.intoArray(q, j + 3 * L);
        }
        for (; j < n; j += L) {
            boolean full = j + L <= n;
            VectorMask<Float> m = full ? S.maskAll(true) : S.indexInRange(j, n);
            FloatVector sv = init ? FloatVector.fromArray(S, s, j) : FloatVector.zero(S);
            FloatVector qv = init ? FloatVector.fromArray(S, q, j) : sv;
            for (int i = 0; i < F; i++) {
                if (take != null && take[i] != want) continue;
                int o = off[i] + j;
                FloatVector x = full ? FloatVector.fromArray(S, f, o) : FloatVector.fromArray(S, f, o, m);
                sv = sv.add(x);
                qv = x.fma(x, qv);
            }
            // s and q are scratch padded by a vector: the lanes past n hold nothing anyone reads.
            sv.intoArray(s, j);
            qv.intoArray(q, j);
        }
    }

    /**
     * Copies row {@code map(r)} of the {@code [*, k]} array {@code src} to row r of {@code dst} for r &lt; rows, a
     * vector at a time: each store may run up to a vector past its row, into the next row (written after it) or the
     * padding of dst; src is padded by a vector too.
     */
    static void spread(float[] src, int k, float[] dst, int rows, int[] ints, int rowMapOff) {
        for (int r = 0; r < rows; r++) {
            int from = ints[rowMapOff + r] * k, to = r * k;
            for (int j = 0; j < k; j += L) FloatVector.fromArray(S, src, from + j).intoArray(dst, to + j);
        }
    }

    /** Whether output row r's user row is r for every row (a batch request: one user per sample). */
    static boolean identity(int[] ints, int rowMapOff, int users, int rows) {
        if (users != rows) return false;
        for (int r = 0; r < rows; r++) if (ints[rowMapOff + r] != r) return false;
        return true;
    }

    /** Lane r of the index map: {@code r·k}, row r's first element in a {@code [*, k]} block of L rows. */
    static int[] strides(int k) {
        int[] idx = new int[L];
        for (int r = 0; r < L; r++) idx[r] = r * k;
        return idx;
    }

    /**
     * {@code out[outOff + r] = scale · Σ_c t[r·k + c]} for r &lt; rows, channels added in order, L rows at a time
     * by gathers (idx from {@link #strides}); t holds at least {@code ceil(rows / L)·L·k} floats.
     */
    static void rowTotals(float[] t, int k, int[] idx, int rows, float scale, float[] out, int outOff) {
        for (int r = 0; r < rows; r += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int c = 0; c < k; c++) acc = acc.add(FloatVector.fromArray(S, t, r * k + c, idx, 0));
            acc = acc.mul(scale);
            if (r + L <= rows) acc.intoArray(out, outOff + r);
            else acc.intoArray(out, outOff + r, S.indexInRange(r, rows));
        }
    }
}
