package io.interestengine.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.interestengine.testkit.ModelBuilder.list;
import static io.interestengine.testkit.ModelBuilder.obj;

/**
 * Ready-made architectures for {@link ModelBuilder}, random weights from a seed:
 * <ul>
 *   <li>{@link #tinyDin}: a mouna99-style DIN small enough to break one tensor or key at a time;</li>
 *   <li>{@link #mouna99}: mouna99's Base and DIN at any size, among them DESIGN.md's standard benchmark
 *       models ({@link #standard});</li>
 *   <li>{@link #variant}: DIN-shaped models, one per combination of the options the kernels branch on.</li>
 * </ul>
 */
public final class Presets {
    private Presets() {
    }

    /**
     * Tables uid 5×2, mid 7×2, cat 3×2 (out-of-range ids → row 0), a history of 4 (item + category), attention
     * 8→3→1 with a sigmoid, MLP 18→2 with batch norm before, softmax2 output.
     */
    public static ModelBuilder tinyDin(long seed) {
        return tinyDin(seed, false);
    }

    /**
     * As {@link #tinyDin(long)}; with {@code poolAttentionWeights} the raw attention weights (a candidate-scope
     * sequence) are also pooled, masked, and scale the logits, so a wrong history length changes the scores.
     */
    public static ModelBuilder tinyDin(long seed, boolean poolAttentionWeights) {
        ModelBuilder b = new ModelBuilder("tiny_din", seed);
        b.table("uid", 5, 2, 0.5).table("mid", 7, 2, 0.5).table("cat", 3, 2, 0.5, 0);
        List<Object> layers = list(
                obj("weight", b.gaussian("att.0.weight", 0.5, 3, 16), "bias", b.gaussian("att.0.bias", 0.5, 3),
                        "activation", obj("type", "sigmoid")),
                obj("weight", b.gaussian("att.1.weight", 0.5, 1, 3), "bias", b.gaussian("att.1.bias", 0.5, 1)));
        b.gaussian("fc1.weight", 0.5, 2, 18);
        b.gaussian("fc1.bias", 0.5, 2);
        b.gaussian("bn.mean", 0.5, 18);
        b.positive("bn.var", 18);
        b.user("uid", "uid").candidate("mid", "mid").candidate("cat", "cat");
        b.sequence("history", 4).field("hist_mid", "mid").field("hist_cat", "cat");
        itemAndHistory(b, "his_sum", "sum", false);
        b.op("mul", "item_his", "in", list("item", "his_sum"));
        b.op("attention", "att", "query", "item", "keys", "hist", "normalization", "softmax", "layers", layers);
        if (poolAttentionWeights) {
            b.op("attention", "aw", "query", "item", "keys", "hist", "normalization", "raw", "return", "weights", "layers", layers);
            b.op("pool", "aw_sum", "in", "aw", "mode", "sum", "masked", true);
            b.op("concat", "aw2", "in", list("aw_sum", "aw_sum"));
        }
        b.op("concat", "mlp_in", "in", list("u", "item", "his_sum", "item_his", "att"));
        b.op("dense", "logits", "in", "mlp_in", "weight", "fc1.weight", "bias", "fc1.bias",
                "batch_norm_before", obj("mean", "bn.mean", "var", "bn.var", "eps", 0.001));
        String out = "logits";
        if (poolAttentionWeights) {
            b.op("mul", "logits2", "in", list("logits", "aw2"));
            out = "logits2";
        }
        return b.output("in", out, "type", "softmax2", "index", 0, "epsilon", 1e-8);
    }

    /** The embeddings of uid, the history (hist_mid + hist_cat) and the candidate (mid + cat), and the pooled history. */
    private static void itemAndHistory(ModelBuilder b, String pooled, String mode, boolean masked) {
        b.op("embedding", "u", "field", "uid");
        b.op("embedding", "h_mid", "field", "hist_mid");
        b.op("embedding", "h_cat", "field", "hist_cat");
        b.op("concat", "hist", "in", list("h_mid", "h_cat"));
        b.op("embedding", "c_mid", "field", "mid");
        b.op("embedding", "c_cat", "field", "cat");
        b.op("concat", "item", "in", list("c_mid", "c_cat"));
        b.op("pool", pooled, "in", "hist", "mode", mode, "masked", masked);
    }

