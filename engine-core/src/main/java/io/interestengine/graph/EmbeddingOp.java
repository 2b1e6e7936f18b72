package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.List;

/** Id field lookup: a user/candidate field gives a vector, a sequence field a sequence masked by its group. */
public record EmbeddingOp(Value out, Field field) implements Op {
    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "embedding";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "field");
            String out = c.newName(op.get("out"));
            Field f = c.field(op.get("field"));
            if (f == null || f.isDense()) throw op.get("field").fail("\"" + op.get("field").str() + "\" is not an id field");
            int dim = f.table().dim();
            Value v = switch (f.group()) {
                case USER -> Value.vector(out, Scope.USER, dim);
                case CANDIDATE -> Value.vector(out, Scope.CANDIDATE, dim);
                case HISTORY -> Value.sequence(out, Scope.USER, f.seq().maxLength(), dim, f.seq());
            };
            return new EmbeddingOp(v, f);
        }
    };

    @Override
    public String kind() {
        return "embedding";
    }

    @Override
    public List<Value> inputs() {
        return List.of();
    }
}
