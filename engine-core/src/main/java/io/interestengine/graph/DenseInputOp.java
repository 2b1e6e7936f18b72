package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.List;

/** A dense request field, staged by the executor straight into the op's vector (no kernel runs). */
public record DenseInputOp(Value out, Field field) implements Op {
    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "dense_input";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "field");
            String out = c.newName(op.get("out"));
            Field f = c.field(op.get("field"));
            if (f == null || !f.isDense()) throw op.get("field").fail("\"" + op.get("field").str() + "\" is not a dense field");
            Scope s = f.group() == Field.Group.USER ? Scope.USER : Scope.CANDIDATE;
            return new DenseInputOp(Value.vector(out, s, f.denseWidth()), f);
        }
    };

    @Override
    public String kind() {
        return "dense_input";
    }

    @Override
    public List<Value> inputs() {
        return List.of();
    }

    @Override
    public Field stagedInput() {
        return field;
    }
}