    /**
     * mouna99's Base (Embedding&MLP) or DIN. att and mlp are hidden widths; the last layers (1 and 2 outputs)
     * are added.
     */
    public record Mouna99(String name, boolean din, int T, int dim, int users, int items, int cats, int[] att, int[] mlp,
                          boolean leftPadding, double embeddingStd) {
    }

    /** DESIGN.md's standard sizes: T = 100, item + category of 18, attention 144→80→40→1, MLP →200→80→2. */
    public static Mouna99 standardSpec(boolean din) {
        return new Mouna99(din ? "din_standard" : "base_standard", din, 100, 18, 50_000, 100_000, 1_000, new int[]{80, 40}, new int[]{200, 80},
                false, 0.5);
    }

    /** A small DIN or Base (T = 17: every vector width leaves a tail) for backend comparisons. */
    public static Mouna99 smallSpec(boolean din) {
        return new Mouna99(din ? "din_small" : "base_small", din, 17, 9, 1000, 1000, 50, new int[]{16, 8}, new int[]{32, 13},
                false, 1.0);
    }

    /** The standard {@code base} or {@code din} of the benchmarks (model names "base_standard", "din_standard"). */
    public static ModelBuilder standard(String name, long seed) {
        boolean din = switch (name) {
            case "din" -> true;
            case "base" -> false;
            default -> throw new IllegalArgumentException("standard model '" + name + "': expected base or din");
        };
        return mouna99(standardSpec(din), seed).reference("random weights, DESIGN.md standard sizes");
    }

    /**
     * Tables uid, mid and cat of {@code dim}; the history (item + category, width 2·dim) masked-sum pooled, times
     * the candidate, and (DIN) attended by the candidate (softmax, sigmoid hidden layers); the MLP has batch
     * norm before its first layer, PReLU then Dice (DIN repo form), alternating; softmax2 output.
     */
    public static ModelBuilder mouna99(Mouna99 s, long seed) {
        ModelBuilder b = new ModelBuilder(s.name(), seed);
        int d = s.dim(), h = 2 * d;
        b.table("uid", s.users(), d, s.embeddingStd()).table("mid", s.items(), d, s.embeddingStd())
                .table("cat", s.cats(), d, s.embeddingStd());
        b.user("uid", "uid").candidate("mid", "mid").candidate("cat", "cat");
        b.sequence("history", s.T()).leftPadding(s.leftPadding()).field("hist_mid", "mid").field("hist_cat", "cat");
        itemAndHistory(b, "his_sum", "sum", true);
        b.op("mul", "item_his", "in", list("item", "his_sum"));
        List<Object> mlpIn = list("u", "item", "his_sum", "item_his");
        if (s.din()) {
            List<Object> layers = new ArrayList<>();
            int in = 4 * h;
            for (int k = 0; k <= s.att().length; k++) {
                int out = k < s.att().length ? s.att()[k] : 1;
                Map<String, Object> layer = obj("weight", b.gaussian("att." + k + ".weight", 1 / Math.sqrt(in), out, in),
                        "bias", b.gaussian("att." + k + ".bias", 0.1, out));
                if (k < s.att().length) layer.put("activation", obj("type", "sigmoid"));
                layers.add(layer);
                in = out;
            }
            b.op("attention", "att", "query", "item", "keys", "hist", "normalization", "softmax", "layers", layers);
            mlpIn.add("att");
        }
        b.op("concat", "mlp_in", "in", mlpIn);
        int in = d + (s.din() ? 4 : 3) * h;
        String prev = "mlp_in";
        for (int k = 0; k <= s.mlp().length; k++) {
            boolean hidden = k < s.mlp().length;
            int out = hidden ? s.mlp()[k] : 2;
            String name = hidden ? "fc" + (k + 1) : "logits";
            b.gaussian(name + ".weight", 1 / Math.sqrt(in), out, in);
            b.gaussian(name + ".bias", 0.1, out);
            Map<String, Object> op = obj("in", prev, "weight", name + ".weight", "bias", name + ".bias");
            if (k == 0) {
                b.gaussian("bn.mean", 0.5, in);
                b.positive("bn.var", in);
                op.put("batch_norm_before", obj("mean", "bn.mean", "var", "bn.var", "eps", 0.001));
            }
            if (hidden) {
                b.gaussian(name + ".alpha", 0.25, out);
                if (k % 2 == 0) op.put("activation", obj("type", "prelu", "alpha", name + ".alpha"));
                else {
                    b.gaussian(name + ".beta", 0.5, out);
                    op.put("activation", obj("type", "dice", "alpha", name + ".alpha", "bn", obj("weight", name + ".beta", "eps", 0.001)));
                }
            }
            b.op("dense", name, flatten(op));
            in = out;
            prev = name;
        }
        return b.output("in", "logits", "type", "softmax2", "index", 0, "epsilon", 1e-8);
    }

