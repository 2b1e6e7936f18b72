package io.interestengine.cuda;

import io.interestengine.BatchRequest;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.TinyModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * DIN-shaped models with random weights written from Java, one per combination of the options the kernels
 * branch on (padding side, attention normalisation and scale, masked/unmasked sum/mean pooling, PReLU/Dice/
 * ReLU/sigmoid layers, softmax2/sigmoid/identity outputs, a user dense field), and random requests for them.
 * Used by the CUDA-vs-scalar tests, the kernel harness and the GPU benchmark (standard sizes).
 */
public final class RandomModels {
    /** One model's shape and options. att and mlp are hidden widths; the last layers (1 and 2/1 outputs) are added. */
    public record Spec(String name, int T, int dim, boolean leftPad, String norm, float scale, boolean attMask, String pool, boolean poolMasked,
                       String act, String output, int[] att, int[] mlp, boolean userDense, int midRows) {
    }

    private RandomModels() {
    }

    /** The option combinations the tests cover (small sizes, T hitting loop tails). */
    public static List<Spec> variants() {
        List<Spec> v = new ArrayList<>();
        v.add(new Spec("right_softmax_prelu", 17, 5, false, "softmax", 1f, true, "sum", false, "prelu", "softmax2", new int[]{13, 7}, new int[]{17, 3}, false, 300));
        v.add(new Spec("left_softmax_scaled_dice", 13, 4, true, "softmax", 0.35f, true, "mean", true, "dice", "sigmoid", new int[]{8}, new int[]{13}, true, 300));
        v.add(new Spec("right_raw_relu_mean", 3, 3, false, "raw", 1f, true, "mean", false, "relu", "identity", new int[]{5, 3}, new int[]{7}, false, 300));
        v.add(new Spec("left_raw_unmasked_sigmoid", 100, 9, true, "raw", 1f, false, "sum", true, "sigmoid", "softmax2", new int[]{80, 40}, new int[]{100, 17}, true, 300));
        v.add(new Spec("din_standard", 100, 18, false, "softmax", 1f, true, "sum", false, "prelu", "softmax2", new int[]{80, 40}, new int[]{200, 80}, false, 5000));
        return v;
    }

    /** DESIGN.md's standard DIN: T=100, item + category of 18 each, attention 144→80→40→1, MLP 200→80→2. */
    public static Spec standardDin() {
        return variants().getLast();
    }

