package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.List;

/** A dense layer over a vector: {@code act(W·x + b)} with batch norms folded at load. */
public record DenseOp(Value out, Value in, Layer layer) implements Op {
    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "dense";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "in", "weight", "bias", "batch_norm_before", "batch_norm_after", "activation");
            String out = c.newName(op.get("out"));
            Value in = c.value(op.get("in"));
            if (in.sequence()) throw op.get("in").fail("dense takes a vector, \"" + in.name() + "\" is a sequence");
            Layer l = c.layer(op, out, in.width());
            return new DenseOp(Value.vector(out, in.scope(), l.out()), in, l);
        }
    };

    @Override
    public String kind() {
        return "dense";
    }

    @Override
    public List<Value> inputs() {
        return List.of(in);
    }

    @Override
    public long weightBytes() {
        return 4L * layer.weight().length;
    }

    @Override
    public void forEachWeight(java.util.function.BiConsumer<String, float[]> f) {
        layer.forEachWeight(f);
    }
}
