package io.interestengine.scalar;

import io.interestengine.graph.GruCell;
import io.interestengine.graph.GruOp;

/**
 * One GRU step in either cell style, written as the definition: the TF cell (mouna99, UIC-Paper) applies
 * the reset to the state before the candidate matmul, PyTorch's after it. Both are reduced to a keep
 * fraction {@code g} and a candidate {@code c}; the attention forms of DIEN then combine them. Holds its
 * own scratch, so one instance serves one thread.
 */
public final class ScalarGruCell {
    private final GruCell w;
    private final int in, hid;
    private final float[] xh, gi, gh, g, c;

    public ScalarGruCell(GruCell w) {
        this.w = w;
        this.in = w.in();
        this.hid = w.hidden();
        xh = new float[in + hid];
        gi = new float[3 * hid];
        gh = new float[3 * hid];
        g = new float[hid];
        c = new float[hid];
    }

    /**
     * {@code out = cell(x·xScale, h)} combined per {@code form} with attention weight {@code a}. {@code out}
     * may be {@code h} itself (same offset); {@code x} must not overlap {@code out}.
     */
    public void step(float[] x, int xo, float xScale, float[] h, int ho, GruOp.AttentionForm form, float a, float[] out, int oo) {
        for (int k = 0; k < in; k++) xh[k] = x[xo + k] * xScale;
        gates(h, ho);
        for (int j = 0; j < hid; j++) {
            float hv = h[ho + j], gv = g[j], cv = c[j];
            out[oo + j] = switch (form) {
                case NONE, AIGRU -> gv * hv + (1f - gv) * cv;
                case AUGRU_KEEP -> {
                    float k = (1f - a) * gv;
                    yield k * hv + (1f - k) * cv;
                }
                case AUGRU_UPDATE -> {
                    float v = a * gv;
                    yield (1f - v) * hv + v * cv;
                }
                case AGRU -> (1f - a) * hv + a * cv;
            };
        }
    }

    /** A plain step whose input is the concatenation of {@code x1} ({@code n1} floats) and {@code x2}. */
    public void step2(float[] x1, int o1, int n1, float[] x2, int o2, float[] h, int ho, float[] out, int oo) {
        System.arraycopy(x1, o1, xh, 0, n1);
        System.arraycopy(x2, o2, xh, n1, in - n1);
        gates(h, ho);
        for (int j = 0; j < hid; j++) out[oo + j] = g[j] * h[ho + j] + (1f - g[j]) * c[j];
    }

    /** Fills g and c from xh[0, in) and h. */
    private void gates(float[] h, int ho) {
        int x = in + hid;
        if (w.tf()) {
            for (int k = 0; k < hid; k++) xh[in + k] = h[ho + k];
            float[] gw = w.gate();
            for (int o = 0; o < 2 * hid; o++) {
                float acc = w.gateBias()[o];
                for (int k = 0; k < x; k++) acc += gw[o * x + k] * xh[k];
                gi[o] = sigmoid(acc);
            }
            // The reset scales the state before the candidate matmul (TF GRUCell).
            for (int k = 0; k < hid; k++) xh[in + k] = gi[k] * h[ho + k];
            float[] cw = w.cand();
            for (int o = 0; o < hid; o++) {
                float acc = w.candBias()[o];
                for (int k = 0; k < x; k++) acc += cw[o * x + k] * xh[k];
                c[o] = (float) Math.tanh(acc);
                g[o] = gi[hid + o];
            }
        } else {
            float[] ih = w.ih(), hh = w.hh();
            for (int o = 0; o < 3 * hid; o++) {
                float a = w.ihBias()[o];
                for (int k = 0; k < in; k++) a += ih[o * in + k] * xh[k];
                gi[o] = a;
                float b = w.hhBias()[o];
                for (int k = 0; k < hid; k++) b += hh[o * hid + k] * h[ho + k];
                gh[o] = b;
            }
            for (int j = 0; j < hid; j++) {
                float r = sigmoid(gi[j] + gh[j]);
                g[j] = sigmoid(gi[hid + j] + gh[hid + j]);
                // PyTorch applies the reset after the matmul: n = tanh(W_in·x + b_in + r⊙(W_hn·h + b_hn)).
                c[j] = (float) Math.tanh(gi[2 * hid + j] + r * gh[2 * hid + j]);
            }
        }
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
}
