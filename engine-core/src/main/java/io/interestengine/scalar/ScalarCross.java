package io.interestengine.scalar;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.CrossMixOp;
import io.interestengine.graph.CrossOp;
import io.interestengine.graph.ResidualOp;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;

/**
 * Layers that keep the width of their input and add it back: DCN's cross network (vector and matrix), DCN-Mix's
 * mixture of low-rank experts, Deep Crossing's residual unit. Plain loops in the order of the formulas of
 * docs/FORMAT.md; every layer of every row runs in full (no part of them is per user).
 */
final class ScalarCross {
    private ScalarCross() {
    }

    static Step cross(CrossOp op, float[] f, Bindings b) {
        int d = op.in().width(), L = op.layers(), inOff = b.off(op.in()), outOff = b.off(op.out());
        float[] x = new float[d], y = new float[d], K = op.kernels(), B = op.bias();
        return (users, cands) -> {
            int rows = CpuSession.rows(op.out(), users, cands);
            for (int r = 0; r < rows; r++) {
                int x0 = inOff + r * d;
                System.arraycopy(f, x0, x, 0, d);
                for (int l = 0; l < L; l++) {
                    if (op.matrix()) {
                        for (int i = 0; i < d; i++) {
                            float s = 0f;
                            for (int j = 0; j < d; j++) s += K[(l * d + i) * d + j] * x[j];
                            y[i] = s + B[l * d + i];
                        }
                        for (int i = 0; i < d; i++) x[i] = f[x0 + i] * y[i] + x[i];
                    } else {
                        float s = 0f;
                        for (int j = 0; j < d; j++) s += x[j] * K[l * d + j];
                        for (int i = 0; i < d; i++) x[i] = f[x0 + i] * s + B[l * d + i] + x[i];
                    }
                }
                System.arraycopy(x, 0, f, outOff + r * d, d);
            }
        };
    }

    static Step crossMix(CrossMixOp op, float[] f, Bindings b) {
        int d = op.in().width(), L = op.layers(), E = op.experts(), R = op.rank();
        int inOff = b.off(op.in()), outOff = b.off(op.out());
        float[] x = new float[d], moe = new float[d], v = new float[R], cv = new float[R], u = new float[d];
        float[] g = new float[E], oe = new float[E * d];
        float[] U = op.u(), V = op.v(), C = op.c(), G = op.gating(), B = op.bias();
        return (users, cands) -> {
            int rows = CpuSession.rows(op.out(), users, cands);
            for (int r = 0; r < rows; r++) {
                int x0 = inOff + r * d;
                System.arraycopy(f, x0, x, 0, d);
                for (int l = 0; l < L; l++) {
                    for (int e = 0; e < E; e++) {
                        float s = 0f;
                        for (int j = 0; j < d; j++) s += G[e * d + j] * x[j];
                        g[e] = s;
                        int le = l * E + e;
                        for (int q = 0; q < R; q++) {
                            float t = 0f;
                            for (int j = 0; j < d; j++) t += V[(le * d + j) * R + q] * x[j];
                            v[q] = (float) Math.tanh(t);
                        }
                        for (int q = 0; q < R; q++) {
                            float t = 0f;
                            for (int j = 0; j < R; j++) t += C[(le * R + q) * R + j] * v[j];
                            cv[q] = (float) Math.tanh(t);
                        }
                        for (int i = 0; i < d; i++) {
                            float t = 0f;
                            for (int q = 0; q < R; q++) t += U[(le * d + i) * R + q] * cv[q];
                            u[i] = t;
                        }
                        for (int i = 0; i < d; i++) oe[e * d + i] = f[x0 + i] * (u[i] + B[l * d + i]);
                    }
                    float max = Float.NEGATIVE_INFINITY, sum = 0f;
                    for (int e = 0; e < E; e++) max = Math.max(max, g[e]);
                    for (int e = 0; e < E; e++) {
                        g[e] = (float) Math.exp(g[e] - max);
                        sum += g[e];
                    }
                    for (int e = 0; e < E; e++) g[e] /= sum;
                    for (int i = 0; i < d; i++) {
                        float s = 0f;
                        for (int e = 0; e < E; e++) s += oe[e * d + i] * g[e];
                        moe[i] = s;
                    }
                    for (int i = 0; i < d; i++) x[i] = moe[i] + x[i];
                }
                System.arraycopy(x, 0, f, outOff + r * d, d);
            }
        };
    }

    static Step residual(ResidualOp op, float[] f, Bindings b) {
        int d = op.in().width(), H = op.inner().out(), inOff = b.off(op.in()), outOff = b.off(op.out());
        float[] h = new float[H], W1 = op.inner().weight(), B1 = op.inner().bias(), W2 = op.outer().weight(), B2 = op.outer().bias();
        return (users, cands) -> {
            int rows = CpuSession.rows(op.out(), users, cands);
            for (int r = 0; r < rows; r++) {
                int x = inOff + r * d;
                for (int o = 0; o < H; o++) {
                    float s = 0f;
                    for (int j = 0; j < d; j++) s += W1[o * d + j] * f[x + j];
                    s += B1[o];
                    h[o] = s > 0f ? s : 0f;
                }
                for (int o = 0; o < d; o++) {
                    float s = 0f;
                    for (int j = 0; j < H; j++) s += W2[o * H + j] * h[j];
                    s = f[x + o] + (s + B2[o]);
                    f[outOff + r * d + o] = s > 0f ? s : 0f;
                }
            }
        };
    }
}
