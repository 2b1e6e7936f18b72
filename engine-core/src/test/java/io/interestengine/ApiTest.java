package io.interestengine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Public API behaviour: scopes (ranking vs batch), capacity growth, lifetimes, threads. */
class ApiTest {
    @TempDir
    Path tmp;

    private Model load() {
        return Model.load(TinyModel.write(tmp.resolve("m")), LoadOptions.defaults().withBackend("scalar"));
    }

    @Test
    void batchSampleEqualsRankingOfThatUserAndCandidate() {
        // The executor runs user-scope ops once per request and broadcasts them; a batch runs them per sample.
        // Both paths must give the same number for the same (user, history, candidate).
        Random rnd = new Random(3);
        try (Model m = load(); Session s = m.newSession()) {
            int B = 9;
            BatchRequest b = m.newBatchRequest().reset(B);
            float[] single = new float[B];
            for (int k = 0; k < B; k++) {
                int len = k % 5;
                int[] hm = {rnd.nextInt(7), rnd.nextInt(7), rnd.nextInt(7), rnd.nextInt(7)};
                int[] hc = {rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(3)};
                int uid = rnd.nextInt(5), mid = rnd.nextInt(7), cat = rnd.nextInt(3);
                b.user(k, "uid", uid).history(k, "hist_mid", hm, len).history(k, "hist_cat", hc, len).candidate(k, "mid", mid).candidate(k, "cat", cat);
                RankingRequest r = m.newRankingRequest().user("uid", uid).history("hist_mid", hm, len).history("hist_cat", hc, len)
                        .candidates("mid", new int[]{mid}, 1).candidates("cat", new int[]{cat}, 1);
                single[k] = s.score(r)[0];
            }
            assertArrayEquals(single, s.score(b));
        }
    }

    @Test
    void candidateScopeSequencesAreMaskedByTheirUsersLength(@TempDir Path tmp) {
        // Attention weights are a candidate-scope sequence: pooling them must mask with the history length of

        // batch gives each sample its own user row, so the two must agree for every length.
        String json = TinyModel.JSON
                .replace("{\"op\": \"concat\", \"out\": \"mlp_in\",", """
                        {"op": "attention", "out": "aw", "query": "item", "keys": "hist", "normalization": "raw", "return": "weights",
                         "layers": [{"weight": "att.0.weight", "bias": "att.0.bias", "activation": {"type": "sigmoid"}},
                                    {"weight": "att.1.weight", "bias": "att.1.bias"}]},
                        {"op": "pool", "out": "aw_sum", "in": "aw", "mode": "sum", "masked": true},
                        {"op": "concat", "out": "aw2", "in": ["aw_sum", "aw_sum"]},
                        {"op": "concat", "out": "mlp_in",""")
                .replace("\"eps\": 0.001}}\n", "\"eps\": 0.001}},\n{\"op\": \"mul\", \"out\": \"logits2\", \"in\": [\"logits\", \"aw2\"]}\n")
                .replace("\"output\": {\"in\": \"logits\",", "\"output\": {\"in\": \"logits2\",");
        Path dir = TinyModel.write(tmp.resolve("m"), json, TinyModel.tensors(1), TinyModel.shapes());
        try (Model m = Model.load(dir, LoadOptions.defaults().withBackend("scalar")); Session s = m.newSession()) {
            assertTrue(m.graph().values().containsKey("logits2"), "the test graph pools the attention weights");
            int n = 5;
            int[] hm = {1, 2, 3, 4}, hc = {0, 1, 2, 1};
            for (int len = 0; len <= 4; len++) {
                float[] ranked = s.score(TinyModel.request(m, len, n));
                BatchRequest b = m.newBatchRequest().reset(n);
                for (int c = 0; c < n; c++) {
                    b.user(c, "uid", 3).history(c, "hist_mid", hm, len).history(c, "hist_cat", hc, len)
                            .candidate(c, "mid", c % 7).candidate(c, "cat", c % 3);
                }
                assertArrayEquals(s.score(b), ranked, "history length " + len);
            }
        }
    }

    @Test
    void scoresDoNotDependOnTheOtherCandidatesOrOnCapacityGrowth() {
        try (Model m = load(); Session s = m.newSession()) {
            float[] few = s.score(TinyModel.request(m, 2, 7));
            float[] many = s.score(TinyModel.request(m, 2, 1000)); // beyond the initial capacity: the session grows once
            // Candidate c of TinyModel.request is (mid c%7, cat c%3), so it repeats with period 21.
            for (int c = 0; c < 1000; c++) {
                assertEquals(many[c % 21], many[c], "candidate " + c);
                if (c % 21 < 7) assertEquals(few[c % 21], many[c], "candidate " + c);
            }
        }
    }

    @Test
    void closedObjectsRefuseWork() {
        Model m = load();
        Session s = m.newSession();
        RankingRequest r = TinyModel.request(m, 1, 2);
        s.close();
        s.close();
        assertThrows(IllegalStateException.class, () -> s.score(r));
        m.close();
        m.close();
        assertThrows(IllegalStateException.class, m::newSession);
    }

    @Test
    void requestOfAnotherModelIsRefused() {
        try (Model a = load(); Model b = Model.load(TinyModel.write(tmp.resolve("b")), LoadOptions.defaults().withBackend("scalar"));
             Session s = a.newSession()) {
            assertThrows(IllegalArgumentException.class, () -> s.score(TinyModel.request(b, 1, 2)));
        }
    }

    @Test
    void unknownBackendNamesTheRegisteredOnes() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Model.load(TinyModel.write(tmp.resolve("m")), LoadOptions.defaults().withBackend("tpu")));
        assertTrue(e.getMessage().contains("no backend named 'tpu'") && e.getMessage().contains("scalar"), e.getMessage());
    }

    @Test
    void oneModelManyThreadsGiveTheSingleThreadResult() throws Exception {
        try (Model m = load()) {
            float[] expected;
            try (Session s = m.newSession()) {
                expected = s.score(TinyModel.request(m, 3, 50));
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> fs = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    fs.add(pool.submit(() -> {
                        try (Session s = m.newSession()) {
                            RankingRequest r = TinyModel.request(m, 3, 50);
                            float[] out = new float[50];
                            for (int k = 0; k < 200; k++) s.score(r, out);
                            return out;
                        }
                    }));
                }
                for (Future<float[]> f : fs) assertArrayEquals(expected, f.get());
            } finally {
                pool.shutdown();
            }
        }
    }
}
