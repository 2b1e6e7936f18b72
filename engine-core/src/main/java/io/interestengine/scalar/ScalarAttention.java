package io.interestengine.scalar;

import io.interestengine.cpu.CpuSession;
import io.interestengine.cpu.SeqMask;
import io.interestengine.graph.Layer;
import io.interestengine.graph.AttentionOp;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;

/**
 * The DIN activation unit in its direct form: for every (row, position) the MLP runs on
 * {@code [q, k, q−k, q⊙k]}; then the scores are masked and normalised and the keys pooled (or the weights
 * written). The faster backends split the first layer; this one is the definition they are checked against.
 */
final class ScalarAttention implements Step {
    /** The references' padding score {@code −2^32 + 1}, as fp32. */
    static final float PAD_SCORE = (float) (-4294967296.0 + 1.0);

    private final AttentionOp op;
    private final SeqMask mask;
    private final float[] f;
    private final int[] ints;
    private final int qOff, kOff, outOff, rowMapOff;
    private final float[] x, h0, h1, scores;
    /** An array, not the op's list: no iterator per position on the hot path. */
    private final Layer[] layers;

    ScalarAttention(AttentionOp op, float[] f, int[] ints, Bindings b) {
        this.op = op;
        this.mask = SeqMask.of(op.keys(), op.mask(), b);
        this.f = f;
        this.ints = ints;
        this.qOff = b.off(op.query());
        this.kOff = b.off(op.keys());
        this.outOff = b.off(op.out());
        this.rowMapOff = b.rowMapOff();
        int widest = 4 * op.keys().width();
        layers = op.layers().toArray(new Layer[0]);
        for (Layer l : layers) widest = Math.max(widest, l.out());
        x = new float[widest];
        h0 = new float[widest];
        h1 = new float[widest];
        scores = new float[op.keys().length()];
    }

    @Override
    public void run(int users, int cands) {
        int T = op.keys().length(), d = op.keys().width();
        int rows = CpuSession.rows(op.out(), users, cands);
        for (int r = 0; r < rows; r++) {
            int q = qOff + CpuSession.src(op.query(), op.out().scope(), ints, rowMapOff, r) * d;
            int ku = CpuSession.src(op.keys(), op.out().scope(), ints, rowMapOff, r);
            int len = mask.length(ints, ku);
            for (int t = 0; t < T; t++) {
                int k = kOff + (ku * T + t) * d;
                for (int j = 0; j < d; j++) {
                    float qv = f[q + j], kv = f[k + j];
                    x[j] = qv;
                    x[d + j] = kv;
                    x[2 * d + j] = qv - kv;
                    x[3 * d + j] = qv * kv;
                }
                float[] in = x, out = h0;
                for (Layer l : layers) {
                    ScalarDense.apply(l, in, 0, out, 0);
                    in = out;
                    out = out == h0 ? h1 : h0;
                }
                scores[t] = in[0];
            }
            boolean any = len > 0 || !op.mask();
            if (op.normalization() == AttentionOp.Normalization.SOFTMAX) {
                float max = Float.NEGATIVE_INFINITY;
                for (int t = 0; t < T; t++) {
                    scores[t] = (mask.real(ints, ku, t) ? scores[t] : PAD_SCORE) * op.scale();
                    max = Math.max(max, scores[t]);
                }
                float sum = 0f;
                for (int t = 0; t < T; t++) {
                    scores[t] = (float) Math.exp(scores[t] - max);
                    sum += scores[t];
                }
                for (int t = 0; t < T; t++) scores[t] /= sum;
            } else {
                for (int t = 0; t < T; t++) if (!mask.real(ints, ku, t)) scores[t] = 0f;
            }
            assert any || op.normalization() == AttentionOp.Normalization.SOFTMAX || len == 0;
            if (op.returnWeights()) {
                for (int t = 0; t < T; t++) f[outOff + r * T + t] = scores[t];
            } else {
                for (int j = 0; j < d; j++) {
                    float s = 0f;
                    for (int t = 0; t < T; t++) s += scores[t] * f[kOff + (ku * T + t) * d + j];
                    f[outOff + r * d + j] = s;
                }
            }
        }
    }
}
