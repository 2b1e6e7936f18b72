package io.interestengine.simd;

import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
import io.interestengine.spi.DeviceModel;
import io.interestengine.spi.DeviceSession;
import io.interestengine.spi.KernelTable;
import io.interestengine.spi.PlanLayout;

import java.util.concurrent.ForkJoinPool;

/**
 * A model's weights in the SIMD kernels' layouts, prepared once at load by each op's kernel and shared
 * read-only by every session (dense layers packed for the GEMM, attention first layers split into query, key
 * and product blocks, GRU gates split into input and state sides, MIMN layers packed). Owns the worker pool
 * of intra-request parallelism when that is enabled.
 */
final class SimdModel implements DeviceModel {
    private final KernelTable.Prepared prepared;
    private final int threads;
    private final ForkJoinPool pool;

    SimdModel(ModelGraph graph, int threads) {
        if (threads < 1) throw new IllegalArgumentException("intra-request threads " + threads + ": at least 1");
        this.threads = threads;
        this.prepared = SimdKernels.TABLE.prepare(this, graph);
        this.pool = threads > 1 ? new ForkJoinPool(threads - 1) : null;
    }

    /** The weights {@code op}'s kernel prepared at load. */
    <T> T prepared(Op op) {
        return prepared.get(op);
    }

    @Override
    public DeviceSession openSession(PlanLayout layout) {
        return new SimdSession(layout, this, new Parallel(threads, pool));
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
        prepared.close();
    }
}
