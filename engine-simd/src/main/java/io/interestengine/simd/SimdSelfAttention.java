package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.SelfAttentionOp;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * AutoInt's interacting layers per row: one GEMM of the fields {@code X [F, d]} by the layer's query, key, value and
 * residual matrices side by side ({@code [d, 4d]}); per head the keys transposed so that a query's scores over all
 * F keys are vectors across the keys, the softmax across them, the weighted sum of the values vectors across the
 * head's columns. No user split: the first layer already mixes every field.
 */
final class SimdSelfAttention implements Step {
    private final SelfAttentionOp op;
    private final Packed[] w;
    private final FieldRows fx;
    private final float[] f, x, qkv, kt, sc, y;
    private final int[] ints;
    private final int outOff, F, d, dh, fpad;
    private final Gemm.Call call = new Gemm.Call();

    static Packed[] prepare(SelfAttentionOp op) {
        int d = op.d();
        Packed[] p = new Packed[op.layers().size()];
        for (int l = 0; l < p.length; l++) {
            SelfAttentionOp.Weights w = op.layers().get(l);
            float[][] parts = w.res() == null ? new float[][]{w.query(), w.key(), w.value()} : new float[][]{w.query(), w.key(), w.value(), w.res()};
            int n = parts.length * d;
            float[] cat = new float[d * n];
            for (int j = 0; j < d; j++) for (int s = 0; s < parts.length; s++) System.arraycopy(parts[s], j * d, cat, j * n + s * d, d);
            p[l] = Packed.inOut(cat, 0, d, n, null, Act.NONE);
        }
        return p;
    }

    SimdSelfAttention(SelfAttentionOp op, Packed[] w, float[] f, int[] ints, Bindings b) {
        this.op = op;
        this.w = w;
        this.f = f;
        this.ints = ints;
        fx = new FieldRows(op.out(), op.in(), b);
        outOff = b.off(op.out());
        F = op.in().size();
        d = op.d();
        dh = d / op.heads();
        fpad = Vec.pad(F);
        int npad = 0;
        for (Packed p : w) npad = Math.max(npad, p.npad);
        x = new float[F * d];
        y = new float[F * d];
        qkv = new float[F * npad];
        kt = new float[dh * fpad];
        sc = new float[F * fpad];
    }

    @Override
    public void run(int users, int cands) {
        int rows = CpuSession.rows(op.out(), users, cands), n = op.heads();
        float scale = (float) Math.sqrt(dh);
        for (int r = 0; r < rows; r++) {
            int u = fx.userRow(ints, r);
            for (int i = 0; i < F; i++) System.arraycopy(f, fx.at(i, r, u), x, i * d, d);
            for (int l = 0; l < w.length; l++) {
                Packed p = w[l];
                int ld = p.npad;
                call.weights(p).a(x, 0, d, F).c(qkv, 0, ld).run();
                for (int h = 0; h < n; h++) {
                    int hc = h * dh;
                    for (int c = 0; c < dh; c++) for (int j = 0; j < F; j++) kt[c * fpad + j] = qkv[j * ld + d + hc + c];
                    // Scores of every query, each row less its max; padding lanes -inf so that their e^x is 0.
                    for (int i = 0; i < F; i++) {
                        FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                        for (int j = 0; j < fpad; j += L) {
                            FloatVector s = FloatVector.zero(S);
                            for (int c = 0; c < dh; c++) {
                                FloatVector q = FloatVector.broadcast(S, qkv[i * ld + hc + c]);
                                s = FloatVector.fromArray(S, kt, c * fpad + j).fma(q, s);
                            }
                            if (op.scaling()) s = s.div(scale);
                            if (j + L > F) s = s.blend(Float.NEGATIVE_INFINITY, S.indexInRange(j, F).not());
                            s.intoArray(sc, i * fpad + j);
                            mx = mx.max(s);
                        }
                        // the max is exact in any order, so the lane reduction cannot depend on the JIT tier
                        float max = mx.reduceLanes(VectorOperators.MAX);
                        for (int j = i * fpad; j < (i + 1) * fpad; j += L) {
                            FloatVector.fromArray(S, sc, j).sub(max).intoArray(sc, j);
                        }
                    }
                    // one exp pass over the head's F rows: the same bits in every execution tier (Vec.exp)
                    Vec.exp(sc, 0, sc, 0, F * fpad);
                    for (int i = 0; i < F; i++) {
                        float sum = Vec.sum(sc, i * fpad, fpad);
                        for (int c = 0; c < dh; c += L) {
                            VectorMask<Float> m = S.indexInRange(c, dh);
                            FloatVector acc = FloatVector.zero(S);
                            for (int j = 0; j < F; j++) {
                                FloatVector v = FloatVector.fromArray(S, qkv, j * ld + 2 * d + hc + c, m);
                                acc = v.fma(FloatVector.broadcast(S, sc[i * fpad + j]), acc);
                            }
                            acc.div(sum).intoArray(y, i * d + hc + c, m);
                        }
                    }
                }
                boolean res = p.n == 4 * d;
                for (int i = 0; i < F; i++) {
                    for (int c = 0; c < d; c += L) {
                        VectorMask<Float> m = S.indexInRange(c, d);
                        FloatVector t = FloatVector.fromArray(S, y, i * d + c, m);
                        if (res) t = t.add(FloatVector.fromArray(S, qkv, i * ld + 3 * d + c, m));
                        t.max(0f).intoArray(x, i * d + c, m);
                    }
                }
            }
            System.arraycopy(x, 0, f, outOff + r * F * d, F * d);
        }
    }
}
