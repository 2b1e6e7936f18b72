package io.interestengine.graph;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of op kinds the loader reads: one definition per kind. Adding an op adds one line here. */
public final class Ops {
    private static final Map<String, OpDefinition> BY_KIND = new LinkedHashMap<>();

    static {
        for (OpDefinition d : List.of(EmbeddingOp.DEFINITION, DenseInputOp.DEFINITION, ConcatOp.DEFINITION, BinaryOp.MUL,
                BinaryOp.ADD, PoolOp.DEFINITION, MaxPoolOp.DEFINITION, DenseOp.DEFINITION, AttentionOp.DEFINITION,
                GruOp.DEFINITION, MimnOp.DEFINITION, MimnReadOp.DEFINITION, SumOp.DEFINITION, ReduceSumOp.DEFINITION,
                FlattenOp.DEFINITION, FmOp.FM, FmOp.BI_INTERACTION, InnerProductOp.DEFINITION, OuterProductOp.DEFINITION,
                CrossOp.DEFINITION, CrossMixOp.DEFINITION, AfmOp.DEFINITION, CinOp.DEFINITION, SelfAttentionOp.DEFINITION,
                ResidualOp.DEFINITION)) {
            BY_KIND.put(d.kind(), d);
        }
    }

    private Ops() {
    }

    /** The definition of {@code kind}, or null. */
    public static OpDefinition get(String kind) {
        return BY_KIND.get(kind);
    }

    /** Every registered kind, in registration order. */
    public static List<String> kinds() {
        return List.copyOf(BY_KIND.keySet());
    }
}
