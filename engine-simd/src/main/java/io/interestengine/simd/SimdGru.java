package io.interestengine.simd;

import io.interestengine.NumericException;
import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
import io.interestengine.graph.Scope;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.util.Arrays;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * The GRU op family (plain GRU and DIEN's AUGRU both forms, AGRU, AIGRU; TF and PyTorch cells) with fused
 * gates. The input side of every gate, {@code W_x·x_t}, does not depend on the state: one GEMM covers all
 * real positions of a row before the recurrence. Each step is then one state-side matrix-vector product (two
 * for the TF cell, whose candidate reads {@code r⊙h}) and one vector pass that forms the gates, the candidate
 * and the new state. AIGRU's input scaling is applied after the product ({@code W·(a·x) = a·(W·x)}). Every
 * attention form is one keep fraction {@code k = p·g + q} with per-step scalars, so the pass has no branch:
 * {@code h' = k⊙h + (1−k)⊙c}. Checks and messages for non-finite values are the scalar backend's.
 */
final class SimdGru implements Step {
    private final ModelGraph g;
    private final Op.Gru op;
    private final GruWeights w;
    private final float[] f;
    private final int[] ints;
    private final int inOff, attOff, outOff, lengthsOff, rowMapOff;
    private final int T, W, H, hp;
    /** Input-side gate pre-activations of one row's real positions, {@code [T][3·hp]}. */
    private final float[] gx;
    private final float[] h, hs, gu, rh, gc;
    private final Gemm.Call call = new Gemm.Call();

    SimdGru(ModelGraph g, Op.Gru op, GruWeights w, float[] f, int[] ints, int inOff, int attOff, int outOff, int lengthsOff, int rowMapOff) {
        this.g = g;
        this.op = op;
        this.w = w;
        this.f = f;
        this.ints = ints;
        this.inOff = inOff;
        this.attOff = attOff;
        this.outOff = outOff;
        this.lengthsOff = lengthsOff;
        this.rowMapOff = rowMapOff;
        T = op.in().length();
        W = op.in().width();
        H = w.h;
        hp = w.hpad;
        gx = new float[T * 3 * hp];
        h = new float[hp];
        hs = new float[3 * hp];
        gu = new float[hp];
        rh = new float[hp];
        gc = new float[hp];
    }

    @Override
    public void run(int users, int cands) {
        Scope s = op.out().scope();
        int rows = CpuSession.rows(op.out(), users, cands);
        for (int r = 0; r < rows; r++) {
            int user = CpuSession.userRow(op.out(), ints, rowMapOff, r);
            int inRow = CpuSession.src(op.in(), s, ints, rowMapOff, r);
            int attRow = op.attention() == null ? 0 : CpuSession.src(op.attention(), s, ints, rowMapOff, r);
            int len = op.in().masked() ? ints[lengthsOff + user] : T;
            int t0 = op.in().masked() ? CpuSession.first(g, len) : 0;
            Arrays.fill(h, 0f);
            if (op.returnSequence()) Arrays.fill(f, outOff + r * T * H, outOff + (r + 1) * T * H, 0f);
            if (len > 0) call.weights(w.x).a(f, inOff + (inRow * T + t0) * W, W, len).c(gx, 0, 3 * hp).run();
            for (int t = t0; t < t0 + len; t++) {
                float a = 0f;
                if (op.attention() != null) {
                    a = f[attOff + attRow * T + t];
                    if (!Float.isFinite(a)) {
                        throw new NumericException("attention weight of '" + op.attention().name() + "' is " + a + " at row " + r + ", position " + t
                                + " (input to gru '" + op.out().name() + "'): the request's values drive the model out of range");
                    }
                }
                float scale = op.form() == Op.AttentionForm.AIGRU ? a : 1f;
                // keep fraction k = p·g + q for each attention form
                float p, q;
                switch (op.form()) {
                    case NONE, AIGRU -> { p = 1f; q = 0f; }
                    case AUGRU_KEEP -> { p = 1f - a; q = 0f; }
                    case AUGRU_UPDATE -> { p = -a; q = 1f; }
                    case AGRU -> { p = 0f; q = 1f - a; }
                    default -> throw new IllegalStateException("gru form " + op.form());
                }
                int x = (t - t0) * 3 * hp;
                if (w.tf) tfStep(x, scale, p, q);
                else torchStep(x, scale, p, q);
                if (op.returnSequence()) System.arraycopy(h, 0, f, outOff + (r * T + t) * H, H);
            }
            // A non-finite state never recovers (h' mixes h in), so the last state tells for the whole row.
            for (int j = 0; j < H; j++) {
                if (!Float.isFinite(h[j])) {
                    throw new NumericException("state of gru '" + op.out().name() + "' is " + h[j] + " at row " + r + ", unit " + j
                            + ": the request's values drive the model out of range");
                }
            }
            if (!op.returnSequence()) System.arraycopy(h, 0, f, outOff + r * H, H);
        }
    }

    /** PyTorch cell: r, z from both sides; n = tanh(x-side + r⊙(W_hn·h + b_hn)). */
    private void torchStep(int x, float scale, float p, float q) {
        call.weights(w.state).a(h, 0, hp, 1).c(hs, 0, 3 * hp).run();
        float[] xb = w.xBias;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < hp; j += L) {
            FloatVector ir = FloatVector.fromArray(S, gx, x + j).mul(scale).add(FloatVector.fromArray(S, xb, j));
            FloatVector iz = FloatVector.fromArray(S, gx, x + hp + j).mul(scale).add(FloatVector.fromArray(S, xb, hp + j));
            FloatVector in = FloatVector.fromArray(S, gx, x + 2 * hp + j).mul(scale).add(FloatVector.fromArray(S, xb, 2 * hp + j));
            FloatVector rg = one.div(one.add(ir.add(FloatVector.fromArray(S, hs, j)).neg().lanewise(VectorOperators.EXP)));
            FloatVector zg = one.div(one.add(iz.add(FloatVector.fromArray(S, hs, hp + j)).neg().lanewise(VectorOperators.EXP)));
            FloatVector c = in.add(rg.mul(FloatVector.fromArray(S, hs, 2 * hp + j))).lanewise(VectorOperators.TANH);
            FloatVector k = zg.fma(p, q);
            FloatVector hv = FloatVector.fromArray(S, h, j);
            k.mul(hv).add(one.sub(k).mul(c)).intoArray(h, j);
        }
    }

    /** TF cell: r, u from [x; h]; the candidate reads [x; r⊙h]. */
    private void tfStep(int x, float scale, float p, float q) {
        call.weights(w.state).a(h, 0, hp, 1).c(hs, 0, 2 * hp).run();
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < hp; j += L) {
            FloatVector ir = FloatVector.fromArray(S, gx, x + j).mul(scale).add(FloatVector.fromArray(S, hs, j));
            FloatVector iu = FloatVector.fromArray(S, gx, x + hp + j).mul(scale).add(FloatVector.fromArray(S, hs, hp + j));
            FloatVector rg = one.div(one.add(ir.neg().lanewise(VectorOperators.EXP)));
            one.div(one.add(iu.neg().lanewise(VectorOperators.EXP))).intoArray(gu, j);
            rg.mul(FloatVector.fromArray(S, h, j)).intoArray(rh, j);
        }
        call.weights(w.cand).a(rh, 0, hp, 1).c(gc, 0, hp).run();
        for (int j = 0; j < hp; j += L) {
            FloatVector c = FloatVector.fromArray(S, gx, x + 2 * hp + j).mul(scale).add(FloatVector.fromArray(S, gc, j)).lanewise(VectorOperators.TANH);
            FloatVector k = FloatVector.fromArray(S, gu, j).fma(p, q);
            FloatVector hv = FloatVector.fromArray(S, h, j);
            k.mul(hv).add(one.sub(k).mul(c)).intoArray(h, j);
        }
    }
}
