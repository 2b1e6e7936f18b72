package io.interestengine.spi;

import io.interestengine.graph.Field;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Scope;
import io.interestengine.graph.SequenceGroup;
import io.interestengine.graph.Value;

/**
 * Where one session's planner put everything a kernel reads or writes: element offsets into the float arena
 * (values, scores) and the int arena (ids, per-group lengths, the candidate-to-user row map), and the row
 * capacities. A step of candidate scope reads user-scope inputs through the row map ({@code rowMap[c]} is the
 * user row of candidate row {@code c}).
 *
 * <p>Masks: position {@code t} of a sequence of a length-masked group is real when {@code t < len} (right
 * padding) or {@code t >= T − len} (left padding), {@code len = lengths[group][user]}. In an id-masked group
 * it is real when the group's first field holds an id other than the padding id there (its staged ids, at
 * {@link #idsOff} of {@link ModelGraph#maskField}); {@code lengths} then counts the real positions.
 */
public interface Bindings {
    ModelGraph graph();

    /** Float arena offset of value {@code v}'s first row. */
    int off(Value v);

    /** Int arena offset of id field {@code f}'s staged ids (sequence fields: {@code T} per user row, padded). */
    int idsOff(Field f);

    /** Int arena offset of a sequence group's lengths, one per user row. */
    int lengthsOff(SequenceGroup s);

    /** Int arena offset of the row map, one user row per candidate row. */
    int rowMapOff();

    /** Rows of scope {@code s} the session holds at most. */
    int maxRows(Scope s);
}
