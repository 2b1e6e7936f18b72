package io.interestengine.simd;

import io.interestengine.internal.Internals;
import io.interestengine.Model;
import io.interestengine.graph.Field;
import io.interestengine.RankingRequest;
import io.interestengine.BatchRequest;
import io.interestengine.TinyModel;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * DIN and Base models of any size written from Java with random weights (TinyModel's safetensors writer),
 * and random requests for them. DIN: uid, item and category embeddings of {@code dim}; the history
 * (item + category, width 2·dim) pooled and attended by the candidate; MLP with PReLU and Dice; softmax2.
 */
final class TestModels {
    private TestModels() {
    }

    record Spec(String name, boolean din, int T, int dim, int[] att, int[] mlp, boolean leftPadding, int rows) {
    }

    static Spec small(boolean din) {
        return new Spec(din ? "din_small" : "base_small", din, 17, 9, new int[]{16, 8}, new int[]{32, 13}, false, 1000);
    }

    static Spec standard(boolean din) {
        return new Spec(din ? "din_std" : "base_std", din, 100, 18, new int[]{80, 40}, new int[]{200, 80}, false, 5000);
    }

    static Path write(Path dir, Spec s, long seed) {
        Random r = new Random(seed);
        Map<String, float[]> t = new LinkedHashMap<>();
        Map<String, int[]> sh = new LinkedHashMap<>();
        int d = s.dim, h = 2 * d;
        put(t, sh, r, "emb.uid", 1.0, s.rows, d);
        put(t, sh, r, "emb.mid", 1.0, s.rows, d);
        put(t, sh, r, "emb.cat", 1.0, 50, d);
        StringBuilder g = new StringBuilder();
        g.append("""
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
        String mlpIn = "[\"u\", \"item\", \"his_sum\", \"item_his\"" + (s.din ? ", \"att\"]" : "]");
        int width = d + 4 * h - (s.din ? 0 : h);
        if (s.din) {
            g.append("{\"op\": \"attention\", \"out\": \"att\", \"query\": \"item\", \"keys\": \"hist\", \"normalization\": \"softmax\", \"layers\": [");
            int in = 4 * h;
            for (int k = 0; k <= s.att.length; k++) {
                int out = k < s.att.length ? s.att[k] : 1;
                put(t, sh, r, "att." + k + ".weight", 1 / Math.sqrt(in), out, in);
                put(t, sh, r, "att." + k + ".bias", 0.1, out);
                g.append(k == 0 ? "" : ", ").append("{\"weight\": \"att.").append(k).append(".weight\", \"bias\": \"att.").append(k).append(".bias\"")
                        .append(k < s.att.length ? ", \"activation\": {\"type\": \"sigmoid\"}}" : "}");
                in = out;
            }
            g.append("]},\n");
        }
        g.append("{\"op\": \"concat\", \"out\": \"mlp_in\", \"in\": ").append(mlpIn).append("},\n");
        int in = width;
        String prev = "mlp_in";
        for (int k = 0; k <= s.mlp.length; k++) {
            int out = k < s.mlp.length ? s.mlp[k] : 2;
            String name = k < s.mlp.length ? "fc" + k : "logits";
            put(t, sh, r, name + ".weight", 1 / Math.sqrt(in), out, in);
            put(t, sh, r, name + ".bias", 0.1, out);
            g.append("{\"op\": \"dense\", \"out\": \"").append(name).append("\", \"in\": \"").append(prev)
                    .append("\", \"weight\": \"").append(name).append(".weight\", \"bias\": \"").append(name).append(".bias\"");
            if (k == 0) {
                put(t, sh, r, "bn.mean", 0.5, in);
                putPositive(t, sh, r, "bn.var", in);
                g.append(", \"batch_norm_before\": {\"mean\": \"bn.mean\", \"var\": \"bn.var\", \"eps\": 0.001}");
            }
            if (k < s.mlp.length) {
                put(t, sh, r, name + ".alpha", 0.25, out);
                if (k % 2 == 0) g.append(", \"activation\": {\"type\": \"prelu\", \"alpha\": \"").append(name).append(".alpha\"}");
                else {
                    put(t, sh, r, name + ".beta", 0.5, out);
                    g.append(", \"activation\": {\"type\": \"dice\", \"alpha\": \"").append(name).append(".alpha\", \"bn\": {\"weight\": \"")
                            .append(name).append(".beta\", \"eps\": 0.001}}");
                }
            }
            g.append(k < s.mlp.length ? "},\n" : "}\n");
            in = out;
            prev = name;
        }
        String json = """
                {
                  "format": "interest-engine-model", "format_version": 1, "name": "%s",
                  "tables": {
                    "uid": {"tensor": "emb.uid", "rows": %d, "dim": %d},
                    "mid": {"tensor": "emb.mid", "rows": %d, "dim": %d},
                    "cat": {"tensor": "emb.cat", "rows": 50, "dim": %d}
                  },
                  "fields": {
                    "user": [{"name": "uid", "table": "uid"}],
                    "history": {"max_length": %d, "padding": "%s", "fields": [{"name": "hist_mid", "table": "mid"}, {"name": "hist_cat", "table": "cat"}]},
                    "candidate": [{"name": "mid", "table": "mid"}, {"name": "cat", "table": "cat"}]
                  },
                  "graph": [
                %s  ],
                  "output": {"in": "logits", "type": "softmax2", "index": 0, "epsilon": 1e-8}
                }
                """.formatted(s.name, s.rows, d, s.rows, d, d, s.T, s.leftPadding ? "left" : "right", g);
        return TinyModel.write(dir, json, t, sh);
    }

    private static void put(Map<String, float[]> t, Map<String, int[]> sh, Random r, String name, double std, int... shape) {
        int n = 1;
        for (int x : shape) n *= x;
        float[] v = new float[n];
        for (int k = 0; k < n; k++) v[k] = (float) (r.nextGaussian() * std);
        t.put(name, v);
        sh.put(name, shape);
    }

    private static void putPositive(Map<String, float[]> t, Map<String, int[]> sh, Random r, String name, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) v[k] = 0.5f + r.nextFloat();
        t.put(name, v);
        sh.put(name, new int[]{n});
    }

    /** One user with a history of {@code len} events and {@code n} candidates. */
    static RankingRequest ranking(Model m, int len, int n, long seed) {
        Random r = new Random(seed);
        int rows = Internals.graph(m).tables().get("mid").rows();
        int[] hm = new int[len], hc = new int[len], cm = new int[n], cc = new int[n];
        for (int k = 0; k < len; k++) {
            hm[k] = r.nextInt(rows);
            hc[k] = r.nextInt(50);
        }
        for (int k = 0; k < n; k++) {
            cm[k] = r.nextInt(rows);
            cc[k] = r.nextInt(50);
        }
        return m.newRankingRequest().user("uid", r.nextInt(rows)).history("hist_mid", hm, len).history("hist_cat", hc, len)
                .candidates("mid", cm, n).candidates("cat", cc, n);
    }

    /** {@code b} independent samples with history lengths in [0, T]. */
    static BatchRequest batch(Model m, int b, long seed) {
        Random r = new Random(seed);
        int rows = Internals.graph(m).tables().get("mid").rows(), T = Internals.graph(m).sequences().get(0).maxLength();
        BatchRequest q = m.newBatchRequest().reset(b);
        for (int s = 0; s < b; s++) {
            int len = s % 7 == 0 ? 0 : s % 7 == 1 ? T : r.nextInt(T + 1);
            int[] hm = new int[len], hc = new int[len];
            for (int k = 0; k < len; k++) {
                hm[k] = r.nextInt(rows);
                hc[k] = r.nextInt(50);
            }
            q.user(s, "uid", r.nextInt(rows)).history(s, "hist_mid", hm, len).history(s, "hist_cat", hc, len)
                    .candidate(s, "mid", r.nextInt(rows)).candidate(s, "cat", r.nextInt(50));
        }
        return q;
    }

    /** A ranking request for any model: random ids (and Gaussian dense values) in every sent field, a history of {@code len}. */
    static RankingRequest anyRanking(Model m, int len, int n, long seed) {
        Random r = new Random(seed);
        RankingRequest q = m.newRankingRequest();
        for (Field f : Internals.graph(m).fields()) {
            if (f.isDerived()) continue;
            switch (f.group()) {
                case USER -> {
                    if (f.isDense()) q.userDense(f.name(), KernelTest.vec(f.denseWidth(), r));
                    else q.user(f.name(), r.nextInt(f.table().rows()));
                }
                case HISTORY -> q.history(f.name(), ids(len, f, r), len);
                case CANDIDATE -> {
                    if (f.isDense()) q.candidateDense(f.name(), KernelTest.vec(n * f.denseWidth(), r), n);
                    else q.candidates(f.name(), ids(n, f, r), n);
                }
            }
        }
        return q;
    }

    /** {@code b} independent samples for any model, history lengths 0, T and uniform in between. */
    static BatchRequest anyBatch(Model m, int b, long seed) {
        Random r = new Random(seed);
        int T = Internals.graph(m).sequences().get(0).maxLength();
        BatchRequest q = m.newBatchRequest().reset(b);
        for (int s = 0; s < b; s++) {
            int len = s % 7 == 0 ? 0 : s % 7 == 1 ? T : r.nextInt(T + 1);
            for (Field f : Internals.graph(m).fields()) {
                if (f.isDerived()) continue;
                switch (f.group()) {
                    case USER -> {
                        if (f.isDense()) q.userDense(s, f.name(), KernelTest.vec(f.denseWidth(), r));
                        else q.user(s, f.name(), r.nextInt(f.table().rows()));
                    }
                    case HISTORY -> q.history(s, f.name(), ids(len, f, r), len);
                    case CANDIDATE -> {
                        if (f.isDense()) q.candidateDense(s, f.name(), KernelTest.vec(f.denseWidth(), r));
                        else q.candidate(s, f.name(), r.nextInt(f.table().rows()));
                    }
                }
            }
        }
        return q;
    }

    private static int[] ids(int n, Field f, Random r) {
        int[] v = new int[n];
        for (int k = 0; k < n; k++) v[k] = r.nextInt(f.table().rows());
        return v;
    }
}
