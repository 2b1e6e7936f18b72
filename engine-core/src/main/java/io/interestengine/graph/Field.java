package io.interestengine.graph;

import io.interestengine.format.Tensor;

/**
 * A request field. Id fields name a table; dense fields carry {@code denseWidth} floats. A derived id
 * field is computed from field {@code deriveFrom} through the id map {@code deriveMap} and is not sent.
 * Sequence fields ({@link Group#HISTORY}) belong to one {@link SequenceGroup} {@code seq}.
 */
public record Field(String name, Group group, Table table, int denseWidth, Field deriveFrom, Tensor deriveMap, int index,
                    SequenceGroup seq) {
    public enum Group { USER, HISTORY, CANDIDATE }

    public boolean isDense() {
        return table == null;
    }

    public boolean isDerived() {
        return deriveFrom != null;
    }
}
