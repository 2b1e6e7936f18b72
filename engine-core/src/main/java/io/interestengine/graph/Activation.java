package io.interestengine.graph;

/**
 * Activation applied after a dense layer. Parameters are heap arrays fixed at load time (per output
 * channel). Dice is stored folded: {@code p = sigmoid(a·x + c)}, {@code out = x·(α + (1−α)·p)}, which
 * covers the DIN-repo, DeepCTR-Torch and DeepCTR-TF batch-norm forms and the per-sample form (a = c = 0).
 */
public sealed interface Activation {
    record Linear() implements Activation { }
    record Relu() implements Activation { }
    record Sigmoid() implements Activation { }
    record Tanh() implements Activation { }
    /** {@code alpha.length} equals the width, also for a scalar α (broadcast at load). */
    record PRelu(float[] alpha) implements Activation { }
    record Dice(float[] alpha, float[] a, float[] c) implements Activation { }

    Linear LINEAR = new Linear();

    /** The reference definition, used by the scalar backend and by tests. */
    static float apply(Activation act, int channel, float x) {
        return switch (act) {
            case Linear l -> x;
            case Relu r -> x > 0f ? x : 0f;
            case Sigmoid s -> sigmoid(x);
            case Tanh t -> (float) Math.tanh(x);
            case PRelu p -> Math.max(0f, x) + p.alpha()[channel] * Math.min(0f, x);
            case Dice d -> {
                float p = sigmoid(d.a()[channel] * x + d.c()[channel]);
                yield d.alpha()[channel] * (1f - p) * x + p * x;
            }
        };
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
}
