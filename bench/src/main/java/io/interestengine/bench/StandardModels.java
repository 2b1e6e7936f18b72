package io.interestengine.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The standard-size models of DESIGN.md with random weights, written as model directories (model.json and
 * F32 safetensors): mouna99-style Base and DIN with item and category embeddings of 18 (history and
 * candidate width 36), T = 100, attention 144→80→40→1 (sigmoid), MLP →200→80→2 with batch norm folded into
 * the first layer, PReLU then Dice, softmax2 output.
 */
public final class StandardModels {
    public static final int T = 100, DIM = 18, USERS = 50_000, ITEMS = 100_000, CATS = 1_000;
    public static final int[] ATTENTION = {80, 40}, MLP = {200, 80};

    private StandardModels() {
    }

    /**
     * A model by benchmark name: {@code base} and {@code din} written under {@code dir} with random weights,
     * {@code dien} and {@code mimn} the bundled example models (standard sizes, trained) from {@code models/},
     * or the directory named by {@code -Dinterestengine.models}.
     */
    public static Path model(Path dir, String name, long seed) {
        if (name.equals("base") || name.equals("din")) return write(dir, name, seed);
        Path p = Path.of(System.getProperty("interestengine.models", "models")).resolve(name);
        if (!Files.exists(p.resolve("model.json"))) {
            throw new IllegalArgumentException("benchmark model '" + name + "': no " + p.toAbsolutePath().resolve("model.json")
                    + " (run from the repository root, or set -Dinterestengine.models=DIR)");
        }
        return p;
    }

