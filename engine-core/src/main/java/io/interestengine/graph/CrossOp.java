package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.List;

/**
 * DeepCTR-Torch's {@code CrossNet} over a vector x0 of width d, L layers. {@code vector}: kernels {@code [L, d, 1]},
 * {@code x_{l+1} = x0·(x_l·w_l) + b_l + x_l}; {@code matrix}: kernels {@code [L, d, d]},
 * {@code x_{l+1} = x0 ⊙ (W_l x_l + b_l) + x_l}. Bias {@code [L, d, 1]} in both.
 */
public record CrossOp(Value out, Value in, boolean matrix, int layers, float[] kernels, float[] bias) implements Op {
    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "cross";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "in", "parameterization", "kernels", "bias");
            String out = c.newName(op.get("out"));
            Value in = c.value(op.get("in"));
            if (in.sequence()) throw op.get("in").fail("cross takes a vector, \"" + in.name() + "\" is a sequence");
            int d = in.width();
            String p = op.get("parameterization").str();
            if (!p.equals("vector") && !p.equals("matrix")) throw op.get("parameterization").fail("expected \"vector\" or \"matrix\", found \"" + p + "\"");
            boolean matrix = p.equals("matrix");
            int L = FieldList.dims(c, op.get("kernels"), 3, -1, d, matrix ? d : 1)[0];
            float[] k = c.floats(op.get("kernels"), L, d, matrix ? d : 1);
            float[] b = c.floats(op.get("bias"), L, d, 1);
            return new CrossOp(Value.vector(out, in.scope(), d), in, matrix, L, k, b);
        }
    };

    @Override
    public String kind() {
        return "cross";
    }

    @Override
    public List<Value> inputs() {
        return List.of(in);
    }

    @Override
    public long weightBytes() {
        return 4L * (kernels.length + bias.length);
    }

    @Override
    public void forEachWeight(java.util.function.BiConsumer<String, float[]> f) {
        String at = "cross '" + out.name() + "'";
        f.accept(at + " kernels", kernels);
        f.accept(at + " bias", bias);
    }
}
