package io.interestengine.testkit;

import io.interestengine.BatchRequest;
import io.interestengine.Model;
import io.interestengine.ModelInfo;
import io.interestengine.RankingRequest;

import java.util.SplittableRandom;

/**
 * Random requests for any model, through the public API only ({@link Model#info()}): every sent field gets
 * ids uniform over its table and dense fields Gaussian values; every sequence group gets events. Fixed seeds,
 * so two models of the same directory (say scalar and SIMD) receive the same requests.
 */
public final class RandomRequests {
    private RandomRequests() {
    }

    /** How long each sample's sequences are in a batch. */
    public enum Lengths {
        /** Samples 0, 7, 14… empty, 1, 8, 15… full, the others uniform in [0, T]: hits both ends in any batch. */
        EDGES,
        /** Uniform in [1, T] (DESIGN.md's batch workload), as {@link #batchLengths} gives them. */
        UNIFORM
    }

    /**
     * One user with {@code n} candidates and {@code min(len, T)} events in each sequence group of length T
     * (pass {@link Integer#MAX_VALUE} for full sequences). In an id-masked group the ids sent may include the
     * padding id, which masks their positions.
     */
    public static RankingRequest ranking(Model m, int n, int len, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ModelInfo info = m.info();
        RankingRequest q = m.newRankingRequest();
        for (ModelInfo.FieldInfo f : info.fields()) {
            if (!f.sent()) continue;
            switch (f.group()) {
                case "user" -> {
                    if (f.denseWidth() > 0) q.userDense(f.name(), gauss(f.denseWidth(), r));
                    else q.user(f.name(), r.nextInt(f.rows()));
                }
                case "history" -> {
                    int l = Math.min(len, maxLength(info, f.sequence()));
                    q.history(f.name(), ids(l, f, r), l);
                }
                case "candidate" -> {
                    if (f.denseWidth() > 0) q.candidateDense(f.name(), gauss(n * f.denseWidth(), r), n);
                    else q.candidates(f.name(), ids(n, f, r), n);
                }
                default -> throw new IllegalStateException("field " + f.name() + ": unknown group " + f.group());
            }
        }
        return q;
    }

    /** {@code b} independent samples (each its own user and one candidate) with {@link Lengths#EDGES} lengths. */
    public static BatchRequest batch(Model m, int b, long seed) {
        return batch(m, b, seed, Lengths.EDGES);
    }

    /**
     * {@code b} independent samples; sequence group k's lengths are {@link #batchLengths}{@code (b, T_k, seed + k,
     * lengths)}; ids and dense values come from {@code new SplittableRandom(seed + 1)}, sample by sample.
     */
    public static BatchRequest batch(Model m, int b, long seed, Lengths lengths) {
        ModelInfo info = m.info();
        int[][] lens = new int[info.sequences().size()][];
        for (int k = 0; k < lens.length; k++) lens[k] = batchLengths(b, info.sequences().get(k).maxLength(), seed + 7919L * k, lengths);
        SplittableRandom r = new SplittableRandom(seed + 1);
        BatchRequest q = m.newBatchRequest().reset(b);
        for (int s = 0; s < b; s++) {
            for (ModelInfo.FieldInfo f : info.fields()) {
                if (!f.sent()) continue;
                switch (f.group()) {
                    case "user" -> {
                        if (f.denseWidth() > 0) q.userDense(s, f.name(), gauss(f.denseWidth(), r));
                        else q.user(s, f.name(), r.nextInt(f.rows()));
                    }
                    case "history" -> {
                        int l = lens[groupIndex(info, f.sequence())][s];
                        q.history(s, f.name(), ids(l, f, r), l);
                    }
                    case "candidate" -> {
                        if (f.denseWidth() > 0) q.candidateDense(s, f.name(), gauss(f.denseWidth(), r));
                        else q.candidate(s, f.name(), r.nextInt(f.rows()));
                    }
                    default -> throw new IllegalStateException("field " + f.name() + ": unknown group " + f.group());
                }
            }
        }
        return q;
    }

    /** The sequence lengths of a batch of {@code b} samples for a group of length {@code T}. */
    public static int[] batchLengths(int b, int T, long seed, Lengths lengths) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] len = new int[b];
        for (int s = 0; s < b; s++) {
            len[s] = switch (lengths) {
                case UNIFORM -> 1 + r.nextInt(T);
                case EDGES -> s % 7 == 0 ? 0 : s % 7 == 1 ? T : r.nextInt(T + 1);
            };
        }
        return len;
    }

    private static int maxLength(ModelInfo info, String group) {
        return info.sequences().get(groupIndex(info, group)).maxLength();
    }

    private static int groupIndex(ModelInfo info, String group) {
        for (int k = 0; k < info.sequences().size(); k++) if (info.sequences().get(k).name().equals(group)) return k;
        throw new IllegalStateException("no sequence group " + group);
    }

    private static int[] ids(int n, ModelInfo.FieldInfo f, SplittableRandom r) {
        int[] v = new int[n];
        for (int k = 0; k < n; k++) v[k] = r.nextInt(f.rows());
        return v;
    }

    private static float[] gauss(int n, SplittableRandom r) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) v[k] = (float) r.nextGaussian();
        return v;
    }
}
