package io.interestengine.graph;

/**
 * A dense layer with batch norm already folded in: {@code y = act(W·x + b)}, W row-major {@code [out, in]}.
 * Heap arrays: they are load-time data that backends copy into their own layout (off-heap, device,
 * blocked); the reference backend reads them directly.
 */
public record Layer(String name, int in, int out, float[] weight, float[] bias, Activation activation) {
}
