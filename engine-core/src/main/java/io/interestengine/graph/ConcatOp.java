package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.ArrayList;
import java.util.List;

/** Vectors, or sequences of one group (or of one unmasked length), concatenated along the last axis. */
public record ConcatOp(Value out, List<Value> in) implements Op {
    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "concat";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "in");
            String out = c.newName(op.get("out"));
            List<Value> in = new ArrayList<>();
            for (Node n : op.get("in").list()) in.add(c.value(n));
            if (in.isEmpty()) throw op.get("in").fail("nothing to concatenate");
            Value first = in.get(0);
            Scope s = Scope.USER;
            int w = 0;
            for (Value v : in) {
                if (v.sequence() != first.sequence() || (v.sequence() && (v.length() != first.length() || v.group() != first.group()))) {
                    throw op.get("in").fail("\"" + v.name() + "\" cannot be concatenated with \"" + first.name() + "\": "
                            + v.describe() + " vs " + first.describe());
                }
                if (v.sequence() && v.scope() != first.scope()) throw op.get("in").fail("sequences of different scopes");
                s = Scope.of(s, v.scope());
                w += v.width();
            }
            Value o = first.sequence() ? Value.sequence(out, s, first.length(), w, first.group()) : Value.vector(out, s, w);
            return new ConcatOp(o, List.copyOf(in));
        }
    };

    @Override
    public String kind() {
        return "concat";
    }

    @Override
    public List<Value> inputs() {
        return in;
    }
}
