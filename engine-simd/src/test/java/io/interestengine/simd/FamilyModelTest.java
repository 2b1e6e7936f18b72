package io.interestengine.simd;

import io.interestengine.BatchRequest;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.Session;
import io.interestengine.testkit.ModelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A DeepFM without a behaviour sequence, written from Java (format_version 2): two user and three candidate id
 * fields, a user and a candidate dense field; linear part from 1-wide embedding tables (their own fields, sent with
 * the same ids) and a dense layer over the
 * dense fields, summed; FM over the five embeddings; a two-layer tower; sigmoid. A ranking request (one user,
 * N candidates, the user part of FM once) must score each candidate as the batch scores the same (user,
 * candidate) pair, on scalar and SIMD, and both backends agree.
 */
class FamilyModelTest {
    static final int K = 10, ROWS = 50, N = 7;

    static Path deepFm(Path dir, long seed) {
        Random r = new Random(seed);
        Map<String, float[]> t = new LinkedHashMap<>();
        Map<String, int[]> sh = new LinkedHashMap<>();
        String[] f = {"u0", "u1", "c0", "c1", "c2"};
        StringBuilder tables = new StringBuilder(), g = new StringBuilder();
        for (String x : f) {
            put(t, sh, r, "emb." + x, 0.5, ROWS, K);
            put(t, sh, r, "lin." + x, 0.5, ROWS, 1);
            tables.append("\"").append(x).append("\": {\"tensor\": \"emb.").append(x).append("\", \"rows\": ").append(ROWS).append(", \"dim\": ")
                    .append(K).append("},\n\"lin_").append(x).append("\": {\"tensor\": \"lin.").append(x).append("\", \"rows\": ").append(ROWS)
                    .append(", \"dim\": 1},\n");
            g.append("{\"op\": \"embedding\", \"out\": \"e_").append(x).append("\", \"field\": \"").append(x).append("\"},\n");
            g.append("{\"op\": \"embedding\", \"out\": \"l_").append(x).append("\", \"field\": \"").append(x).append("_lin\"},\n");
        }
        put(t, sh, r, "lin.dense", 0.5, 1, 5);
        put(t, sh, r, "fc1.weight", 1 / Math.sqrt(5 * K + 5), 16, 5 * K + 5);
        put(t, sh, r, "fc1.bias", 0.1, 16);
        put(t, sh, r, "fc2.weight", 0.25, 1, 16);
        g.append("""
                {"op": "dense_input", "out": "d_u", "field": "age"},
                {"op": "dense_input", "out": "d_c", "field": "price"},
                {"op": "concat", "out": "dense_all", "in": ["d_u", "d_c"]},
                {"op": "dense", "out": "lin_dense", "in": "dense_all", "weight": "lin.dense"},
                {"op": "sum", "out": "linear", "in": ["l_u0", "l_u1", "l_c0", "l_c1", "l_c2", "lin_dense"]},
                {"op": "fm", "out": "fm", "in": ["e_u0", "e_c0", "e_u1", "e_c1", "e_c2"]},
                {"op": "concat", "out": "dnn_in", "in": ["e_u0", "e_u1", "e_c0", "e_c1", "e_c2", "d_u", "d_c"]},
                {"op": "dense", "out": "fc1", "in": "dnn_in", "weight": "fc1.weight", "bias": "fc1.bias", "activation": {"type": "relu"}},
                {"op": "dense", "out": "fc2", "in": "fc1", "weight": "fc2.weight"},
                {"op": "sum", "out": "logit", "in": ["linear", "fm", "fc2"]}
                """);
        String json = """
                {
                  "format": "interest-engine-model", "format_version": 2, "name": "deepfm_test",
                  "tables": {
                %s
                  },
                  "fields": {
                    "user": [{"name": "u0", "table": "u0"}, {"name": "u1", "table": "u1"}, {"name": "age", "dense": 3},
                             {"name": "u0_lin", "table": "lin_u0"},
                             {"name": "u1_lin", "table": "lin_u1"}],
                    "candidate": [{"name": "c0", "table": "c0"}, {"name": "c1", "table": "c1"}, {"name": "c2", "table": "c2"},
                                  {"name": "price", "dense": 2},
                                  {"name": "c0_lin", "table": "lin_c0"},
                                  {"name": "c1_lin", "table": "lin_c1"},
                                  {"name": "c2_lin", "table": "lin_c2"}]
                  },
                  "graph": [
                %s  ],
                  "output": {"in": "logit", "type": "sigmoid"}
                }
                """.formatted(tables.toString().stripTrailing().replaceAll(",$", ""), g.toString().stripTrailing().replaceAll(",$", "") + "\n");
        return ModelBuilder.write(dir, json, t, sh);
    }