    public static Path write(Path dir, Spec s, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, float[]> t = new LinkedHashMap<>();
        Map<String, int[]> sh = new LinkedHashMap<>();
        int d = s.dim, d2 = 2 * d;
        put(t, sh, "emb.uid", r, 0.5f, 50, d);
        put(t, sh, "emb.mid", r, 0.5f, s.midRows, d);
        put(t, sh, "emb.cat", r, 0.5f, 20, d);
        StringBuilder g = new StringBuilder();
        g.append(op("embedding", "u", "\"field\": \"uid\"")).append(op("embedding", "h_mid", "\"field\": \"hist_mid\""))
                .append(op("embedding", "h_cat", "\"field\": \"hist_cat\"")).append(op("concat", "hist", "\"in\": [\"h_mid\", \"h_cat\"]"))
                .append(op("embedding", "c_mid", "\"field\": \"mid\"")).append(op("embedding", "c_cat", "\"field\": \"cat\""))
                .append(op("concat", "item", "\"in\": [\"c_mid\", \"c_cat\"]"))
                .append(op("pool", "his", "\"in\": \"hist\", \"mode\": \"" + s.pool + "\", \"masked\": " + s.poolMasked))
                .append(op("mul", "item_his", "\"in\": [\"item\", \"his\"]")).append(op("add", "item_plus", "\"in\": [\"item\", \"his\"]"));
        StringBuilder layers = new StringBuilder();
        int in = 4 * d2;
        for (int l = 0; l <= s.att.length; l++) {
            int out = l < s.att.length ? s.att[l] : 1;
            put(t, sh, "att." + l + ".weight", r, (float) (1.5 / Math.sqrt(in)), out, in);
            put(t, sh, "att." + l + ".bias", r, 0.1f, out);
            String act = l < s.att.length ? ", \"activation\": " + activation(s.act, "att." + l, out, t, sh, r) : "";
            layers.append(l == 0 ? "" : ", ").append("{\"weight\": \"att.").append(l).append(".weight\", \"bias\": \"att.").append(l).append(".bias\"").append(act).append('}');
            in = out;
        }
        g.append(op("attention", "att", "\"query\": \"item\", \"keys\": \"hist\", \"normalization\": \"" + s.norm + "\", \"scale\": " + s.scale
                + ", \"mask\": " + s.attMask + ", \"layers\": [" + layers + "]"));
        String dense = s.userDense ? ", \"age_v\"" : "";
        if (s.userDense) g.append(op("dense_input", "age_v", "\"field\": \"age\""));
        g.append(op("concat", "mlp_in", "\"in\": [\"u\", \"item\", \"his\", \"item_his\", \"att\", \"item_plus\"" + dense + "]"));
        in = d + 5 * d2 + (s.userDense ? 3 : 0);
        put(t, sh, "bn.mean", r, 0.2f, in);
        float[] var = new float[in];
        for (int k = 0; k < in; k++) var[k] = 0.5f + (float) r.nextDouble();
        t.put("bn.var", var);
        sh.put("bn.var", new int[]{in});
        String prev = "mlp_in";
        int outW = s.output.equals("softmax2") ? 2 : 1;
        for (int l = 0; l <= s.mlp.length; l++) {
            int out = l < s.mlp.length ? s.mlp[l] : outW;
            put(t, sh, "fc" + l + ".weight", r, (float) (1.5 / Math.sqrt(in)), out, in);
            put(t, sh, "fc" + l + ".bias", r, 0.1f, out);
            String extra = (l == 0 ? ", \"batch_norm_before\": {\"mean\": \"bn.mean\", \"var\": \"bn.var\", \"eps\": 0.001}" : "")
                    + (l < s.mlp.length ? ", \"activation\": " + activation(s.act, "fc" + l, out, t, sh, r) : "");
            String name = l < s.mlp.length ? "fc" + l : "logits";
            g.append(op("dense", name, "\"in\": \"" + prev + "\", \"weight\": \"fc" + l + ".weight\", \"bias\": \"fc" + l + ".bias\"" + extra));
            prev = name;
            in = out;
        }
        String outJson = switch (s.output) {
            case "softmax2" -> "{\"in\": \"logits\", \"type\": \"softmax2\", \"index\": 0, \"epsilon\": 1e-8}";
            default -> "{\"in\": \"logits\", \"type\": \"" + s.output + "\"}";
        };
        String json = "{\n\"format\": \"interest-engine-model\", \"format_version\": 1, \"name\": \"" + s.name + "\",\n"
                + "\"tables\": {\"uid\": {\"tensor\": \"emb.uid\", \"rows\": 50, \"dim\": " + d + "}, \"mid\": {\"tensor\": \"emb.mid\", \"rows\": " + s.midRows + ", \"dim\": " + d
                + "}, \"cat\": {\"tensor\": \"emb.cat\", \"rows\": 20, \"dim\": " + d + "}},\n"
                + "\"fields\": {\"user\": [{\"name\": \"uid\", \"table\": \"uid\"}" + (s.userDense ? ", {\"name\": \"age\", \"dense\": 3}" : "") + "],\n"
                + "  \"history\": {\"max_length\": " + s.T + ", \"padding\": \"" + (s.leftPad ? "left" : "right") + "\", \"fields\": [{\"name\": \"hist_mid\", \"table\": \"mid\"}, {\"name\": \"hist_cat\", \"table\": \"cat\"}]},\n"
                + "  \"candidate\": [{\"name\": \"mid\", \"table\": \"mid\"}, {\"name\": \"cat\", \"table\": \"cat\"}]},\n"
                + "\"graph\": [\n" + g.substring(0, g.length() - 2) + "\n],\n\"output\": " + outJson + "\n}\n";
        return TinyModel.write(dir, json, t, sh);
    }

