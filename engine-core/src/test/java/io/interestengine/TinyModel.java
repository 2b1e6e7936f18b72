package io.interestengine;

import io.interestengine.format.SafeTensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A tiny mouna99-style DIN written from Java (no Python needed), for bad-input and API tests: tables uid 5x2,
 * mid 7x2, cat 3x2, history of 4, attention 8→3→1, MLP 18→2, softmax2 output. Tensors and JSON are
 * editable before writing so that each test can break exactly one thing.
 */
public final class TinyModel {
    public static final String JSON = """
            {
              "format": "interest-engine-model",
              "format_version": 1,
              "name": "tiny_din",
              "tables": {
                "uid": {"tensor": "emb.uid", "rows": 5, "dim": 2},
                "mid": {"tensor": "emb.mid", "rows": 7, "dim": 2},
                "cat": {"tensor": "emb.cat", "rows": 3, "dim": 2, "oov": {"default_row": 0}}
              },
              "fields": {
                "user": [{"name": "uid", "table": "uid"}],
                "history": {"max_length": 4, "fields": [{"name": "hist_mid", "table": "mid"}, {"name": "hist_cat", "table": "cat"}]},
                "candidate": [{"name": "mid", "table": "mid"}, {"name": "cat", "table": "cat"}]
              },
              "graph": [
                {"op": "embedding", "out": "u", "field": "uid"},
                {"op": "embedding", "out": "h_mid", "field": "hist_mid"},
                {"op": "embedding", "out": "h_cat", "field": "hist_cat"},
                {"op": "concat", "out": "hist", "in": ["h_mid", "h_cat"]},
                {"op": "embedding", "out": "c_mid", "field": "mid"},
                {"op": "embedding", "out": "c_cat", "field": "cat"},
                {"op": "concat", "out": "item", "in": ["c_mid", "c_cat"]},
                {"op": "pool", "out": "his_sum", "in": "hist", "mode": "sum", "masked": false},
                {"op": "mul", "out": "item_his", "in": ["item", "his_sum"]},
                {"op": "attention", "out": "att", "query": "item", "keys": "hist", "normalization": "softmax",
                 "layers": [{"weight": "att.0.weight", "bias": "att.0.bias", "activation": {"type": "sigmoid"}},
                            {"weight": "att.1.weight", "bias": "att.1.bias"}]},
                {"op": "concat", "out": "mlp_in", "in": ["u", "item", "his_sum", "item_his", "att"]},
                {"op": "dense", "out": "logits", "in": "mlp_in", "weight": "fc1.weight", "bias": "fc1.bias",
                 "batch_norm_before": {"mean": "bn.mean", "var": "bn.var", "eps": 0.001}}
              ],
              "output": {"in": "logits", "type": "softmax2", "index": 0, "epsilon": 1e-8}
            }
            """;

    /** Tensor name → shape, in file order. */
    public static Map<String, int[]> shapes() {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("emb.uid", new int[]{5, 2});
        m.put("emb.mid", new int[]{7, 2});
        m.put("emb.cat", new int[]{3, 2});
        m.put("att.0.weight", new int[]{3, 16});
        m.put("att.0.bias", new int[]{3});
        m.put("att.1.weight", new int[]{1, 3});
        m.put("att.1.bias", new int[]{1});
        m.put("fc1.weight", new int[]{2, 18});
        m.put("fc1.bias", new int[]{2});
        m.put("bn.mean", new int[]{18});
        m.put("bn.var", new int[]{18});
        return m;
    }

    /** Random weights (positive variances) for {@link #shapes()}. */
    public static Map<String, float[]> tensors(long seed) {
        Random r = new Random(seed);
        Map<String, float[]> t = new LinkedHashMap<>();
        for (var e : shapes().entrySet()) {
            int n = 1;
            for (int d : e.getValue()) n *= d;
            float[] v = new float[n];
            for (int k = 0; k < n; k++) v[k] = e.getKey().equals("bn.var") ? 0.5f + r.nextFloat() : (float) r.nextGaussian() * 0.5f;
            t.put(e.getKey(), v);
        }
        return t;
    }

