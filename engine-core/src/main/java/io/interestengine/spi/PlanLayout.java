package io.interestengine.spi;

import io.interestengine.graph.ModelGraph;

/**
 * The sizes of one session's workspace, fixed by the planner: one float arena and one int arena, addressed by
 * element offsets ({@link Bindings}). The int arena starts with the request inputs (ids, per-group lengths,
 * the row map: {@code [0, inputInts)}), which is all that is uploaded per request.
 */
public record PlanLayout(ModelGraph graph, int floats, int ints, int inputInts, int maxUsers, int maxCandidates, Bindings bindings) {
}
