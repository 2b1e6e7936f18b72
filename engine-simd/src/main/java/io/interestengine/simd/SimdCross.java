package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.Activation;
import io.interestengine.graph.CrossMixOp;
import io.interestengine.graph.CrossOp;
import io.interestengine.graph.ResidualOp;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

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
        private final float[] f, y, k, bias, dots = new float[4], red = new float[L], acc = new float[4 * L];
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
            if (!op.matrix() && op.layers() > 0) {
                vector(rows);
                return;
            }
            System.arraycopy(f, inOff, f, outOff, rows * d);
            for (int l = 0; l < op.layers(); l++) {
                call.weights(w.a()[l]).a(f, outOff, d, rows).c(y, 0, dpad).run();
                for (int r = 0; r < rows; r++) {
                    int x = outOff + r * d, x0 = inOff + r * d;
                    for (int j = 0; j < d; j += L) {
                        VectorMask<Float> m = j + L <= d ? S.maskAll(true) : S.indexInRange(j, d);
                        FloatVector a = FloatVector.fromArray(S, f, x0 + j, m);
                        FloatVector xl = FloatVector.fromArray(S, f, x + j, m);
                        a.mul(FloatVector.fromArray(S, y, r * dpad + j)).add(xl).intoArray(f, x + j, m);
                    }
                }
            }
        }

        /**
         * The vector cross, row by row with every layer fused: one pass per layer updates {@code x = x0·s + b_l + x}
         * and takes the next layer's dot product {@code x·w_{l+1}} from the values just written; layer 0 reads x0
         * as x, so the input is never copied.
         */
        private void vector(int rows) {
            int layers = op.layers(), r = 0;
            for (; L >= 4 && r + 4 <= rows; r += 4) {
                int x0 = inOff + r * d, x = outOff + r * d;
                dots4(x0);
                for (int l = 0; l < layers; l++) layer4(x0, l == 0 ? x0 : x, x, l, l + 1 < layers ? (l + 1) * d : -1);
            }
            for (; r < rows; r++) {
                int x0 = inOff + r * d, x = outOff + r * d;
                float s = dot(x0, 0);
                for (int l = 0; l < layers; l++) {
                    s = layer(x0, l == 0 ? x0 : x, x, l, l + 1 < layers ? (l + 1) * d : -1, s);
                }
            }
        }

        private float dot(int x, int kw) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0;
            int j = 0;
            for (; j + 2 * L <= d; j += 2 * L) {
                a0 = FloatVector.fromArray(S, f, x + j).fma(FloatVector.fromArray(S, k, kw + j), a0);
                a1 = FloatVector.fromArray(S, f, x + j + L).fma(FloatVector.fromArray(S, k, kw + j + L), a1);
            }
            if (j + L <= d) {
                a0 = FloatVector.fromArray(S, f, x + j).fma(FloatVector.fromArray(S, k, kw + j), a0);
                j += L;
            }
            if (j < d) {
                VectorMask<Float> m = S.indexInRange(j, d);
                a1 = FloatVector.fromArray(S, f, x + j, m).fma(FloatVector.fromArray(S, k, kw + j, m), a1);
            }
            a0.add(a1).intoArray(red, 0);
            return Vec.sum(red, 0, L);
        }

        /** The first layer's dot products {@code x0·w_0} of four consecutive rows from x0, into {@link #dots}. */
        private void dots4(int x0) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int j = 0, d2 = 2 * d, d3 = 3 * d;
            for (; j + L <= d; j += L) {
                FloatVector w = FloatVector.fromArray(S, k, j);
                a0 = FloatVector.fromArray(S, f, x0 + j).fma(w, a0);
                a1 = FloatVector.fromArray(S, f, x0 + d + j).fma(w, a1);
                a2 = FloatVector.fromArray(S, f, x0 + d2 + j).fma(w, a2);
                a3 = FloatVector.fromArray(S, f, x0 + d3 + j).fma(w, a3);
            }
            if (j < d) {
                VectorMask<Float> m = S.indexInRange(j, d);
                FloatVector w = FloatVector.fromArray(S, k, j, m);
                a0 = FloatVector.fromArray(S, f, x0 + j, m).fma(w, a0);
                a1 = FloatVector.fromArray(S, f, x0 + d + j, m).fma(w, a1);
                a2 = FloatVector.fromArray(S, f, x0 + d2 + j, m).fma(w, a2);
                a3 = FloatVector.fromArray(S, f, x0 + d3 + j, m).fma(w, a3);
            }
            a0.intoArray(acc, 0);
            a1.intoArray(acc, L);
            a2.intoArray(acc, 2 * L);
            a3.intoArray(acc, 3 * L);
            Vec.sum4(acc, dots);
        }

        /**
         * {@link #layer} on four consecutive rows at once (their s in {@link #dots}, replaced by the next layer's):
         * four independent dot-product chains in flight, and w and b loaded once for the four; the masked last
         * vector ({@link #tail4}) joins the same accumulators, and the four lane sums share one butterfly
         * ({@link Vec#sum4}). The last layer takes a dot product with its own w that nobody reads (a
         * branch-free loop compiles to the smaller code).
         */
        private void layer4(int x0, int src, int x, int l, int kw) {
            FloatVector s0 = FloatVector.broadcast(S, dots[0]), s1 = FloatVector.broadcast(S, dots[1]);
            FloatVector s2 = FloatVector.broadcast(S, dots[2]), s3 = FloatVector.broadcast(S, dots[3]);
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int bo = l * d, full = d - d % L, d2 = 2 * d, d3 = 3 * d, kv = kw < 0 ? bo : kw;
            for (int j = 0; j < full; j += L) {
                FloatVector b = FloatVector.fromArray(S, bias, bo + j), w = FloatVector.fromArray(S, k, kv + j);
                FloatVector t0 = FloatVector.fromArray(S, f, x0 + j).mul(s0).add(b)
                        .add(FloatVector.fromArray(S, f, src + j));
                FloatVector t1 = FloatVector.fromArray(S, f, x0 + d + j).mul(s1).add(b)
                        .add(FloatVector.fromArray(S, f, src + d + j));
                FloatVector t2 = FloatVector.fromArray(S, f, x0 + d2 + j).mul(s2).add(b)
                        .add(FloatVector.fromArray(S, f, src + d2 + j));
                FloatVector t3 = FloatVector.fromArray(S, f, x0 + d3 + j).mul(s3).add(b)
                        .add(FloatVector.fromArray(S, f, src + d3 + j));
                t0.intoArray(f, x + j);
                t1.intoArray(f, x + d + j);
                t2.intoArray(f, x + d2 + j);
                t3.intoArray(f, x + d3 + j);
                a0 = t0.fma(w, a0);
                a1 = t1.fma(w, a1);
                a2 = t2.fma(w, a2);
                a3 = t3.fma(w, a3);
            }
            a0.intoArray(acc, 0);
            a1.intoArray(acc, L);
            a2.intoArray(acc, 2 * L);
            a3.intoArray(acc, 3 * L);
            if (full < d) tail4(x0, src, x, bo, kv, full);
            Vec.sum4(acc, dots);
        }

        /**
         * The masked last vector of {@link #layer4}'s four rows from {@code j}, its products added to the
         * accumulators in {@link #acc} (lanes beyond d load as zeros). A method of its own, and the lane sums in
         * another: one method holding all of it is beyond what C1 can compile with profiling, and a method C1 gives
         * up on stays at its first tier.
         */
        private void tail4(int x0, int src, int x, int bo, int kw, int j) {
            VectorMask<Float> m = S.indexInRange(j, d);
            FloatVector b = FloatVector.fromArray(S, bias, bo + j, m), w = FloatVector.fromArray(S, k, kw + j, m);
            for (int i = 0; i < 4; i++) {
                int o = i * d;
                FloatVector t = FloatVector.fromArray(S, f, x0 + o + j, m).mul(dots[i]).add(b)
                        .add(FloatVector.fromArray(S, f, src + o + j, m));
                t.intoArray(f, x + o + j, m);
                t.fma(w, FloatVector.fromArray(S, acc, i * L)).intoArray(acc, i * L);
            }
        }

        /**
         * {@code x = x0·s + b_l + src} (the reference's order of operations); returns {@code x·w} at kw, or 0 when
         * kw &lt; 0.
         */
        private float layer(int x0, int src, int x, int l, int kw, float s) {
            FloatVector sv = FloatVector.broadcast(S, s), a0 = FloatVector.zero(S), a1 = a0;
            int bo = l * d, j = 0;
            boolean next = kw >= 0;
            for (; j + 2 * L <= d; j += 2 * L) {
                FloatVector t0 = FloatVector.fromArray(S, f, x0 + j).mul(sv).add(FloatVector.fromArray(S, bias, bo + j))
                        .add(FloatVector.fromArray(S, f, src + j));
                FloatVector t1 = FloatVector.fromArray(S, f, x0 + j + L).mul(sv)
                        .add(FloatVector.fromArray(S, bias, bo + j + L))
                        .add(FloatVector.fromArray(S, f, src + j + L));
                t0.intoArray(f, x + j);
                t1.intoArray(f, x + j + L);
                if (next) {
                    a0 = t0.fma(FloatVector.fromArray(S, k, kw + j), a0);
                    a1 = t1.fma(FloatVector.fromArray(S, k, kw + j + L), a1);
                }
            }
            for (; j < d; j += L) {
                VectorMask<Float> m = S.indexInRange(j, d);
                FloatVector t = FloatVector.fromArray(S, f, x0 + j, m).mul(sv)
                        .add(FloatVector.fromArray(S, bias, bo + j, m))
                        .add(FloatVector.fromArray(S, f, src + j, m));
                t.intoArray(f, x + j, m);
                if (next) a0 = t.fma(FloatVector.fromArray(S, k, kw + j, m), a0);
            }
            if (!next) return 0f;
            a0.add(a1).intoArray(red, 0);
            return Vec.sum(red, 0, L);
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
