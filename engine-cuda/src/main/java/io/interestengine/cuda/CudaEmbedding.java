package io.interestengine.cuda;

import io.interestengine.graph.EmbeddingOp;
import io.interestengine.spi.Step;

/** Table lookup: ie_gather over every id of the field (a history field: users·T ids, padded by the executor). */
final class CudaEmbedding {
    private CudaEmbedding() {
    }

    static Step step(CudaSession s, EmbeddingOp op, int idsOff, int outOff) {
        DeviceBuffer table = s.model.table(op.field().table());
        int dim = op.field().table().dim(), perRow = op.out().length();
        int[] n = {0};
        Launch l = new Launch(s.driver, KernelAbi.GATHER, "embedding '" + op.out().name() + "'", table.ptr(), s.i(idsOff), s.f(outOff), n, dim);
        return (users, cands) -> {
            n[0] = CudaSession.rows(op.out(), users, cands) * perRow;
            s.enqueue(l.cover((long) n[0] * dim, 256), users, cands);
        };
    }
}
