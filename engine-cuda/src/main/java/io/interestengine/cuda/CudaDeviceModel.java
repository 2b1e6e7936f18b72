package io.interestengine.cuda;

import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.AttentionOp;
import io.interestengine.graph.DenseOp;
import io.interestengine.graph.GruOp;
import io.interestengine.graph.MimnOp;
import io.interestengine.graph.Table;
import io.interestengine.spi.DeviceModel;
import io.interestengine.spi.KernelTable;
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
    private KernelTable.Prepared prepared;
    private boolean closed;

    /** Takes ownership of {@code driver}: closing the model (or a failed load) closes it. */
    CudaDeviceModel(ModelGraph graph, Driver driver) {
        this.graph = graph;
        this.driver = driver;
        try {
            driver.makeCurrent();
            for (Table t : graph.tables().values()) tables.put(t, CudaTables.upload(driver, t));
            prepared = CudaKernels.TABLE.prepare(this, graph);
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

    DeviceLayer dense(DenseOp op) {
        return prepared.get(op);
    }

    AttentionWeights attention(AttentionOp op) {
        return prepared.get(op);
    }

    RecurrentWeights gru(GruOp op) {
        return prepared.get(op);
    }

    MemoryWeights mimn(MimnOp op) {
        return prepared.get(op);
    }

    @Override
    public DeviceSession openSession(PlanLayout layout) {
        if (closed) throw new IllegalStateException("CUDA model '" + graph.name() + "' is closed");
        return new CudaSession(this, layout);
    }

    private void freeWeights() {
        tables.values().forEach(DeviceBuffer::close);
        tables.clear();
        if (prepared != null) prepared.close();
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