    private static Object[] flatten(Map<String, Object> m) {
        Object[] kv = new Object[2 * m.size()];
        int k = 0;
        for (var e : m.entrySet()) {
            kv[k++] = e.getKey();
            kv[k++] = e.getValue();
        }
        return kv;
    }

    /**
     * A DIN-shaped model's options. att and mlp are hidden widths (the last layers, 1 and 2/1 outputs, are
     * added); {@code act} is every hidden layer's activation; {@code userDense} adds a 3-wide dense user field.
     */
    public record Variant(String name, int T, int dim, boolean leftPad, String norm, float scale, boolean attMask, String pool,
                          boolean poolMasked, String act, String output, int[] att, int[] mlp, boolean userDense, int midRows) {
    }

    /**
     * One variant per combination of the options the kernels branch on (padding side, attention normalisation
     * and scale, masked/unmasked sum/mean pooling, PReLU/Dice/ReLU/sigmoid layers, softmax2/sigmoid/identity
     * outputs, a user dense field); the last is the standard-size DIN ({@link #standardVariant()}).
     */
    public static List<Variant> variants() {
        return List.of(
                new Variant("right_softmax_prelu", 17, 5, false, "softmax", 1f, true, "sum", false, "prelu", "softmax2",
                        new int[]{13, 7}, new int[]{17, 3}, false, 300),
                new Variant("left_softmax_scaled_dice", 13, 4, true, "softmax", 0.35f, true, "mean", true, "dice", "sigmoid",
                        new int[]{8}, new int[]{13}, true, 300),
                new Variant("right_raw_relu_mean", 3, 3, false, "raw", 1f, true, "mean", false, "relu", "identity",
                        new int[]{5, 3}, new int[]{7}, false, 300),
                new Variant("left_raw_unmasked_sigmoid", 100, 9, true, "raw", 1f, false, "sum", true, "sigmoid", "softmax2",
                        new int[]{80, 40}, new int[]{100, 17}, true, 300),
                standardVariant());
    }

    /** DESIGN.md's standard DIN in variant form: T=100, item + category of 18, attention 144→80→40→1, MLP 200→80→2. */
    public static Variant standardVariant() {
        return new Variant("din_standard", 100, 18, false, "softmax", 1f, true, "sum", false, "prelu", "softmax2",
                new int[]{80, 40}, new int[]{200, 80}, false, 5000);
    }

