package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.ArrayList;
import java.util.List;

/**
 * AutoInt's stacked multi-head self-attention over F fields of width d (DeepCTR-Torch {@code InteractingLayer}):
 * per layer {@code Q = X·W_query}, K, V alike (X {@code [F, d]}, W {@code [d, d]}); per head h (columns
 * {@code h·d/n ..}) {@code A = softmax_j(Q_i·K_j [/ sqrt(d/n)])}, {@code R = A·V}; heads concatenated,
 * {@code + X·W_res} when present, relu. The output is the last layer's {@code [F, d]}, row-major.
 */
public record SelfAttentionOp(Value out, List<Value> in, int heads, boolean scaling, List<Weights> layers) implements Op {
    /** One interacting layer's weights, each {@code [d, d]} applied as {@code X·W}; {@code res} may be null. */
    public record Weights(float[] query, float[] key, float[] value, float[] res) {
    }

    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "self_attention";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "in", "heads", "scaling", "layers");
            String out = c.newName(op.get("out"));
            List<Value> in = FieldList.parse(c, op, "self_attention");
            int d = in.get(0).width();
            int heads = op.get("heads").intIn(1, d);
            if (d % heads != 0) throw op.get("heads").fail(heads + " heads do not divide the field width " + d);
            boolean scaling = op.bool("scaling", false);
            List<Node> ln = op.get("layers").list();
            if (ln.isEmpty()) throw op.get("layers").fail("at least one interacting layer is required");
            List<Weights> layers = new ArrayList<>();
            for (Node l : ln) {
                l.allowOnly("W_query", "W_key", "W_value", "W_res");
                layers.add(new Weights(c.floats(l.get("W_query"), d, d), c.floats(l.get("W_key"), d, d),
                        c.floats(l.get("W_value"), d, d), l.has("W_res") ? c.floats(l.get("W_res"), d, d) : null));
            }
            return new SelfAttentionOp(Value.vector(out, FieldList.scope(in), Math.multiplyExact(in.size(), d)), in, heads, scaling,
                    List.copyOf(layers));
        }
    };

    /** Field width d. */
    public int d() {
        return in.get(0).width();
    }

    @Override
    public String kind() {
        return "self_attention";
    }

    @Override
    public List<Value> inputs() {
        return in;
    }

    @Override
    public long weightBytes() {
        long b = 0;
        for (Weights w : layers) b += 4L * (3L * w.query().length + (w.res() == null ? 0 : w.res().length));
        return b;
    }

    @Override
    public void forEachWeight(java.util.function.BiConsumer<String, float[]> f) {
        String at = "self_attention '" + out.name() + "'";
        for (Weights w : layers) for (float[] a : new float[][]{w.query(), w.key(), w.value(), w.res()}) if (a != null) f.accept(at, a);
    }
}
