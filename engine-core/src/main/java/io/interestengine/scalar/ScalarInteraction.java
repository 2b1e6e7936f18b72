package io.interestengine.scalar;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.AfmOp;
import io.interestengine.graph.FmOp;
import io.interestengine.graph.InnerProductOp;
import io.interestengine.graph.OuterProductOp;
import io.interestengine.graph.Value;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;

import java.util.List;

/**
 * Field interactions, the definitions themselves: the FM term and NFM's bi-interaction, PNN's inner and outer
 * products, AFM. Fields are read row by row through the row map (user fields shared by a user's candidates);
 * sums run in field, pair and channel order as docs/FORMAT.md writes them.
 */
final class ScalarInteraction {
    private ScalarInteraction() {
    }

    /** Where each field's row {@code r} of an op with output {@code out} starts. */
    record Fields(Value out, Value[] in, int[] off, int k, int rowMapOff) {
        static Fields of(Value out, List<Value> in, Bindings b) {
            Value[] v = in.toArray(new Value[0]);
            int[] off = new int[v.length];
            for (int f = 0; f < v.length; f++) off[f] = b.off(v[f]);
            return new Fields(out, v, off, v[0].width(), b.rowMapOff());
        }

        int at(int[] ints, int f, int r) {
            return off[f] + CpuSession.src(in[f], out.scope(), ints, rowMapOff, r) * k;
        }
    }

    static Step fm(FmOp op, float[] f, int[] ints, Bindings b) {
        Fields x = Fields.of(op.out(), op.in(), b);
        int F = x.in().length, k = x.k(), outOff = b.off(op.out()), w = op.out().width();
        return (users, cands) -> {
            int rows = CpuSession.rows(op.out(), users, cands);
            for (int r = 0; r < rows; r++) {
                float total = 0f;
                for (int c = 0; c < k; c++) {
                    float s = 0f, q = 0f;
                    for (int i = 0; i < F; i++) {
                        float v = f[x.at(ints, i, r) + c];
                        s += v;
                        q += v * v;
                    }
                    if (op.perChannel()) f[outOff + r * w + c] = 0.5f * (s * s - q);
                    else total += s * s - q;
                }
                if (!op.perChannel()) f[outOff + r] = 0.5f * total;
            }
        };
    }

    static Step inner(InnerProductOp op, float[] f, int[] ints, Bindings b) {
        Fields x = Fields.of(op.out(), op.in(), b);
        int F = x.in().length, k = x.k(), outOff = b.off(op.out()), w = op.out().width();
        return (users, cands) -> {
            int rows = CpuSession.rows(op.out(), users, cands);
            for (int r = 0; r < rows; r++) {
                int o = outOff + r * w;
                for (int i = 0; i < F; i++) {
                    for (int j = i + 1; j < F; j++) {
                        int p = x.at(ints, i, r), q = x.at(ints, j, r);
                        if (op.reduceSum()) {
                            float s = 0f;
                            for (int c = 0; c < k; c++) s += f[p + c] * f[q + c];
                            f[o++] = s;
                        } else {
                            for (int c = 0; c < k; c++) f[o++] = f[p + c] * f[q + c];
                        }
                    }
                }
            }
        };
    }

    static Step outer(OuterProductOp op, float[] f, int[] ints, Bindings b) {
        Fields x = Fields.of(op.out(), op.in(), b);
        int F = x.in().length, k = x.k(), P = op.out().width(), outOff = b.off(op.out());
        float[] K = op.kernel();
        return (users, cands) -> {
            int rows = CpuSession.rows(op.out(), users, cands);
            for (int r = 0; r < rows; r++) {
                int pair = 0;
                for (int i = 0; i < F; i++) {
                    for (int j = i + 1; j < F; j++, pair++) {
                        int p = x.at(ints, i, r), q = x.at(ints, j, r);
                        float s = 0f;
                        switch (op.type()) {
                            case MAT -> {
                                for (int a = 0; a < k; a++) {
                                    float t = 0f;
                                    for (int c = 0; c < k; c++) t += K[(a * P + pair) * k + c] * f[p + c];
                                    s += t * f[q + a];
                                }
                            }
                            case VEC -> {
                                for (int c = 0; c < k; c++) s += f[p + c] * f[q + c] * K[pair * k + c];
                            }
                            case NUM -> {
                                for (int c = 0; c < k; c++) s += f[p + c] * f[q + c];
                                s = K[pair] * s;
                            }
                        }
                        f[outOff + r * P + pair] = s;
                    }
                }
            }
        };
    }

    static Step afm(AfmOp op, float[] f, int[] ints, Bindings b) {
        Fields x = Fields.of(op.out(), op.in(), b);
        int F = x.in().length, k = x.k(), A = op.attention(), P = F * (F - 1) / 2, outOff = b.off(op.out());
        float[] bp = new float[P * k], logit = new float[P], att = new float[k];
        float[] W = op.w(), bias = op.b(), h = op.projectionH(), pp = op.projectionP();
        return (users, cands) -> {
            int rows = CpuSession.rows(op.out(), users, cands);
            for (int r = 0; r < rows; r++) {
                int pair = 0;
                for (int i = 0; i < F; i++) {
                    for (int j = i + 1; j < F; j++, pair++) {
                        int p = x.at(ints, i, r), q = x.at(ints, j, r);
                        for (int c = 0; c < k; c++) bp[pair * k + c] = f[p + c] * f[q + c];
                        float s = 0f;
                        for (int a = 0; a < A; a++) {
                            float t = 0f;
                            for (int c = 0; c < k; c++) t += bp[pair * k + c] * W[c * A + a];
                            t += bias[a];
                            s += (t > 0f ? t : 0f) * h[a];
                        }
                        logit[pair] = s;
                    }
                }
                float max = Float.NEGATIVE_INFINITY, sum = 0f;
                for (int p = 0; p < P; p++) max = Math.max(max, logit[p]);
                for (int p = 0; p < P; p++) {
                    logit[p] = (float) Math.exp(logit[p] - max);
                    sum += logit[p];
                }
                for (int c = 0; c < k; c++) {
                    float s = 0f;
                    for (int p = 0; p < P; p++) s += logit[p] / sum * bp[p * k + c];
                    att[c] = s;
                }
                float o = 0f;
                for (int c = 0; c < k; c++) o += att[c] * pp[c];
                f[outOff + r] = o;
            }
        };
    }
}
