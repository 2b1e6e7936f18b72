package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.List;

/** The sum of a vector's entries in index order: a vector of width 1. */
public record ReduceSumOp(Value out, Value in) implements Op {
    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "reduce_sum";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "in");
            String out = c.newName(op.get("out"));
            Value in = c.value(op.get("in"));
            if (in.sequence()) throw op.get("in").fail("reduce_sum takes a vector, \"" + in.name() + "\" is a sequence");
            return new ReduceSumOp(Value.vector(out, in.scope(), 1), in);
        }
    };

    @Override
    public String kind() {
        return "reduce_sum";
    }

    @Override
    public List<Value> inputs() {
        return List.of(in);
    }
}
