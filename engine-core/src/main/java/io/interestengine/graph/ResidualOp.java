package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.List;

/**
 * A Deep Crossing residual unit (Shan et al. 2016): {@code relu(x + W2·relu(W1·x + b1) + b2)}, weights
 * {@code [out, in]} as dense layers ({@code weight1 [h, d]}, {@code weight2 [d, h]}, biases optional).
 */
public record ResidualOp(Value out, Value in, Layer inner, Layer outer) implements Op {
    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "residual";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "in", "weight1", "bias1", "weight2", "bias2");
            String out = c.newName(op.get("out"));
            Value in = c.value(op.get("in"));
            if (in.sequence()) throw op.get("in").fail("residual takes a vector, \"" + in.name() + "\" is a sequence");
            int d = in.width();
            int h = FieldList.dims(c, op.get("weight1"), 2, -1, d)[0];
            float[] w1 = c.floats(op.get("weight1"), h, d);
            float[] b1 = op.has("bias1") ? c.floats(op.get("bias1"), h) : new float[h];
            float[] w2 = c.floats(op.get("weight2"), d, h);
            float[] b2 = op.has("bias2") ? c.floats(op.get("bias2"), d) : new float[d];
            return new ResidualOp(Value.vector(out, in.scope(), d), in, new Layer(out + ".inner", d, h, w1, b1, new Activation.Relu()),
                    new Layer(out + ".outer", h, d, w2, b2, Activation.LINEAR));
        }
    };

    @Override
    public String kind() {
        return "residual";
    }

    @Override
    public List<Value> inputs() {
        return List.of(in);
    }

    @Override
    public long weightBytes() {
        return 4L * (inner.weight().length + outer.weight().length);
    }

    @Override
    public void forEachWeight(java.util.function.BiConsumer<String, float[]> f) {
        inner.forEachWeight(f);
        outer.forEachWeight(f);
    }
}