    private static String op(String kind, String out, String keys) {
        return "{\"op\": \"" + kind + "\", \"out\": \"" + out + "\", " + keys + "},\n";
    }

    private static String activation(String act, String prefix, int width, Map<String, float[]> t, Map<String, int[]> sh, SplittableRandom r) {
        return switch (act) {
            case "prelu" -> {
                put(t, sh, prefix + ".alpha", r, 0.3f, width);
                yield "{\"type\": \"prelu\", \"alpha\": \"" + prefix + ".alpha\"}";
            }
            case "dice" -> {
                put(t, sh, prefix + ".alpha", r, 0.3f, width);
                put(t, sh, prefix + ".rm", r, 0.2f, width);
                float[] rv = new float[width];
                for (int k = 0; k < width; k++) rv[k] = 0.5f + (float) r.nextDouble();
                t.put(prefix + ".rv", rv);
                sh.put(prefix + ".rv", new int[]{width});
                put(t, sh, prefix + ".bw", r, 1f, width);
                put(t, sh, prefix + ".bb", r, 0.2f, width);
                yield "{\"type\": \"dice\", \"alpha\": \"" + prefix + ".alpha\", \"bn\": {\"mean\": \"" + prefix + ".rm\", \"var\": \"" + prefix
                        + ".rv\", \"weight\": \"" + prefix + ".bw\", \"bias\": \"" + prefix + ".bb\", \"eps\": 1e-8}}";
            }
            default -> "{\"type\": \"" + act + "\"}";
        };
    }

    private static void put(Map<String, float[]> t, Map<String, int[]> sh, String name, SplittableRandom r, float std, int... shape) {
        int n = 1;
        for (int x : shape) n *= x;
        float[] v = new float[n];
        for (int k = 0; k < n; k++) v[k] = (float) (r.nextGaussian() * std);
        t.put(name, v);
        sh.put(name, shape);
    }

    /** A ranking request of n candidates and a history of len events (len may be 0 or T). */
    public static RankingRequest ranking(Model m, Spec s, int n, int len, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] hm = new int[len], hc = new int[len], cm = new int[n], cc = new int[n];
        for (int k = 0; k < len; k++) {
            hm[k] = 1 + r.nextInt(s.midRows - 1);
            hc[k] = 1 + r.nextInt(19);
        }
        for (int k = 0; k < n; k++) {
            cm[k] = r.nextInt(s.midRows);
            cc[k] = r.nextInt(20);
        }
        RankingRequest q = m.newRankingRequest().user("uid", r.nextInt(50)).history("hist_mid", hm, len).history("hist_cat", hc, len)
                .candidates("mid", cm, n).candidates("cat", cc, n);
        if (s.userDense) q.userDense("age", new float[]{(float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian()});
        return q;
    }

    /** A batch of independent samples with random history lengths 0..T. */
    public static BatchRequest batch(Model m, Spec s, int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        BatchRequest b = m.newBatchRequest().reset(size);
        int[] hm = new int[s.T], hc = new int[s.T];
        for (int i = 0; i < size; i++) {
            int len = r.nextInt(s.T + 1);
            for (int k = 0; k < len; k++) {
                hm[k] = 1 + r.nextInt(s.midRows - 1);
                hc[k] = 1 + r.nextInt(19);
            }
            b.user(i, "uid", r.nextInt(50)).history(i, "hist_mid", hm, len).history(i, "hist_cat", hc, len)
                    .candidate(i, "mid", r.nextInt(s.midRows)).candidate(i, "cat", r.nextInt(20));
            if (s.userDense) b.userDense(i, "age", new float[]{(float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian()});
        }
        return b;
    }
}
