package io.interestengine.simd;

import jdk.incubator.vector.FloatVector;

import java.util.Arrays;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * One GRU step for many independent rows at once, in either cell style: the state-side products of all rows
 * are one GEMM per gate group instead of a matrix-vector product per row, so the weights are read once per
 * step for the whole block. {@link #cell} is the general step of the GRU family (per-row input scaling for
 * AIGRU and keep fraction {@code k = p·g + q} for the attention forms, {@code h' = k⊙h + (1−k)⊙c}), used by
 * {@link SimdGru}; {@link #step} is a plain GRU on input rows, used by MIMN's controller and Memory Induction
 * Unit. States are rows of {@code hpad} floats whose pad lanes are zero; the zero pad rows and columns of the
 * packed weights keep them zero. Holds scratch for {@code maxRows} rows: one instance per thread.
 */
final class GruRows {
    private final GruWeights w;
    private final int hp;
    /** Input-side pre-activations of {@link #step}'s rows {@code [rows][3·hp]}, state-side ones {@code [rows][3·hp]}. */
    private final float[] gx, hs;
    /** TF: {@code r⊙h} rows and candidate products. */
    private final float[] rh, gc;
    /** {@link #step}'s per-row arguments of {@link #cell}: row offsets into gx, scale 1, keep fraction g (p = 1, q = 0). */
    private final int[] rowOff;
    private final float[] ones, zeros;
    private final Gemm.Call call = new Gemm.Call();

    GruRows(GruWeights w, int maxRows) {
        this.w = w;
        hp = w.hpad;
        gx = new float[maxRows * 3 * hp];
        hs = new float[maxRows * 3 * hp];
        rh = w.tf ? new float[maxRows * hp] : null;
        gc = w.tf ? new float[maxRows * hp] : null;
        rowOff = new int[maxRows];
        for (int i = 0; i < maxRows; i++) rowOff[i] = i * 3 * hp;
        ones = new float[maxRows];
        Arrays.fill(ones, 1f);
        zeros = new float[maxRows];
    }

    /**
     * A plain step for rows {@code i < n}: input at {@code x[xOff + i·ldx]} ({@code in} floats), state at
     * {@code h[hOff + i·hp]}; the new state goes to {@code out[outOff + i·hp]}, which may be the state itself.
     */
    void step(int n, float[] x, int xOff, int ldx, float[] h, int hOff, float[] out, int outOff) {
        if (n == 0) return;
        call.weights(w.x).a(x, xOff, ldx, n).c(gx, 0, 3 * hp).run();
        cell(n, gx, rowOff, ones, ones, zeros, h, hOff, out, outOff);
    }

    /**
     * The step of rows {@code i < n} given their input-side pre-activations {@code W_x·x} at
     * {@code gxs[gxOff[i]]} ({@code 3·hp} floats, no bias), scaled by {@code scale[i]}, with keep fraction
     * {@code k = p[i]·g + q[i]}; states as in {@link #step}.
     */
    void cell(int n, float[] gxs, int[] gxOff, float[] scale, float[] p, float[] q, float[] h, int hOff, float[] out, int outOff) {
        if (w.tf) tf(n, gxs, gxOff, scale, p, q, h, hOff, out, outOff);
        else torch(n, gxs, gxOff, scale, p, q, h, hOff, out, outOff);
    }

    /**
     * PyTorch cell: r, z from both sides; n = tanh(x-side + r⊙(W_hn·h + b_hn)). The pre-activations are formed
     * in place over the row's state-side products and the gates taken by array passes ({@link Vec}).
     */
    private void torch(int n, float[] gxs, int[] gxOff, float[] scale, float[] p, float[] q, float[] h, int hOff, float[] out, int outOff) {
        int g3 = 3 * hp;
        call.weights(w.state).a(h, hOff, hp, n).c(hs, 0, g3).run();
        float[] xb = w.xBias;
        for (int i = 0; i < n; i++) {
            int xo = gxOff[i], so = i * g3;
            float sc = scale[i];
            for (int j = 0; j < 2 * hp; j += L) {
                FloatVector ix = FloatVector.fromArray(S, gxs, xo + j).mul(sc).add(FloatVector.fromArray(S, xb, j));
                ix.add(FloatVector.fromArray(S, hs, so + j)).intoArray(hs, so + j);
            }
            Vec.sigmoid(hs, so, hs, so, 2 * hp);
            for (int j = 0; j < hp; j += L) {
                FloatVector in = FloatVector.fromArray(S, gxs, xo + 2 * hp + j).mul(sc).add(FloatVector.fromArray(S, xb, 2 * hp + j));
                in.add(FloatVector.fromArray(S, hs, so + j).mul(FloatVector.fromArray(S, hs, so + 2 * hp + j))).intoArray(hs, so + 2 * hp + j);
            }
            Vec.tanh(hs, so + 2 * hp, hs, so + 2 * hp, hp);
            mix(hs, so + hp, hs, so + 2 * hp, p[i], q[i], h, hOff + i * hp, out, outOff + i * hp);
        }
    }

    /** {@code out = k⊙h + (1−k)⊙c} with {@code k = p·g + q}, over one row of {@code hp} floats. */
    private void mix(float[] g, int go, float[] c, int co, float pi, float qi, float[] h, int ho, float[] out, int oo) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < hp; j += L) {
            FloatVector k = FloatVector.fromArray(S, g, go + j).fma(pi, qi);
            FloatVector hv = FloatVector.fromArray(S, h, ho + j);
            k.mul(hv).add(one.sub(k).mul(FloatVector.fromArray(S, c, co + j))).intoArray(out, oo + j);
        }
    }

    /** TF cell: r, u from [x; h]; the candidate reads [x; r⊙h]. Gates by array passes, as {@link #torch}. */
    private void tf(int n, float[] gxs, int[] gxOff, float[] scale, float[] p, float[] q, float[] h, int hOff, float[] out, int outOff) {
        int g3 = 3 * hp;
        call.weights(w.state).a(h, hOff, hp, n).c(hs, 0, g3).run();
        for (int i = 0; i < n; i++) {
            int xo = gxOff[i], so = i * g3, ho = hOff + i * hp, ri = i * hp;
            float sc = scale[i];
            for (int j = 0; j < 2 * hp; j += L) {
                FloatVector.fromArray(S, gxs, xo + j).mul(sc).add(FloatVector.fromArray(S, hs, so + j)).intoArray(hs, so + j);
            }
            Vec.sigmoid(hs, so, hs, so, 2 * hp);
            for (int j = 0; j < hp; j += L) {
                FloatVector.fromArray(S, hs, so + j).mul(FloatVector.fromArray(S, h, ho + j)).intoArray(rh, ri + j);
            }
        }
        call.weights(w.cand).a(rh, 0, hp, n).c(gc, 0, hp).run();
        for (int i = 0; i < n; i++) {
            int xo = gxOff[i], ri = i * hp;
            float sc = scale[i];
            for (int j = 0; j < hp; j += L) {
                FloatVector.fromArray(S, gxs, xo + 2 * hp + j).mul(sc).add(FloatVector.fromArray(S, gc, ri + j)).intoArray(gc, ri + j);
            }
            Vec.tanh(gc, ri, gc, ri, hp);
            mix(hs, i * g3 + hp, gc, ri, p[i], q[i], h, hOff + ri, out, outOff + ri);
        }
    }
}