    private static void put(Map<String, float[]> t, Map<String, int[]> sh, Random r, String name, double std, int... shape) {
        int n = 1;
        for (int x : shape) n *= x;
        float[] v = new float[n];
        for (int k = 0; k < n; k++) v[k] = (float) (r.nextGaussian() * std);
        t.put(name, v);
        sh.put(name, shape);
    }

    @Test
    void rankingEqualsBatchOnScalarAndSimd(@TempDir Path dir) {
        Path m = deepFm(dir, 13);
        Random r = new Random(5);
        int u0 = r.nextInt(ROWS), u1 = r.nextInt(ROWS);
        float[] age = {r.nextFloat(), r.nextFloat(), r.nextFloat()};
        int[] c0 = new int[N], c1 = new int[N], c2 = new int[N];
        float[] price = new float[2 * N];
        for (int c = 0; c < N; c++) {
            c0[c] = r.nextInt(ROWS);
            c1[c] = r.nextInt(ROWS);
            c2[c] = r.nextInt(ROWS);
            price[2 * c] = (float) r.nextGaussian();
            price[2 * c + 1] = (float) r.nextGaussian();
        }
        float[][] scores = new float[2][];
        String[] backends = {"scalar", "simd"};
        for (int b = 0; b < 2; b++) {
            try (Model model = Model.load(m, LoadOptions.defaults().withBackend(backends[b])); Session s = model.newSession()) {
                RankingRequest q = model.newRankingRequest().user("u0", u0).user("u1", u1).user("u0_lin", u0).user("u1_lin", u1).userDense("age", age)
                        .candidates("c0", c0, N).candidates("c1", c1, N).candidates("c2", c2, N).candidateDense("price", price, N)
                        .candidates("c0_lin", c0, N).candidates("c1_lin", c1, N).candidates("c2_lin", c2, N);
                float[] ranking = s.score(q).clone();
                BatchRequest batch = model.newBatchRequest().reset(N);
                for (int c = 0; c < N; c++) {
                    batch.user(c, "u0", u0).user(c, "u1", u1).user(c, "u0_lin", u0).user(c, "u1_lin", u1).userDense(c, "age", age).candidate(c, "c0", c0[c]).candidate(c, "c1", c1[c])
                            .candidate(c, "c2", c2[c]).candidateDense(c, "price", new float[]{price[2 * c], price[2 * c + 1]})
                            .candidate(c, "c0_lin", c0[c]).candidate(c, "c1_lin", c1[c]).candidate(c, "c2_lin", c2[c]);
                }
                float[] batched = s.score(batch).clone();
                assertEquals(N, ranking.length);
                for (int c = 0; c < N; c++) {
                    assertTrue(ranking[c] > 0f && ranking[c] < 1f, backends[b] + ": a probability");
                    // The same kernels sum the same rows in the same order whether the user row is shared or
                    // repeated: within a couple of ulps of a probability.
                    assertEquals(batched[c], ranking[c], 1e-6f, backends[b] + " candidate " + c + ": ranking vs batch");
                }
                scores[b] = ranking;
            }
        }
        // SIMD reorders the sums of FM and the dense layers (fp32, a few dozen terms of O(1)): 1e-5 on a probability.
        for (int c = 0; c < N; c++) assertEquals(scores[0][c], scores[1][c], 1e-5f, "candidate " + c + ": simd vs scalar");
        assertTrue(Math.abs(scores[0][0] - scores[0][1]) > 1e-6f, "candidates score differently");
    }
}
