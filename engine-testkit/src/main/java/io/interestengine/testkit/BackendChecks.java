package io.interestengine.testkit;

import io.interestengine.BatchRequest;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.Session;
import io.interestengine.internal.Internals;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks that every backend must pass, written once and called from each backend's tests. */
public final class BackendChecks {
    private BackendChecks() {
    }

    /** A complete ranking request for {@link Presets#tinyDin}: history {@code len} of 4, candidate c = (mid c%7, cat c%3). */
    public static RankingRequest tinyRequest(Model m, int len, int n) {
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
    public static void candidateScopeMasking(Path tmp, String backend) {
        Path dir = Presets.tinyDin(1, true).write(tmp.resolve("cand-scope"));
        try (Model m = Model.load(dir, LoadOptions.defaults().withBackend(backend)); Session s = m.newSession()) {
            assertTrue(Internals.graph(m).values().containsKey("logits2"), "the test graph pools the attention weights");
            int n = 5;
            int[] hm = {1, 2, 3, 4}, hc = {0, 1, 2, 1};
            for (int len = 0; len <= 4; len++) {
                float[] ranked = s.score(tinyRequest(m, len, n));
                BatchRequest b = m.newBatchRequest().reset(n);
                for (int c = 0; c < n; c++) {
                    b.user(c, "uid", 3).history(c, "hist_mid", hm, len).history(c, "hist_cat", hc, len)
                            .candidate(c, "mid", c % 7).candidate(c, "cat", c % 3);
                }
                assertArrayEquals(s.score(b), ranked, backend + ", history length " + len);
            }
        }
    }
}
