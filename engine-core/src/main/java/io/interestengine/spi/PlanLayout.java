package io.interestengine.spi;

import io.interestengine.graph.ModelGraph;

/**
 * The sizes of one session's workspace, fixed by the planner: one float arena and one int arena,
 * addressed by element offsets. The int arena starts with the request inputs (ids, history lengths,
 * the candidate-to-user row map), which is all that is uploaded per request.
 */
public record PlanLayout(ModelGraph graph, int floats, int ints, int inputInts, int maxUsers, int maxCandidates) {
    /** Offset of the history lengths, one per user row: the input region ends with the lengths, then the row map. */
    public int lengthsOff() {
        return inputInts - maxCandidates - maxUsers;
    }

    /** Offset of the row map, one user row per candidate row: the last {@code maxCandidates} ints of the input region. */
    public int rowMapOff() {
        return inputInts - maxCandidates;
    }
}
