package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.List;

/** Elementwise product ({@code mul}) or sum ({@code add}) of two vectors of one width. */
public record BinaryOp(Value out, Kind operation, Value a, Value b) implements Op {
    public enum Kind { MUL, ADD }

    public static final OpDefinition MUL = definition("mul", Kind.MUL), ADD = definition("add", Kind.ADD);

    private static OpDefinition definition(String kind, Kind k) {
        return new OpDefinition() {
            @Override
            public String kind() {
                return kind;
            }

            @Override
            public Op parse(OpContext c, Node op) {
                op.allowOnly("op", "out", "in");
                String out = c.newName(op.get("out"));
                List<Node> in = op.get("in").list();
                if (in.size() != 2) throw op.get("in").fail("expected two inputs, found " + in.size());
                Value a = c.value(in.get(0)), b = c.value(in.get(1));
                if (a.sequence() || b.sequence()) throw op.get("in").fail("\"" + kind + "\" takes vectors");
                if (a.width() != b.width()) throw op.get("in").fail("widths differ: " + a.describe() + " vs " + b.describe());
                return new BinaryOp(Value.vector(out, Scope.of(a.scope(), b.scope()), a.width()), k, a, b);
            }
        };
    }

    /** The kind in model.json. */
    @Override
    public String kind() {
        return operation == Kind.MUL ? "mul" : "add";
    }

    @Override
    public List<Value> inputs() {
        return List.of(a, b);
    }
}