    /** The model of a {@link Variant}: uid 50 rows, cat 20 rows; the pooled history is multiplied by and added to the item. */
    public static ModelBuilder variant(Variant s, long seed) {
        ModelBuilder b = new ModelBuilder(s.name(), seed);
        int d = s.dim(), d2 = 2 * d;
        b.table("uid", 50, d, 0.5).table("mid", s.midRows(), d, 0.5).table("cat", 20, d, 0.5);
        b.user("uid", "uid");
        if (s.userDense()) b.userDense("age", 3);
        b.sequence("history", s.T()).leftPadding(s.leftPad()).field("hist_mid", "mid").field("hist_cat", "cat");
        b.candidate("mid", "mid").candidate("cat", "cat");
        itemAndHistory(b, "his", s.pool(), s.poolMasked());
        b.op("mul", "item_his", "in", list("item", "his"));
        b.op("add", "item_plus", "in", list("item", "his"));
        List<Object> layers = new ArrayList<>();
        int in = 4 * d2;
        for (int l = 0; l <= s.att().length; l++) {
            int out = l < s.att().length ? s.att()[l] : 1;
            Map<String, Object> layer = obj("weight", b.gaussian("att." + l + ".weight", (float) (1.5 / Math.sqrt(in)), out, in),
                    "bias", b.gaussian("att." + l + ".bias", 0.1f, out));
            if (l < s.att().length) layer.put("activation", activation(b, s.act(), "att." + l, out));
            layers.add(layer);
            in = out;
        }
        b.op("attention", "att", "query", "item", "keys", "hist", "normalization", s.norm(), "scale", s.scale(),
                "mask", s.attMask(), "layers", layers);
        List<Object> mlpIn = list("u", "item", "his", "item_his", "att", "item_plus");
        if (s.userDense()) {
            b.op("dense_input", "age_v", "field", "age");
            mlpIn.add("age_v");
        }
        b.op("concat", "mlp_in", "in", mlpIn);
        in = d + 5 * d2 + (s.userDense() ? 3 : 0);
        b.gaussian("bn.mean", 0.2f, in);
        b.positive("bn.var", in);
        String prev = "mlp_in";
        int outW = s.output().equals("softmax2") ? 2 : 1;
        for (int l = 0; l <= s.mlp().length; l++) {
            int out = l < s.mlp().length ? s.mlp()[l] : outW;
            Map<String, Object> op = obj("in", prev, "weight", b.gaussian("fc" + l + ".weight", (float) (1.5 / Math.sqrt(in)), out, in),
                    "bias", b.gaussian("fc" + l + ".bias", 0.1f, out));
            if (l == 0) op.put("batch_norm_before", obj("mean", "bn.mean", "var", "bn.var", "eps", 0.001));
            if (l < s.mlp().length) op.put("activation", activation(b, s.act(), "fc" + l, out));
            String name = l < s.mlp().length ? "fc" + l : "logits";
            b.op("dense", name, flatten(op));
            prev = name;
            in = out;
        }
        if (s.output().equals("softmax2")) return b.output("in", "logits", "type", "softmax2", "index", 0, "epsilon", 1e-8);
        return b.output("in", "logits", "type", s.output());
    }

    /** An activation of {@code width} channels, declaring its weights (DeepCTR-Torch's Dice form for dice). */
    private static Map<String, Object> activation(ModelBuilder b, String act, String prefix, int width) {
        return switch (act) {
            case "prelu" -> obj("type", "prelu", "alpha", b.gaussian(prefix + ".alpha", 0.3f, width));
            case "dice" -> {
                String alpha = b.gaussian(prefix + ".alpha", 0.3f, width);
                String rm = b.gaussian(prefix + ".rm", 0.2f, width);
                String rv = b.positive(prefix + ".rv", width);
                String bw = b.gaussian(prefix + ".bw", 1f, width);
                String bb = b.gaussian(prefix + ".bb", 0.2f, width);
                yield obj("type", "dice", "alpha", alpha, "bn", obj("mean", rm, "var", rv, "weight", bw, "bias", bb, "eps", 1e-8));
            }
            default -> obj("type", act);
        };
    }
}
