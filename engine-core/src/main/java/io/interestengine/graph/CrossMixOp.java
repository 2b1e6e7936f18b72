package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.List;

/**
 * DeepCTR-Torch's {@code CrossNetMix} (DCN-M): per layer l a mixture of E low-rank experts, for expert e
 * {@code g_e = gating[e]·x_l}, {@code v = tanh(V[l,e]ᵀ x_l)}, {@code v = tanh(C[l,e] v)}, {@code u = U[l,e] v},
 * {@code o_e = x0 ⊙ (u + b_l)}; {@code x_{l+1} = Σ_e softmax(g)_e o_e + x_l}. U, V {@code [L, E, d, r]}, C
 * {@code [L, E, r, r]}, gating {@code [E, d]}, bias {@code [L, d, 1]}.
 */
public record CrossMixOp(Value out, Value in, int layers, int experts, int rank, float[] u, float[] v, float[] c,
                         float[] gating, float[] bias) implements Op {
    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "cross_mix";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "in", "U", "V", "C", "gating", "bias");
            String out = c.newName(op.get("out"));
            Value in = c.value(op.get("in"));
            if (in.sequence()) throw op.get("in").fail("cross_mix takes a vector, \"" + in.name() + "\" is a sequence");
            int d = in.width();
            int[] s = FieldList.dims(c, op.get("U"), 4, -1, -1, d);
            int L = s[0], E = s[1], r = s[3];
            float[] u = c.floats(op.get("U"), L, E, d, r);
            float[] v = c.floats(op.get("V"), L, E, d, r);
            float[] cc = c.floats(op.get("C"), L, E, r, r);
            float[] g = c.floats(op.get("gating"), E, d);
            float[] b = c.floats(op.get("bias"), L, d, 1);
            return new CrossMixOp(Value.vector(out, in.scope(), d), in, L, E, r, u, v, cc, g, b);
        }
    };

    @Override
    public String kind() {
        return "cross_mix";
    }

    @Override
    public List<Value> inputs() {
        return List.of(in);
    }

    @Override
    public long weightBytes() {
        return 4L * (u.length + v.length + c.length + gating.length + bias.length);
    }

    @Override
    public void forEachWeight(java.util.function.BiConsumer<String, float[]> f) {
        String at = "cross_mix '" + out.name() + "'";
        for (float[] a : new float[][]{u, v, c, gating, bias}) f.accept(at, a);
    }
}