    /** Writes {@code base} or {@code din} under {@code dir}/{@code name} and returns that directory. */
    public static Path write(Path dir, String name, long seed) {
        boolean din = switch (name) {
            case "din" -> true;
            case "base" -> false;
            default -> throw new IllegalArgumentException("standard model '" + name + "': expected base or din");
        };
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, float[]> t = new LinkedHashMap<>();
        Map<String, int[]> sh = new LinkedHashMap<>();
        int d = DIM, h = 2 * d;
        put(t, sh, r, "emb.uid", 0.5, USERS, d);
        put(t, sh, r, "emb.mid", 0.5, ITEMS, d);
        put(t, sh, r, "emb.cat", 0.5, CATS, d);
        StringBuilder g = new StringBuilder("""
                    {"op": "embedding", "out": "u", "field": "uid"},
                    {"op": "embedding", "out": "h_mid", "field": "hist_mid"},
                    {"op": "embedding", "out": "h_cat", "field": "hist_cat"},
                    {"op": "concat", "out": "hist", "in": ["h_mid", "h_cat"]},
                    {"op": "embedding", "out": "c_mid", "field": "mid"},
                    {"op": "embedding", "out": "c_cat", "field": "cat"},
                    {"op": "concat", "out": "item", "in": ["c_mid", "c_cat"]},
                    {"op": "pool", "out": "his_sum", "in": "hist", "mode": "sum", "masked": true},
                    {"op": "mul", "out": "item_his", "in": ["item", "his_sum"]},
                """);
        if (din) {
            g.append("    {\"op\": \"attention\", \"out\": \"att\", \"query\": \"item\", \"keys\": \"hist\", \"normalization\": \"softmax\", \"layers\": [");
            int in = 4 * h;
            for (int k = 0; k <= ATTENTION.length; k++) {
                int out = k < ATTENTION.length ? ATTENTION[k] : 1;
                put(t, sh, r, "att." + k + ".weight", 1 / Math.sqrt(in), out, in);
                put(t, sh, r, "att." + k + ".bias", 0.1, out);
                g.append(k == 0 ? "" : ", ").append("{\"weight\": \"att.").append(k).append(".weight\", \"bias\": \"att.").append(k).append(".bias\"")
                        .append(k < ATTENTION.length ? ", \"activation\": {\"type\": \"sigmoid\"}}" : "}");
                in = out;
            }
            g.append("]},\n");
        }
        g.append("    {\"op\": \"concat\", \"out\": \"mlp_in\", \"in\": [\"u\", \"item\", \"his_sum\", \"item_his\"").append(din ? ", \"att\"" : "").append("]},\n");
        int in = d + (din ? 4 : 3) * h;
        String prev = "mlp_in";
        for (int k = 0; k <= MLP.length; k++) {
            int out = k < MLP.length ? MLP[k] : 2;
            String name2 = k < MLP.length ? "fc" + (k + 1) : "logits";
            put(t, sh, r, name2 + ".weight", 1 / Math.sqrt(in), out, in);
            put(t, sh, r, name2 + ".bias", 0.1, out);
            g.append("    {\"op\": \"dense\", \"out\": \"").append(name2).append("\", \"in\": \"").append(prev)
                    .append("\", \"weight\": \"").append(name2).append(".weight\", \"bias\": \"").append(name2).append(".bias\"");
            if (k == 0) {
                put(t, sh, r, "bn.mean", 0.5, in);
                float[] var = new float[in];
                for (int j = 0; j < in; j++) var[j] = 0.5f + (float) r.nextDouble();
                t.put("bn.var", var);
                sh.put("bn.var", new int[]{in});
                g.append(", \"batch_norm_before\": {\"mean\": \"bn.mean\", \"var\": \"bn.var\", \"eps\": 0.001}");
            }
            if (k == 0) {
                put(t, sh, r, name2 + ".alpha", 0.25, out);
                g.append(", \"activation\": {\"type\": \"prelu\", \"alpha\": \"").append(name2).append(".alpha\"}");
            } else if (k < MLP.length) {
                put(t, sh, r, name2 + ".alpha", 0.25, out);
                put(t, sh, r, name2 + ".beta", 0.5, out);
                g.append(", \"activation\": {\"type\": \"dice\", \"alpha\": \"").append(name2).append(".alpha\", \"bn\": {\"weight\": \"")
                        .append(name2).append(".beta\", \"eps\": 0.001}}");
            }
            g.append(k < MLP.length ? "},\n" : "}\n");
            in = out;
            prev = name2;
        }
        String json = """
                {
                  "format": "interest-engine-model", "format_version": 1, "name": "%s_standard",
                  "reference": "random weights, DESIGN.md standard sizes",
                  "tables": {
                    "uid": {"tensor": "emb.uid", "rows": %d, "dim": %d},
                    "mid": {"tensor": "emb.mid", "rows": %d, "dim": %d},
                    "cat": {"tensor": "emb.cat", "rows": %d, "dim": %d}
                  },
                  "fields": {
                    "user": [{"name": "uid", "table": "uid"}],
                    "history": {"max_length": %d, "padding": "right", "fields": [{"name": "hist_mid", "table": "mid"}, {"name": "hist_cat", "table": "cat"}]},
                    "candidate": [{"name": "mid", "table": "mid"}, {"name": "cat", "table": "cat"}]
                  },
                  "graph": [
                %s  ],
                  "output": {"in": "logits", "type": "softmax2", "index": 0, "epsilon": 1e-8}
                }
                """.formatted(name, USERS, d, ITEMS, d, CATS, d, T, g);
        Path out = dir.resolve(name);
        try {
            Files.createDirectories(out);
            Files.writeString(out.resolve("model.json"), json);
            io.interestengine.format.SafeTensors.writeF32(out.resolve("weights.safetensors"), t, sh);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static void put(Map<String, float[]> t, Map<String, int[]> sh, SplittableRandom r, String name, double std, int... shape) {
        int n = 1;
        for (int x : shape) n *= x;
        float[] v = new float[n];
        for (int k = 0; k < n; k++) v[k] = (float) (r.nextGaussian() * std);
        t.put(name, v);
        sh.put(name, shape);
    }
}
