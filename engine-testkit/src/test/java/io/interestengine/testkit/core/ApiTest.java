package io.interestengine.testkit.core;

import io.interestengine.BackendUnavailableException;
import io.interestengine.BatchRequest;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.Session;
import io.interestengine.testkit.BackendChecks;
import io.interestengine.testkit.Presets;

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
        return Model.load(Presets.tinyDin(7).write(tmp.resolve("m")), LoadOptions.defaults().withBackend("scalar"));
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
        BackendChecks.candidateScopeMasking(tmp, "scalar");
    }

    @Test
    void scoresDoNotDependOnTheOtherCandidatesOrOnCapacityGrowth() {
        try (Model m = load(); Session s = m.newSession()) {
            float[] few = s.score(BackendChecks.tinyRequest(m, 2, 7));
            float[] many = s.score(BackendChecks.tinyRequest(m, 2, 1000)); // beyond the initial capacity: the session grows once
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
        RankingRequest r = BackendChecks.tinyRequest(m, 1, 2);
        s.close();
        s.close();
        assertThrows(IllegalStateException.class, () -> s.score(r));
        m.close();
        m.close();
        assertThrows(IllegalStateException.class, m::newSession);
    }

    @Test
    void requestOfAnotherModelIsRefused() {
        try (Model a = load(); Model b = Model.load(Presets.tinyDin(7).write(tmp.resolve("b")), LoadOptions.defaults().withBackend("scalar"));
             Session s = a.newSession()) {
            assertThrows(IllegalArgumentException.class, () -> s.score(BackendChecks.tinyRequest(b, 1, 2)));
        }
    }

    @Test
    void unknownBackendNamesTheRegisteredOnes() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Model.load(Presets.tinyDin(7).write(tmp.resolve("m")), LoadOptions.defaults().withBackend("tpu")));
        assertTrue(e.getMessage().contains("no backend named 'tpu'") && e.getMessage().contains("scalar"), e.getMessage());
    }

    @Test
    void oneModelManyThreadsGiveTheSingleThreadResult() throws Exception {
        try (Model m = load()) {
            float[] expected;
            try (Session s = m.newSession()) {
                expected = s.score(BackendChecks.tinyRequest(m, 3, 50));
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> fs = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    fs.add(pool.submit(() -> {
                        try (Session s = m.newSession()) {
                            RankingRequest r = BackendChecks.tinyRequest(m, 3, 50);
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
