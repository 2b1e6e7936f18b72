package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.List;

/**
 * Sum or mean over a sequence. Masked pooling covers the real positions of the input's group only; unmasked
 * covers all T (padding rows included, as mouna99's history sum does). A masked mean divides by the number
 * of real positions + {@code meanEps}; over an empty row with {@code meanEps} 0 it is zero.
 */
public record PoolOp(Value out, Value in, boolean mean, boolean masked, float meanEps) implements Op {
    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "pool";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "in", "mode", "masked", "mean_eps");
            String out = c.newName(op.get("out"));
            Value in = c.value(op.get("in"));
            if (!in.sequence()) throw op.get("in").fail("pool takes a sequence, \"" + in.name() + "\" is a vector");
            String mode = op.get("mode").str();
            if (mode.equals("max")) throw op.get("mode").fail("max pooling is its own op: {\"op\": \"max_pool\", \"out\", \"in\"}");
            if (!mode.equals("sum") && !mode.equals("mean")) throw op.get("mode").fail("expected \"sum\" or \"mean\", found \"" + mode + "\"");
            boolean masked = op.get("masked").bool();
            return new PoolOp(Value.vector(out, in.scope(), in.width()), in, mode.equals("mean"), masked && in.masked(),
                    (float) op.num("mean_eps", 0));
        }
    };

    @Override
    public String kind() {
        return "pool";
    }

    @Override
    public List<Value> inputs() {
        return List.of(in);
    }
}
