package io.interestengine.graph;

/** How the final value becomes one score per row. */
public record Output(Value in, Kind kind, int index, float epsilon) {
    public enum Kind { SIGMOID, SOFTMAX2, IDENTITY }
}
