package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.List;

/**
 * Max over a sequence, as DeepCTR-Torch's {@code SequencePoolingLayer(mode="max")}: per channel the max over
 * all T positions of {@code x} at real positions and of {@code x − 1e9} (float arithmetic) at padded ones,
 * so an empty row pools to about −1e9 (exactly −1e9 where |x| &lt; 32). An unmasked sequence pools to its max.
 */
public record MaxPoolOp(Value out, Value in) implements Op {
    /** What a padded position subtracts. */
    public static final float PENALTY = 1e9f;

    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "max_pool";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "in");
            String out = c.newName(op.get("out"));
            Value in = c.value(op.get("in"));
            if (!in.sequence()) throw op.get("in").fail("max_pool takes a sequence, \"" + in.name() + "\" is a vector");
            return new MaxPoolOp(Value.vector(out, in.scope(), in.width()), in);
        }
    };

    @Override
    public String kind() {
        return "max_pool";
    }

    @Override
    public List<Value> inputs() {
        return List.of(in);
    }
}
