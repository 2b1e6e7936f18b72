package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.Activation;
import io.interestengine.graph.CrossMixOp;
import io.interestengine.graph.CrossOp;
import io.interestengine.graph.ResidualOp;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * DCN's cross network, DCN-Mix and the residual unit. The matrix products run through the blocked GEMM over all
 * rows of the request at once; x_l lives in the op's output rows, updated in place layer by layer. Nothing here
 * splits by user: every layer mixes x0 with x_l from the first.
 */
final class SimdCross {
    private SimdCross() {
    }

    /** Matrix cross layers, DCN-Mix's experts and gates and the residual unit's layers in the GEMM layout. */
    record Weights(Packed[] a, Packed[] b, Packed[] c, Packed gate) {
        static Weights cross(CrossOp op) {
            if (!op.matrix()) return null;
            int d = op.in().width();
            Packed[] w = new Packed[op.layers()];
            for (int l = 0; l < w.length; l++) w[l] = Packed.slice(op.kernels(), l * d * d, d, d, op.bias(), l * d, Act.NONE);
            return new Weights(w, null, null, null);
        }

        static Weights crossMix(CrossMixOp op) {
            int d = op.in().width(), L = op.layers(), E = op.experts(), r = op.rank();
            Act tanh = Act.of(new Activation.Tanh(), r);
            Packed[] v = new Packed[L * E], c = new Packed[L * E], u = new Packed[L * E];
            for (int le = 0; le < L * E; le++) {
                v[le] = Packed.inOut(op.v(), le * d * r, d, r, null, tanh);
                c[le] = Packed.slice(op.c(), le * r * r, r, r, null, 0, tanh);
                u[le] = Packed.slice(op.u(), le * d * r, d, r, op.bias(), (le / E) * d, Act.NONE);
            }
            return new Weights(v, c, u, Packed.slice(op.gating(), 0, E, d, null, 0, Act.NONE));
        }

        static Weights residual(ResidualOp op) {
            return new Weights(new Packed[]{Packed.of(op.inner())}, new Packed[]{Packed.of(op.outer())}, null, null);
        }
    }

    static final class Cross implements Step {
        private final CrossOp op;
        private final Weights w;
        private final float[] f, y, k, bias;
        private final int inOff, outOff, d, dpad;
        private final Gemm.Call call = new Gemm.Call();

        Cross(CrossOp op, Weights w, float[] f, int inOff, int outOff, int maxRows) {
            this.op = op;
            this.w = w;
            this.f = f;
            this.inOff = inOff;
            this.outOff = outOff;
            d = op.in().width();
            dpad = Vec.pad(d);
            y = op.matrix() ? new float[maxRows * dpad] : null;
            k = op.kernels();
            bias = op.bias();
        }

        @Override
        public void run(int users, int cands) {
            int rows = CpuSession.rows(op.out(), users, cands);
            System.arraycopy(f, inOff, f, outOff, rows * d);
            for (int l = 0; l < op.layers(); l++) {
                if (op.matrix()) {
                    call.weights(w.a()[l]).a(f, outOff, d, rows).c(y, 0, dpad).run();
                    for (int r = 0; r < rows; r++) update(r, y, r * dpad, 0f, -1);
                } else {
                    for (int r = 0; r < rows; r++) {
                        int x = outOff + r * d, kw = l * d;
                        FloatVector a0 = FloatVector.zero(S), a1 = a0;
                        int j = 0;
                        for (; j + 2 * L <= d; j += 2 * L) {
                            a0 = FloatVector.fromArray(S, f, x + j).fma(FloatVector.fromArray(S, k, kw + j), a0);
                            a1 = FloatVector.fromArray(S, f, x + j + L).fma(FloatVector.fromArray(S, k, kw + j + L), a1);
                        }
                        for (; j < d; j += L) {
                            VectorMask<Float> m = S.indexInRange(j, d);
                            a0 = FloatVector.fromArray(S, f, x + j, m).fma(FloatVector.fromArray(S, k, kw + j, m), a0);
                        }
                        update(r, null, 0, a0.add(a1).reduceLanes(VectorOperators.ADD), l * d);
                    }
                }
            }
        }

        /** {@code x = x0 ⊙ y + x} (matrix, y at {@code yo}) or {@code x = x0·s + b_l + x} (vector, b_l at {@code bo}). */
        private void update(int r, float[] yv, int yo, float s, int bo) {
            int x = outOff + r * d, x0 = inOff + r * d;
            FloatVector sv = FloatVector.broadcast(S, s);
            for (int j = 0; j < d; j += L) {
                VectorMask<Float> m = j + L <= d ? S.maskAll(true) : S.indexInRange(j, d);
                FloatVector a = FloatVector.fromArray(S, f, x0 + j, m), xl = FloatVector.fromArray(S, f, x + j, m);
                FloatVector t = yv != null ? a.mul(FloatVector.fromArray(S, yv, yo + j)).add(xl)
                        : a.mul(sv).add(FloatVector.fromArray(S, bias, bo + j, m)).add(xl);
                t.intoArray(f, x + j, m);
            }
        }
    }

