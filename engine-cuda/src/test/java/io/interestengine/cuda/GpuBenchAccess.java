package io.interestengine.cuda;

import io.interestengine.internal.Internals;
import io.interestengine.Model;
import io.interestengine.RankingRequest;

/** GpuBench's standard ranking request for tools outside this package. */
public final class GpuBenchAccess {
    private GpuBenchAccess() {
    }

    public static RankingRequest ranking(Model m, int candidates) {
        return GpuBench.ranking(m, candidates, Internals.graph(m).sequences().get(0).maxLength(), 1);
    }
}
