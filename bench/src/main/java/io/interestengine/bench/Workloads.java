package io.interestengine.bench;

import io.interestengine.internal.Internals;
import io.interestengine.BatchRequest;
import io.interestengine.Model;
import io.interestengine.graph.Field;
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

    /** One user with a full history of T events and {@code n} candidates; ids uniform over each field's table. */
    public static RankingRequest ranking(Model m, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int T = Internals.graph(m).sequences().get(0).maxLength();
        RankingRequest q = m.newRankingRequest();
        for (Field f : Internals.graph(m).fields()) {
            if (f.isDerived()) continue;
            switch (f.group()) {
                case USER -> {
                    if (f.isDense()) q.userDense(f.name(), gauss(f.denseWidth(), r));
                    else q.user(f.name(), r.nextInt(f.table().rows()));
                }
                case HISTORY -> q.history(f.name(), ids(T, f, r), T);
                case CANDIDATE -> {
                    if (f.isDense()) q.candidateDense(f.name(), gauss(n * f.denseWidth(), r), n);
                    else q.candidates(f.name(), ids(n, f, r), n);
                }
            }
        }
        return q;
    }

    private static int[] ids(int n, Field f, SplittableRandom r) {
        int[] v = new int[n];
        for (int k = 0; k < n; k++) v[k] = r.nextInt(f.table().rows());
        return v;
    }

    private static float[] gauss(int n, SplittableRandom r) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) v[k] = (float) r.nextGaussian();
        return v;
    }

    /** History length of sample {@code s} of a batch made with {@code seed}. */
    public static int[] batchLengths(int b, int T, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] len = new int[b];
        for (int s = 0; s < b; s++) len[s] = 1 + r.nextInt(T);
        return len;
    }

    /** {@code b} independent samples, history lengths uniform in [1, T] ({@link #batchLengths}). */
    public static BatchRequest batch(Model m, int b, long seed) {
        int T = Internals.graph(m).sequences().get(0).maxLength();
        int[] lens = batchLengths(b, T, seed);
        SplittableRandom r = new SplittableRandom(seed + 1);
        BatchRequest q = m.newBatchRequest().reset(b);
        for (int s = 0; s < b; s++) {
            for (Field f : Internals.graph(m).fields()) {
                if (f.isDerived()) continue;
                switch (f.group()) {
                    case USER -> {
                        if (f.isDense()) q.userDense(s, f.name(), gauss(f.denseWidth(), r));
                        else q.user(s, f.name(), r.nextInt(f.table().rows()));
                    }
                    case HISTORY -> q.history(s, f.name(), ids(lens[s], f, r), lens[s]);
                    case CANDIDATE -> {
                        if (f.isDense()) q.candidateDense(s, f.name(), gauss(f.denseWidth(), r));
                        else q.candidate(s, f.name(), r.nextInt(f.table().rows()));
                    }
                }
            }
        }
        return q;
    }
}