    static final class CrossMix implements Step {
        private final CrossMixOp op;
        private final Weights w;
        private final float[] f, v, cv, u, g, sm;
        private final int inOff, outOff, d, dpad, rpad, epad, maxRows;
        private final Gemm.Call call = new Gemm.Call();

        CrossMix(CrossMixOp op, Weights w, float[] f, int inOff, int outOff, int maxRows) {
            this.op = op;
            this.w = w;
            this.f = f;
            this.inOff = inOff;
            this.outOff = outOff;
            this.maxRows = maxRows;
            d = op.in().width();
            dpad = Vec.pad(d);
            rpad = Vec.pad(op.rank());
            epad = Vec.pad(op.experts());
            v = new float[maxRows * rpad];
            cv = new float[maxRows * rpad];
            u = new float[op.experts() * maxRows * dpad];
            g = new float[maxRows * epad];
            sm = new float[op.experts()];
        }

        @Override
        public void run(int users, int cands) {
            int rows = CpuSession.rows(op.out(), users, cands), E = op.experts(), R = op.rank();
            System.arraycopy(f, inOff, f, outOff, rows * d);
            for (int l = 0; l < op.layers(); l++) {
                call.weights(w.gate()).a(f, outOff, d, rows).c(g, 0, epad).run();
                for (int e = 0; e < E; e++) {
                    int le = l * E + e;
                    Packed pv = w.a()[le], pc = w.b()[le], pu = w.c()[le];
                    call.weights(pv).a(f, outOff, d, rows).c(v, 0, rpad).run();
                    pv.act.apply(v, 0, rpad, rows, R, v, 0, rpad, true);
                    call.weights(pc).a(v, 0, rpad, rows).c(cv, 0, rpad).run();
                    pc.act.apply(cv, 0, rpad, rows, R, cv, 0, rpad, true);
                    call.weights(pu).a(cv, 0, rpad, rows).c(u, e * maxRows * dpad, dpad).run();
                }
                for (int r = 0; r < rows; r++) {
                    float max = Float.NEGATIVE_INFINITY, sum = 0f;
                    for (int e = 0; e < E; e++) max = Math.max(max, g[r * epad + e]);
                    for (int e = 0; e < E; e++) {
                        sm[e] = (float) Math.exp(g[r * epad + e] - max);
                        sum += sm[e];
                    }
                    for (int e = 0; e < E; e++) sm[e] /= sum;
                    int x = outOff + r * d, x0 = inOff + r * d;
                    for (int j = 0; j < d; j += L) {
                        VectorMask<Float> m = j + L <= d ? S.maskAll(true) : S.indexInRange(j, d);
                        FloatVector a = FloatVector.fromArray(S, f, x0 + j, m), acc = FloatVector.zero(S);
                        for (int e = 0; e < E; e++) {
                            acc = a.mul(FloatVector.fromArray(S, u, (e * maxRows + r) * dpad + j)).fma(FloatVector.broadcast(S, sm[e]), acc);
                        }
                        acc.add(FloatVector.fromArray(S, f, x + j, m)).intoArray(f, x + j, m);
                    }
                }
            }
        }
    }

    static final class Residual implements Step {
        private final ResidualOp op;
        private final Packed w1, w2;
        private final float[] f, h, y;
        private final int inOff, outOff, d;
        private final Gemm.Call call = new Gemm.Call();

        Residual(ResidualOp op, Weights w, float[] f, int inOff, int outOff, int maxRows) {
            this.op = op;
            this.w1 = w.a()[0];
            this.w2 = w.b()[0];
            this.f = f;
            this.inOff = inOff;
            this.outOff = outOff;
            d = op.in().width();
            h = new float[maxRows * w1.npad];
            y = new float[maxRows * w2.npad];
        }

        @Override
        public void run(int users, int cands) {
            int rows = CpuSession.rows(op.out(), users, cands);
            call.weights(w1).a(f, inOff, d, rows).c(h, 0, w1.npad).run();
            w1.act.apply(h, 0, w1.npad, rows, w1.n, h, 0, w1.npad, true);
            call.weights(w2).a(h, 0, w1.npad, rows).c(y, 0, w2.npad).run();
            for (int r = 0; r < rows; r++) {
                int x = inOff + r * d, o = outOff + r * d;
                for (int j = 0; j < d; j += L) {
                    VectorMask<Float> m = j + L <= d ? S.maskAll(true) : S.indexInRange(j, d);
                    FloatVector.fromArray(S, f, x + j, m).add(FloatVector.fromArray(S, y, r * w2.npad + j)).max(0f).intoArray(f, o + j, m);
                }
            }
        }
    }
}
