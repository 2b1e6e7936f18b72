package io.interestengine.scalar;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.SelfAttentionOp;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;

/**
 * AutoInt's interacting layers, the definition: per row the fields as {@code X [F, d]}, then per layer the
 * projections {@code X·W} (sums over the input column in order), per head the scaled dot products, softmax over the
 * keys, the weighted sum of the values, the residual projection added, relu.
 */
final class ScalarSelfAttention {
    private ScalarSelfAttention() {
    }

    static Step step(SelfAttentionOp op, float[] f, int[] ints, Bindings b) {
        ScalarInteraction.Fields fx = ScalarInteraction.Fields.of(op.out(), op.in(), b);
        int F = op.in().size(), d = op.d(), n = op.heads(), dh = d / n, outOff = b.off(op.out());
        float[] x = new float[F * d], q = new float[F * d], kk = new float[F * d], v = new float[F * d], y = new float[F * d];
        float[] s = new float[F];
        float scale = (float) Math.sqrt(dh);
        // An array, not the op's list: a list's iterator is an allocation per row wherever C2 sees more than one
        // list class at the loop (several models in one JVM) and cannot remove it.
        SelfAttentionOp.Weights[] layers = op.layers().toArray(new SelfAttentionOp.Weights[0]);
        return (users, cands) -> {
            int rows = CpuSession.rows(op.out(), users, cands);
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < F; i++) System.arraycopy(f, fx.at(ints, i, r), x, i * d, d);
                for (SelfAttentionOp.Weights w : layers) {
                    project(x, w.query(), q, F, d);
                    project(x, w.key(), kk, F, d);
                    project(x, w.value(), v, F, d);
                    for (int h = 0; h < n; h++) {
                        for (int i = 0; i < F; i++) {
                            float max = Float.NEGATIVE_INFINITY;
                            for (int j = 0; j < F; j++) {
                                float t = 0f;
                                for (int c = h * dh; c < (h + 1) * dh; c++) t += q[i * d + c] * kk[j * d + c];
                                if (op.scaling()) t /= scale;
                                s[j] = t;
                                max = Math.max(max, t);
                            }
                            float sum = 0f;
                            for (int j = 0; j < F; j++) {
                                s[j] = (float) Math.exp(s[j] - max);
                                sum += s[j];
                            }
                            for (int j = 0; j < F; j++) s[j] /= sum;
                            for (int c = h * dh; c < (h + 1) * dh; c++) {
                                float t = 0f;
                                for (int j = 0; j < F; j++) t += s[j] * v[j * d + c];
                                y[i * d + c] = t;
                            }
                        }
                    }
                    if (w.res() != null) {
                        project(x, w.res(), q, F, d);
                        for (int e = 0; e < F * d; e++) y[e] += q[e];
                    }
                    for (int e = 0; e < F * d; e++) x[e] = y[e] > 0f ? y[e] : 0f;
                }
                System.arraycopy(x, 0, f, outOff + r * F * d, F * d);
            }
        };
    }

    /** {@code out[i][c] = Σ_j x[i][j]·w[j][c]}. */
    private static void project(float[] x, float[] w, float[] out, int F, int d) {
        for (int i = 0; i < F; i++) {
            for (int c = 0; c < d; c++) {
                float t = 0f;
                for (int j = 0; j < d; j++) t += x[i * d + j] * w[j * d + c];
                out[i * d + c] = t;
            }
        }
    }
}
