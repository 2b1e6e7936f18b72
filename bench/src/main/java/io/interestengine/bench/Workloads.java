package io.interestengine.bench;

import io.interestengine.BatchRequest;
import io.interestengine.Model;
import io.interestengine.RankingRequest;

import java.util.SplittableRandom;

/**
 * The standard workloads of DESIGN.md for the standard models: a ranking request (one user, a full history
 * of T = 100 events, N candidates) and a batch of B independent samples with history lengths uniform in
 * [1, T]. Fixed seeds, so every backend and every run sees the same inputs.
 */
public final class Workloads {
    public static final int N = 200, B = 200;

    private Workloads() {
    }

    public static RankingRequest ranking(Model m, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int T = m.graph().historyLength();
        int[] hm = new int[T], hc = new int[T], cm = new int[n], cc = new int[n];
        for (int k = 0; k < T; k++) {
            hm[k] = r.nextInt(StandardModels.ITEMS);
            hc[k] = r.nextInt(StandardModels.CATS);
        }
        for (int k = 0; k < n; k++) {
            cm[k] = r.nextInt(StandardModels.ITEMS);
            cc[k] = r.nextInt(StandardModels.CATS);
        }
        return m.newRankingRequest().user("uid", r.nextInt(StandardModels.USERS)).history("hist_mid", hm, T).history("hist_cat", hc, T)
                .candidates("mid", cm, n).candidates("cat", cc, n);
    }

    /** History length of sample {@code s} of a batch made with {@code seed}. */
    public static int[] batchLengths(int b, int T, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] len = new int[b];
        for (int s = 0; s < b; s++) len[s] = 1 + r.nextInt(T);
        return len;
    }

    public static BatchRequest batch(Model m, int b, long seed) {
        int T = m.graph().historyLength();
        int[] lens = batchLengths(b, T, seed);
        SplittableRandom r = new SplittableRandom(seed + 1);
        BatchRequest q = m.newBatchRequest().reset(b);
        for (int s = 0; s < b; s++) {
            int[] hm = new int[lens[s]], hc = new int[lens[s]];
            for (int k = 0; k < lens[s]; k++) {
                hm[k] = r.nextInt(StandardModels.ITEMS);
                hc[k] = r.nextInt(StandardModels.CATS);
            }
            q.user(s, "uid", r.nextInt(StandardModels.USERS)).history(s, "hist_mid", hm, lens[s]).history(s, "hist_cat", hc, lens[s])
                    .candidate(s, "mid", r.nextInt(StandardModels.ITEMS)).candidate(s, "cat", r.nextInt(StandardModels.CATS));
        }
        return q;
    }
}
