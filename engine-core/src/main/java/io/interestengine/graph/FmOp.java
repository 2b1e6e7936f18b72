package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.List;

/**
 * The factorization machine's second-order term over F fields of width k, in the sum-square form:
 * {@code fm}: {@code 0.5·Σ_c((Σ_f v_fc)² − Σ_f v_fc²)}, width 1 (DeepCTR-Torch {@code FM});
 * {@code bi_interaction}: the same per channel without the sum over c, width k (NFM's {@code BiInteractionPooling}).
 */
public record FmOp(Value out, List<Value> in, boolean perChannel) implements Op {
    public static final OpDefinition FM = definition("fm", false), BI_INTERACTION = definition("bi_interaction", true);

    private static OpDefinition definition(String kind, boolean perChannel) {
        return new OpDefinition() {
            @Override
            public String kind() {
                return kind;
            }

            @Override
            public Op parse(OpContext c, Node op) {
                op.allowOnly("op", "out", "in");
                String out = c.newName(op.get("out"));
                List<Value> in = FieldList.parse(c, op, kind);
                return new FmOp(Value.vector(out, FieldList.scope(in), perChannel ? in.get(0).width() : 1), in, perChannel);
            }
        };
    }

    @Override
    public String kind() {
        return perChannel ? "bi_interaction" : "fm";
    }

    @Override
    public List<Value> inputs() {
        return in;
    }
}
