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
        private final float[] f, y, k, bias, dots = new float[4], acc = new float[4 * L];
        /** The vector form's {@code B_L} (all layers' biases summed, padded) and {@code B_l·w_l} per layer. */
        private final float[] bsum, bw;
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
            int layers = op.layers();
            bsum = new float[dpad];
            bw = new float[layers];
            for (int l = 0; l < layers; l++) {
                double sw = 0;
                for (int j = 0; j < d; j++) sw += (double) bsum[j] * k[l * d + j];
                bw[l] = (float) sw;
                for (int j = 0; j < d; j++) bsum[j] += bias[l * d + j];
            }
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
         * The vector cross in closed form. With {@code s_l = x_l·w_l}, every layer keeps {@code x_l = x0·c_l + B_l}:
         * {@code c_0 = 1, c_{l+1} = c_l + s_l} (a scalar per row) and {@code B_l = b_0 + … + b_{l−1}} (a vector shared
         * by every row), so {@code s_l = c_l·(x0·w_l) + B_l·w_l}. A row costs its L dot products with x0 and one
         * pass writing {@code x0·c_L + B_L}, where the layer-by-layer form reads and writes the row twice per layer.
         * The same value as the reference's {@code x0·s + b + x}, rounded in another order.
         */
        private void vector(int rows) {
            int layers = op.layers(), r = 0;
            for (; L >= 4 && r + 4 <= rows; r += 4) {
                int x0 = inOff + r * d;
                float c0 = 1f, c1 = 1f, c2 = 1f, c3 = 1f;
                for (int l = 0; l < layers; l++) {
                    dots4(x0, l * d);
                    float beta = bw[l];
                    c0 += c0 * dots[0] + beta;
                    c1 += c1 * dots[1] + beta;
                    c2 += c2 * dots[2] + beta;
                    c3 += c3 * dots[3] + beta;
                }
                write(x0, outOff + r * d, c0);
                write(x0 + d, outOff + (r + 1) * d, c1);
                write(x0 + 2 * d, outOff + (r + 2) * d, c2);
                write(x0 + 3 * d, outOff + (r + 3) * d, c3);
            }
            for (; r < rows; r++) {
                int x0 = inOff + r * d;
                float c = 1f;
                for (int l = 0; l < layers; l++) c += c * Vec.dot(f, x0, k, l * d, d) + bw[l];
                write(x0, outOff + r * d, c);
            }
        }

        /** The dot products {@code x0·w} of four consecutive rows from x0, w at kw, into {@link #dots}. */
        private void dots4(int x0, int kw) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int j = 0, d2 = 2 * d, d3 = 3 * d;
            for (; j + L <= d; j += L) {
                FloatVector w = FloatVector.fromArray(S, k, kw + j);
                a0 = FloatVector.fromArray(S, f, x0 + j).fma(w, a0);
                a1 = FloatVector.fromArray(S, f, x0 + d + j).fma(w, a1);
                a2 = FloatVector.fromArray(S, f, x0 + d2 + j).fma(w, a2);
                a3 = FloatVector.fromArray(S, f, x0 + d3 + j).fma(w, a3);
            }
            if (j < d) {
                VectorMask<Float> m = S.indexInRange(j, d);
                FloatVector w = FloatVector.fromArray(S, k, kw + j, m);
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

        /** {@code f[out …] = x0·c + B_L} over one row. */
        private void write(int x0, int out, float c) {
            FloatVector cv = FloatVector.broadcast(S, c);
            int j = 0;
            for (; j + L <= d; j += L) {
                FloatVector.fromArray(S, f, x0 + j).fma(cv, FloatVector.fromArray(S, bsum, j)).intoArray(f, out + j);
            }
            if (j < d) {
                VectorMask<Float> m = S.indexInRange(j, d);
                FloatVector.fromArray(S, f, x0 + j, m).fma(cv, FloatVector.fromArray(S, bsum, j, m))
                        .intoArray(f, out + j, m);
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