    /** Writes model.json and weights.safetensors into {@code dir}. */
    public static Path write(Path dir, String json, Map<String, float[]> tensors, Map<String, int[]> shapes) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("model.json"), json);
            SafeTensors.writeF32(dir.resolve("weights.safetensors"), tensors, shapes);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path write(Path dir) {
        return write(dir, JSON, tensors(7), shapes());
    }

    /** F32 safetensors bytes. */
    public static byte[] safetensors(Map<String, float[]> tensors, Map<String, int[]> shapes) {
        return assemble(header(tensors, shapes), tensors);
    }

    /** The safetensors JSON header for F32 tensors stored back to back in map order. */
    public static String header(Map<String, float[]> tensors, Map<String, int[]> shapes) {
        return SafeTensors.headerF32(tensors, shapes);
    }

    /** Header length + header + data, with the header given verbatim (tests corrupt it). */
    public static byte[] assemble(String header, Map<String, float[]> tensors) {
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        int data = 0;
        for (float[] v : tensors.values()) data += 4 * v.length;
        ByteBuffer b = ByteBuffer.allocate(8 + hb.length + data).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(hb.length).put(hb);
        for (float[] v : tensors.values()) for (float x : v) b.putFloat(x);
        return b.array();
    }

    /** A complete ranking request for the tiny model. */
    public static RankingRequest request(Model m, int len, int n) {
        int[] hm = {1, 2, 3, 4}, hc = {0, 1, 2, 1};
        int[] cm = new int[n], cc = new int[n];
        for (int c = 0; c < n; c++) {
            cm[c] = c % 7;
            cc[c] = c % 3;
        }
        return m.newRankingRequest().user("uid", 3).history("hist_mid", hm, len).history("hist_cat", hc, len)
                .candidates("mid", cm, n).candidates("cat", cc, n);
    }

    /**
     * Attention weights are a candidate-scope sequence: pooling them must mask with the history length of the
     * candidate's user, found through the row map. In a ranking request every candidate has user 0; a batch
     * gives each sample its own user row, so the two must agree for every length (a backend that indexes the
     * lengths by candidate row fails here). The pooled weights scale the logits, so a wrong length changes scores.
     */
    public static void checkCandidateScopeMasking(Path tmp, String backend) {
        // Attention weights are a candidate-scope sequence: pooling them must mask with the history length of

        // batch gives each sample its own user row, so the two must agree for every length.
        String json = JSON
                .replace("{\"op\": \"concat\", \"out\": \"mlp_in\",", """
                        {"op": "attention", "out": "aw", "query": "item", "keys": "hist", "normalization": "raw", "return": "weights",
                         "layers": [{"weight": "att.0.weight", "bias": "att.0.bias", "activation": {"type": "sigmoid"}},
                                    {"weight": "att.1.weight", "bias": "att.1.bias"}]},
                        {"op": "pool", "out": "aw_sum", "in": "aw", "mode": "sum", "masked": true},
                        {"op": "concat", "out": "aw2", "in": ["aw_sum", "aw_sum"]},
                        {"op": "concat", "out": "mlp_in",""")
                .replace("\"eps\": 0.001}}\n", "\"eps\": 0.001}},\n{\"op\": \"mul\", \"out\": \"logits2\", \"in\": [\"logits\", \"aw2\"]}\n")
                .replace("\"output\": {\"in\": \"logits\",", "\"output\": {\"in\": \"logits2\",");
        Path dir = write(tmp.resolve("m"), json, tensors(1), shapes());
        try (Model m = Model.load(dir, LoadOptions.defaults().withBackend(backend)); Session s = m.newSession()) {
            org.junit.jupiter.api.Assertions.assertTrue(io.interestengine.internal.Internals.graph(m).values().containsKey("logits2"), "the test graph pools the attention weights");
            int n = 5;
            int[] hm = {1, 2, 3, 4}, hc = {0, 1, 2, 1};
            for (int len = 0; len <= 4; len++) {
                float[] ranked = s.score(request(m, len, n));
                BatchRequest b = m.newBatchRequest().reset(n);
                for (int c = 0; c < n; c++) {
                    b.user(c, "uid", 3).history(c, "hist_mid", hm, len).history(c, "hist_cat", hc, len)
                            .candidate(c, "mid", c % 7).candidate(c, "cat", c % 3);
                }
                org.junit.jupiter.api.Assertions.assertArrayEquals(s.score(b), ranked, backend + ", history length " + len);
            }
        }
    }
}
