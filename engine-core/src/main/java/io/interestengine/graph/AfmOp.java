package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.List;

/**
 * DeepCTR-Torch's {@code AFMLayer} (inference, no dropout) over F fields of width k: per pair {@code b_p = p ⊙ q};
 * {@code h_p = relu(b_p·W + b)} ({@code W [k, a]}); {@code s = softmax_p(h_p·projection_h)};
 * {@code out = (Σ_p s_p b_p)·projection_p}, width 1.
 */
public record AfmOp(Value out, List<Value> in, int attention, float[] w, float[] b, float[] projectionH,
                    float[] projectionP) implements Op {
    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "afm";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "in", "attention_W", "attention_b", "projection_h", "projection_p");
            String out = c.newName(op.get("out"));
            List<Value> in = FieldList.parse(c, op, "afm");
            int k = in.get(0).width();
            int a = FieldList.dims(c, op.get("attention_W"), 2, k)[1];
            float[] w = c.floats(op.get("attention_W"), k, a);
            float[] b = c.floats(op.get("attention_b"), a);
            float[] h = c.floats(op.get("projection_h"), a, 1);
            float[] p = c.floats(op.get("projection_p"), k, 1);
            return new AfmOp(Value.vector(out, FieldList.scope(in), 1), in, a, w, b, h, p);
        }
    };

    @Override
    public String kind() {
        return "afm";
    }

    @Override
    public List<Value> inputs() {
        return in;
    }

    @Override
    public long weightBytes() {
        return 4L * (w.length + b.length + projectionH.length + projectionP.length);
    }

    @Override
    public void forEachWeight(java.util.function.BiConsumer<String, float[]> f) {
        String at = "afm '" + out.name() + "'";
        for (float[] a : new float[][]{w, b, projectionH, projectionP}) f.accept(at, a);
    }
}
