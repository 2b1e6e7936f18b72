package io.interestengine.graph;

/**
 * A named intermediate of the op graph: a vector {@code [rows, width]} or a sequence
 * {@code [rows, length, width]}. A sequence is masked when it belongs to a {@link SequenceGroup}
 * ({@code group} non-null): its real positions per row are the group's; otherwise every position is real.
 */
public record Value(String name, Scope scope, boolean sequence, int length, int width, SequenceGroup group) {
    public static Value vector(String name, Scope scope, int width) {
        return new Value(name, scope, false, 1, width, null);
    }

    /** A sequence masked by {@code group} (its length is the group's), or unmasked of {@code length} when null. */
    public static Value sequence(String name, Scope scope, int length, int width, SequenceGroup group) {
        return new Value(name, scope, true, group != null ? group.maxLength() : length, width, group);
    }

    /** Whether some positions of each row are padding (the group's mask decides which). */
    public boolean masked() {
        return group != null;
    }

    /** Floats per row. */
    public int rowSize() {
        return length * width;
    }

    public String describe() {
        String s = scope.name().toLowerCase();
        return name + (sequence ? "[" + s + " seq " + length + "x" + width + (group != null ? " of '" + group.name() + "'" : "") + "]"
                : "[" + s + " " + width + "]");
    }
}
