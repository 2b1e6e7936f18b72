package io.interestengine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

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
    /** TF: update gates, {@code r⊙h} rows and candidate products. */
    private final float[] gu, rh, gc;
    /** {@link #step}'s per-row arguments of {@link #cell}: row offsets into gx, scale 1, keep fraction g (p = 1, q = 0). */
    private final int[] rowOff;
    private final float[] ones, zeros;
    private final Gemm.Call call = new Gemm.Call();

    GruRows(GruWeights w, int maxRows) {
        this.w = w;
        hp = w.hpad;
        gx = new float[maxRows * 3 * hp];
        hs = new float[maxRows * 3 * hp];
        gu = w.tf ? new float[maxRows * hp] : null;
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

    /** PyTorch cell: r, z from both sides; n = tanh(x-side + r⊙(W_hn·h + b_hn)). */
    private void torch(int n, float[] gxs, int[] gxOff, float[] scale, float[] p, float[] q, float[] h, int hOff, float[] out, int outOff) {
        int g3 = 3 * hp;
        call.weights(w.state).a(h, hOff, hp, n).c(hs, 0, g3).run();
        float[] xb = w.xBias;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < n; i++) {
            int xo = gxOff[i], so = i * g3, ho = hOff + i * hp, oo = outOff + i * hp;
            float sc = scale[i], pi = p[i], qi = q[i];
            for (int j = 0; j < hp; j += L) {
                FloatVector ir = FloatVector.fromArray(S, gxs, xo + j).mul(sc).add(FloatVector.fromArray(S, xb, j));
                FloatVector iz = FloatVector.fromArray(S, gxs, xo + hp + j).mul(sc).add(FloatVector.fromArray(S, xb, hp + j));
                FloatVector in = FloatVector.fromArray(S, gxs, xo + 2 * hp + j).mul(sc).add(FloatVector.fromArray(S, xb, 2 * hp + j));
                FloatVector rg = one.div(one.add(ir.add(FloatVector.fromArray(S, hs, so + j)).neg().lanewise(VectorOperators.EXP)));
                FloatVector zg = one.div(one.add(iz.add(FloatVector.fromArray(S, hs, so + hp + j)).neg().lanewise(VectorOperators.EXP)));
                FloatVector c = Vec.tanh(in.add(rg.mul(FloatVector.fromArray(S, hs, so + 2 * hp + j))));
                FloatVector k = zg.fma(pi, qi);
                FloatVector hv = FloatVector.fromArray(S, h, ho + j);
                k.mul(hv).add(one.sub(k).mul(c)).intoArray(out, oo + j);
            }
        }
    }

    /** TF cell: r, u from [x; h]; the candidate reads [x; r⊙h]. */
    private void tf(int n, float[] gxs, int[] gxOff, float[] scale, float[] p, float[] q, float[] h, int hOff, float[] out, int outOff) {
        int g3 = 3 * hp;
        call.weights(w.state).a(h, hOff, hp, n).c(hs, 0, g3).run();
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < n; i++) {
            int xo = gxOff[i], so = i * g3, ho = hOff + i * hp, ri = i * hp;
            float sc = scale[i];
            for (int j = 0; j < hp; j += L) {
                FloatVector ir = FloatVector.fromArray(S, gxs, xo + j).mul(sc).add(FloatVector.fromArray(S, hs, so + j));
                FloatVector iu = FloatVector.fromArray(S, gxs, xo + hp + j).mul(sc).add(FloatVector.fromArray(S, hs, so + hp + j));
                FloatVector rg = one.div(one.add(ir.neg().lanewise(VectorOperators.EXP)));
                one.div(one.add(iu.neg().lanewise(VectorOperators.EXP))).intoArray(gu, ri + j);
                rg.mul(FloatVector.fromArray(S, h, ho + j)).intoArray(rh, ri + j);
            }
        }
        call.weights(w.cand).a(rh, 0, hp, n).c(gc, 0, hp).run();
        for (int i = 0; i < n; i++) {
            int xo = gxOff[i], ho = hOff + i * hp, ri = i * hp, oo = outOff + i * hp;
            float sc = scale[i], pi = p[i], qi = q[i];
            for (int j = 0; j < hp; j += L) {
                FloatVector c = Vec.tanh(FloatVector.fromArray(S, gxs, xo + 2 * hp + j).mul(sc).add(FloatVector.fromArray(S, gc, ri + j)));
                FloatVector k = FloatVector.fromArray(S, gu, ri + j).fma(pi, qi);
                FloatVector hv = FloatVector.fromArray(S, h, ho + j);
                k.mul(hv).add(one.sub(k).mul(c)).intoArray(out, oo + j);
            }
        }
    }
}
