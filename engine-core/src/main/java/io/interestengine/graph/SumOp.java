package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.ArrayList;
import java.util.List;

/** Elementwise sum of n &gt;= 1 vectors of one width, in list order (the linear part's 1-wide logits). */
public record SumOp(Value out, List<Value> in) implements Op {
    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "sum";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "in");
            String out = c.newName(op.get("out"));
            List<Value> in = new ArrayList<>();
            for (Node n : op.get("in").list()) in.add(c.value(n));
            if (in.isEmpty()) throw op.get("in").fail("nothing to sum");
            for (Value v : in) {
                if (v.sequence()) throw op.get("in").fail("sum takes vectors, \"" + v.name() + "\" is a sequence");
                if (v.width() != in.get(0).width()) {
                    throw op.get("in").fail("widths differ: " + v.describe() + " vs " + in.get(0).describe());
                }
            }
            return new SumOp(Value.vector(out, FieldList.scope(in), in.get(0).width()), List.copyOf(in));
        }
    };

    @Override
    public String kind() {
        return "sum";
    }

    @Override
    public List<Value> inputs() {
        return in;
    }
}
