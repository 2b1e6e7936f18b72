package io.interestengine.graph;

/**
 * A named intermediate of the op graph: a vector {@code [rows, width]} or a sequence
 * {@code [rows, length, width]}. A sequence is {@code masked} when its real length per row is the
 * request's history length; otherwise every position is real.
 */
public record Value(String name, Scope scope, boolean sequence, int length, int width, boolean masked) {
    public static Value vector(String name, Scope scope, int width) {
        return new Value(name, scope, false, 1, width, false);
    }

    public static Value sequence(String name, Scope scope, int length, int width, boolean masked) {
        return new Value(name, scope, true, length, width, masked);
    }

    /** Floats per row. */
    public int rowSize() {
        return length * width;
    }

    public String describe() {
        return name + (sequence ? "[" + scope.name().toLowerCase() + " seq " + length + "x" + width + "]" : "[" + scope.name().toLowerCase() + " " + width + "]");
    }
}
