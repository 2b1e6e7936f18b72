package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.ArrayList;
import java.util.List;

/**
 * xDeepFM's Compressed Interaction Network (DeepCTR-Torch {@code CIN}) over m fields of width k. Layer l maps the
 * outer products {@code Z[h·m + j][c] = X_l[h][c]·X0[j][c]} through its 1×1 convolution ({@code layers.get(l)}:
 * weight {@code [size, h·m]}, bias, the op's activation) to {@code [size, k]}; with {@code splitHalf} every layer but
 * the last feeds its first size/2 rows forward and outputs the last size/2, otherwise all rows do both. The output
 * is, per output row in layer order, the sum over the k channels.
 */
public record CinOp(Value out, List<Value> in, boolean splitHalf, List<Layer> layers) implements Op {
    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "cin";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "in", "split_half", "activation", "layers");
            String out = c.newName(op.get("out"));
            List<Value> in = FieldList.parse(c, op, "cin");
            int m = in.size();
            boolean split = op.bool("split_half", true);
            List<Node> ln = op.get("layers").list();
            if (ln.isEmpty()) throw op.get("layers").fail("at least one CIN layer is required");
            List<Layer> layers = new ArrayList<>();
            int h = m, width = 0;
            for (int i = 0; i < ln.size(); i++) {
                Node l = ln.get(i);
                l.allowOnly("weight", "bias");
                int hm = Math.multiplyExact(h, m);
                long[] s = c.shape(l.get("weight"));
                boolean conv = s.length == 3;
                int size = FieldList.dims(c, l.get("weight"), conv ? 3 : 2, conv ? new long[]{-1, hm, 1} : new long[]{-1, hm})[0];
                boolean last = i == ln.size() - 1;
                if (split && !last && size % 2 != 0) {
                    throw l.get("weight").fail("layer " + i + " has " + size + " rows: split_half needs an even size in every layer but the last");
                }
                float[] w = conv ? c.floats(l.get("weight"), size, hm, 1) : c.floats(l.get("weight"), size, hm);
                float[] b = l.has("bias") ? c.floats(l.get("bias"), size) : new float[size];
                Activation act = op.has("activation") ? c.activation(op.get("activation"), size) : Activation.LINEAR;
                if (act instanceof Activation.Dice) throw op.get("activation").fail("dice is not a CIN activation (DeepCTR-Torch's CIN has none)");
                layers.add(new Layer(out + ".layer" + i, hm, size, w, b, act));
                h = split && !last ? size / 2 : size;
                width += split && !last ? size / 2 : size;
            }
            return new CinOp(Value.vector(out, FieldList.scope(in), width), in, split, List.copyOf(layers));
        }
    };

    /** Rows of layer {@code i} fed to the next layer (its first rows). */
    public int hidden(int i) {
        return splitHalf && i < layers.size() - 1 ? layers.get(i).out() / 2 : layers.get(i).out();
    }

    /** The first row of layer {@code i} written to the output (the rest follow it). */
    public int directFrom(int i) {
        return splitHalf && i < layers.size() - 1 ? layers.get(i).out() / 2 : 0;
    }

    @Override
    public String kind() {
        return "cin";
    }

    @Override
    public List<Value> inputs() {
        return in;
    }

    @Override
    public long weightBytes() {
        long b = 0;
        for (Layer l : layers) b += 4L * l.weight().length;
        return b;
    }

    @Override
    public void forEachWeight(java.util.function.BiConsumer<String, float[]> f) {
        for (Layer l : layers) l.forEachWeight(f);
    }
}
