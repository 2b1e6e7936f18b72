package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.ArrayList;
import java.util.List;

/**
 * DIN activation unit over {@code [q, k, q−k, q⊙k]}; {@code layers} end with one output. Writes the pooled
 * keys, or the weights as a {@code [rows, T, 1]} sequence when {@code returnWeights}. Padded positions are
 * those of the keys' group ({@code mask}).
 */
public record AttentionOp(Value out, Value query, Value keys, List<Layer> layers, Normalization normalization,
                          float scale, boolean mask, boolean returnWeights) implements Op {
    public enum Normalization { SOFTMAX, RAW }

    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "attention";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "query", "keys", "layers", "normalization", "scale", "mask", "return");
            String out = c.newName(op.get("out"));
            Value q = c.value(op.get("query")), k = c.value(op.get("keys"));
            if (q.sequence()) throw op.get("query").fail("the query must be a vector");
            if (!k.sequence()) throw op.get("keys").fail("the keys must be a sequence");
            if (q.width() != k.width()) throw op.get("query").fail("query width " + q.width() + " differs from key width " + k.width());
            List<Node> ln = op.get("layers").list();
            if (ln.isEmpty()) throw op.get("layers").fail("at least one layer is required");
            List<Layer> layers = new ArrayList<>();
            int w = 4 * k.width();
            for (int i = 0; i < ln.size(); i++) {
                Node lnode = ln.get(i);
                lnode.allowOnly("weight", "bias", "activation", "batch_norm_before", "batch_norm_after");
                Layer l = c.layer(lnode, out + ".layer" + i, w);
                layers.add(l);
                w = l.out();
            }
            Layer last = layers.get(layers.size() - 1);
            Node lastNode = ln.get(ln.size() - 1);
            if (last.out() != 1) throw lastNode.fail("the last attention layer must have one output, found " + last.out());
            if (!(last.activation() instanceof Activation.Linear)) throw lastNode.fail("the last attention layer gives the raw score: no activation");
            String norm = op.get("normalization").str();
            Normalization nz = switch (norm) {
                case "softmax" -> Normalization.SOFTMAX;
                case "raw" -> Normalization.RAW;
                default -> throw op.get("normalization").fail("expected \"softmax\" or \"raw\", found \"" + norm + "\"");
            };
            float scale = (float) op.num("scale", 1.0);
            boolean mask = op.bool("mask", true);
            String ret = op.str("return", "pooled");
            if (!ret.equals("pooled") && !ret.equals("weights")) throw op.get("return").fail("expected \"pooled\" or \"weights\", found \"" + ret + "\"");
            Scope s = Scope.of(q.scope(), k.scope());
            Value o = ret.equals("pooled") ? Value.vector(out, s, k.width()) : Value.sequence(out, s, k.length(), 1, k.group());
            return new AttentionOp(o, q, k, List.copyOf(layers), nz, scale, mask && k.masked(), ret.equals("weights"));
        }
    };

    @Override
    public String kind() {
        return "attention";
    }

    @Override
    public List<Value> inputs() {
        return List.of(query, keys);
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
