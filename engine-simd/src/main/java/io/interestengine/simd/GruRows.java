package io.interestengine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * One plain GRU step for many independent rows at once ({@code h'ᵢ = cell(xᵢ, hᵢ)}), in either cell style:
 * each gate product is one GEMM over all rows instead of a matrix-vector product per row, so the weights are
 * read once per step for the whole block. Used where the rows' recurrences advance in lockstep (MIMN's
 * controller and Memory Induction Unit over a block of users, or over the candidates of a read). States are
 * rows of {@code hpad} floats whose pad lanes are zero; the zero pad rows and columns of the packed weights
 * keep them zero. Holds scratch for {@code maxRows} rows: one instance per thread.
 */
final class GruRows {
    private final GruWeights w;
    private final int hp;
    /** Input-side pre-activations {@code [rows][3·hp]}, then state-side ones {@code [rows][3·hp]} (2·hp used by TF). */
    private final float[] gx, hs;
    /** TF: {@code r⊙h} rows and candidate pre-activations. */
    private final float[] rh, gc;
    private final Gemm.Call call = new Gemm.Call();

    GruRows(GruWeights w, int maxRows) {
        this.w = w;
        hp = w.hpad;
        gx = new float[maxRows * 3 * hp];
        hs = new float[maxRows * 3 * hp];
        rh = w.tf ? new float[maxRows * hp] : null;
        gc = w.tf ? new float[maxRows * hp] : null;
    }

    /**
     * Rows {@code i < n}: input at {@code x[xOff + i·ldx]} ({@code in} floats), state at {@code h[hOff + i·hp]};
     * the new state goes to {@code out[outOff + i·hp]}, which may be the state itself.
     */
    void step(int n, float[] x, int xOff, int ldx, float[] h, int hOff, float[] out, int outOff) {
        if (n == 0) return;
        call.weights(w.x).a(x, xOff, ldx, n).c(gx, 0, 3 * hp).run();
        if (w.tf) tf(n, h, hOff, out, outOff);
        else torch(n, h, hOff, out, outOff);
    }

    /** TF cell: r, u from [x; h]; the candidate reads [x; r⊙h]; {@code h' = u⊙h + (1−u)⊙c}. */
    private void tf(int n, float[] h, int hOff, float[] out, int outOff) {
        int g3 = 3 * hp;
        // gate pre-activations: bias + x-side (as the per-row addend) + W_h·h
        call.weights(w.state).a(h, hOff, hp, n).addend(gx, 0, g3).c(hs, 0, g3).run();
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < n; i++) {
            int gi = i * g3, hi = hOff + i * hp, ri = i * hp;
            for (int j = 0; j < hp; j += L) {
                FloatVector r = one.div(one.add(FloatVector.fromArray(S, hs, gi + j).neg().lanewise(VectorOperators.EXP)));
                r.mul(FloatVector.fromArray(S, h, hi + j)).intoArray(rh, ri + j);
            }
        }
        call.weights(w.cand).a(rh, 0, hp, n).addend(gx, 2 * hp, g3).c(gc, 0, hp).run();
        for (int i = 0; i < n; i++) {
            int gi = i * g3, hi = hOff + i * hp, oi = outOff + i * hp, ci = i * hp;
            for (int j = 0; j < hp; j += L) {
                FloatVector u = one.div(one.add(FloatVector.fromArray(S, hs, gi + hp + j).neg().lanewise(VectorOperators.EXP)));
                FloatVector c = Vec.tanh(FloatVector.fromArray(S, gc, ci + j));
                FloatVector hv = FloatVector.fromArray(S, h, hi + j);
                u.mul(hv).add(one.sub(u).mul(c)).intoArray(out, oi + j);
            }
        }
    }

    /** PyTorch cell: r, z from both sides; {@code n = tanh(x-side + r⊙(W_hn·h + b_hn))}; {@code h' = z⊙h + (1−z)⊙n}. */
    private void torch(int n, float[] h, int hOff, float[] out, int outOff) {
        int g3 = 3 * hp;
        call.weights(w.state).a(h, hOff, hp, n).c(hs, 0, g3).run();
        float[] xb = w.xBias;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < n; i++) {
            int gi = i * g3, hi = hOff + i * hp, oi = outOff + i * hp;
            for (int j = 0; j < hp; j += L) {
                FloatVector ir = FloatVector.fromArray(S, gx, gi + j).add(FloatVector.fromArray(S, xb, j));
                FloatVector iz = FloatVector.fromArray(S, gx, gi + hp + j).add(FloatVector.fromArray(S, xb, hp + j));
                FloatVector in = FloatVector.fromArray(S, gx, gi + 2 * hp + j).add(FloatVector.fromArray(S, xb, 2 * hp + j));
                FloatVector r = one.div(one.add(ir.add(FloatVector.fromArray(S, hs, gi + j)).neg().lanewise(VectorOperators.EXP)));
                FloatVector z = one.div(one.add(iz.add(FloatVector.fromArray(S, hs, gi + hp + j)).neg().lanewise(VectorOperators.EXP)));
                FloatVector c = Vec.tanh(in.add(r.mul(FloatVector.fromArray(S, hs, gi + 2 * hp + j))));
                FloatVector hv = FloatVector.fromArray(S, h, hi + j);
                z.mul(hv).add(one.sub(z).mul(c)).intoArray(out, oi + j);
            }
        }
    }
}
