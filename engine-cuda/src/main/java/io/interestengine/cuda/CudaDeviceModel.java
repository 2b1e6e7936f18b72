package io.interestengine.cuda;

import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
import io.interestengine.graph.Table;
import io.interestengine.spi.DeviceModel;
import io.interestengine.spi.DeviceSession;
import io.interestengine.spi.PlanLayout;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A model resident on one GPU: the driver (context and loaded kernels), every embedding table and layer in
 * device memory. Shared by all sessions (each has its own stream and workspace); closed by the model after
 * its sessions. Loading is all or nothing: a failure frees what was already resident.
 */
final class CudaDeviceModel implements DeviceModel {
    final ModelGraph graph;
    final Driver driver;
    final boolean tf32 = Boolean.getBoolean("interestengine.cuda.tf32");
    final boolean debugSync = Boolean.getBoolean("interestengine.cuda.sync");
    final boolean graphs = !"false".equalsIgnoreCase(System.getProperty("interestengine.cuda.graphs"));
    private final Map<Table, DeviceBuffer> tables = new IdentityHashMap<>();
    private final Map<Op, DeviceLayer> dense = new IdentityHashMap<>();
    private final Map<Op, AttentionWeights> attention = new IdentityHashMap<>();
    private final Map<Op, RecurrentWeights> gru = new IdentityHashMap<>();
    private final Map<Op, MemoryWeights> mimn = new IdentityHashMap<>();
    private boolean closed;

    /** Takes ownership of {@code driver}: closing the model (or a failed load) closes it. */
    CudaDeviceModel(ModelGraph graph, Driver driver) {
        this.graph = graph;
        this.driver = driver;
        try {
            driver.makeCurrent();
            for (Table t : graph.tables().values()) tables.put(t, DeviceBuffer.of(driver, t.data().data(), "table '" + t.name() + "'"));
            for (Op op : graph.ops()) {
                if (op instanceof Op.Dense d) dense.put(op, new DeviceLayer(driver, d.layer(), d.layer().weight(), true, "dense '" + d.out().name() + "'"));
                if (op instanceof Op.Attention a) attention.put(op, new AttentionWeights(driver, a, "attention '" + a.out().name() + "'"));
                if (op instanceof Op.Gru r) gru.put(op, new RecurrentWeights(driver, r.cell(), "gru '" + r.out().name() + "'"));
                if (op instanceof Op.Mimn m) mimn.put(op, new MemoryWeights(driver, m, "mimn '" + m.out().name() + "'"));
            }
        } catch (RuntimeException | Error e) {
            try {
                freeWeights();
            } finally {
                driver.close();
            }
            throw e;
        }
    }

    DeviceBuffer table(Table t) {
        return tables.get(t);
    }

    DeviceLayer dense(Op.Dense op) {
        return dense.get(op);
    }

    AttentionWeights attention(Op.Attention op) {
        return attention.get(op);
    }

    RecurrentWeights gru(Op.Gru op) {
        return gru.get(op);
    }

    MemoryWeights mimn(Op.Mimn op) {
        return mimn.get(op);
    }

    @Override
    public DeviceSession openSession(PlanLayout layout) {
        if (closed) throw new IllegalStateException("CUDA model '" + graph.name() + "' is closed");
        return new CudaSession(this, layout);
    }

    private void freeWeights() {
        tables.values().forEach(DeviceBuffer::close);
        dense.values().forEach(DeviceLayer::close);
        attention.values().forEach(AttentionWeights::close);
        gru.values().forEach(RecurrentWeights::close);
        mimn.values().forEach(MemoryWeights::close);
        tables.clear();
        gru.clear();
        mimn.clear();
        dense.clear();
        attention.clear();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            driver.makeCurrent();
            freeWeights();
        } finally {
            driver.close();
        }
    }
}
