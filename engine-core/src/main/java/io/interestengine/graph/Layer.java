package io.interestengine.graph;

/**
 * A dense layer with batch norm already folded in: {@code y = act(W·x + b)}, W row-major {@code [out, in]}.
 * Heap arrays: they are load-time data that backends copy into their own layout (off-heap, device,
 * blocked); the reference backend reads them directly.
 */
public record Layer(String name, int in, int out, float[] weight, float[] bias, Activation activation) {
    /** The layer's arrays, activation parameters included, labelled with the layer's name. */
    public void forEachWeight(java.util.function.BiConsumer<String, float[]> f) {
        String at = "layer '" + name + "'";
        f.accept(at + " weight", weight);
        f.accept(at + " bias", bias);
        if (activation instanceof Activation.PRelu p) f.accept(at + " PReLU alpha", p.alpha());
        if (activation instanceof Activation.Dice d) {
            f.accept(at + " Dice alpha", d.alpha());
            f.accept(at + " Dice batch-norm scale", d.a());
            f.accept(at + " Dice batch-norm shift", d.c());
        }
    }
}
