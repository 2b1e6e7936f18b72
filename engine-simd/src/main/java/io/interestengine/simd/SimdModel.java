package io.interestengine.simd;

import io.interestengine.graph.Layer;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
import io.interestengine.spi.DeviceModel;
import io.interestengine.spi.DeviceSession;
import io.interestengine.spi.PlanLayout;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

/**
 * A model's weights in the SIMD kernels' layouts, prepared once at load and shared read-only by every
 * session: each dense layer packed for the GEMM, each attention unit's first layer split into its query,
 * key and product blocks, each GRU's gates split into input and state sides, each MIMN memory's layers packed. Owns the worker pool of intra-request parallelism when that is enabled.
 */
final class SimdModel implements DeviceModel {
    private final Map<Layer, Packed> dense = new IdentityHashMap<>();
    private final Map<Op.Attention, SplitAttention> attention = new IdentityHashMap<>();
    private final Map<Op.Gru, GruWeights> gru = new IdentityHashMap<>();
    private final Map<Op.Mimn, MimnWeights> mimn = new IdentityHashMap<>();
    private final int threads;
    private final ForkJoinPool pool;

    SimdModel(ModelGraph graph, int threads) {
        if (threads < 1) throw new IllegalArgumentException("intra-request threads " + threads + ": at least 1");
        this.threads = threads;
        for (Op op : graph.ops()) {
            if (op instanceof Op.Dense d) dense.put(d.layer(), Packed.of(d.layer()));
            if (op instanceof Op.Attention a) attention.put(a, new SplitAttention(a));
            if (op instanceof Op.Gru r) gru.put(r, new GruWeights(r.cell()));
            if (op instanceof Op.Mimn mm) mimn.put(mm, new MimnWeights(mm));
        }
        this.pool = threads > 1 ? new ForkJoinPool(threads - 1) : null;
    }

    Packed dense(Layer l) {
        return dense.get(l);
    }

    SplitAttention attention(Op.Attention a) {
        return attention.get(a);
    }

    GruWeights gru(Op.Gru op) {
        return gru.get(op);
    }

    MimnWeights mimn(Op.Mimn op) {
        return mimn.get(op);
    }

    @Override
    public DeviceSession openSession(PlanLayout layout) {
        return new SimdSession(layout, this, new Parallel(threads, pool));
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
