package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.List;

/** An unmasked sequence {@code [T, w]} as the vector {@code [T·w]}, row-major. */
public record FlattenOp(Value out, Value in) implements Op {
    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "flatten";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "in");
            String out = c.newName(op.get("out"));
            Value in = c.value(op.get("in"));
            if (!in.sequence()) throw op.get("in").fail("flatten takes a sequence, \"" + in.name() + "\" is a vector");
            if (in.masked()) {
                throw op.get("in").fail("flatten takes an unmasked sequence, \"" + in.name() + "\" is masked by group '"
                        + in.group().name() + "' (pool it instead)");
            }
            return new FlattenOp(Value.vector(out, in.scope(), Math.multiplyExact(in.length(), in.width())), in);
        }
    };

    @Override
    public String kind() {
        return "flatten";
    }

    @Override
    public List<Value> inputs() {
        return List.of(in);
    }
}
