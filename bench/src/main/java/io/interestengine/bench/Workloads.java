package io.interestengine.bench;

import io.interestengine.BatchRequest;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.testkit.RandomRequests;

/**
 * The standard workloads of DESIGN.md, built by the testkit's {@link RandomRequests}: a ranking request (one
 * user, full sequences, N candidates) and a batch of B independent samples with sequence lengths uniform in
 * [1, T]. Fixed seeds, so every backend and every run sees the same inputs.
 */
public final class Workloads {
    public static final int N = 200, B = 200;

    private Workloads() {
    }

    /** One user with full sequences and {@code n} candidates; ids uniform over each field's table. */
    public static RankingRequest ranking(Model m, int n, long seed) {
        return RandomRequests.ranking(m, n, Integer.MAX_VALUE, seed);
    }

    /** Sequence lengths of the samples of a batch made with {@code seed} (of the model's first group). */
    public static int[] batchLengths(int b, int T, long seed) {
        return RandomRequests.batchLengths(b, T, seed, RandomRequests.Lengths.UNIFORM);
    }

    /** {@code b} independent samples, sequence lengths uniform in [1, T] ({@link #batchLengths}). */
    public static BatchRequest batch(Model m, int b, long seed) {
        return RandomRequests.batch(m, b, seed, RandomRequests.Lengths.UNIFORM);
    }
}
