package io.interestengine.scalar;

import io.interestengine.cpu.CpuSession;
import io.interestengine.format.Tensor;
import io.interestengine.graph.EmbeddingOp;
import io.interestengine.spi.Step;

/** Table lookup: one row copied per id (ids are checked and padded by the executor). */
final class ScalarEmbedding {
    private ScalarEmbedding() {
    }

    static Step step(EmbeddingOp op, float[] f, int[] ints, int idsOff, int outOff) {
        Tensor table = op.field().table().data();
        int dim = op.field().table().dim();
        int perRow = op.out().length();
        return (users, cands) -> {
            int n = CpuSession.rows(op.out(), users, cands) * perRow;
            for (int r = 0; r < n; r++) {
                long base = (long) ints[idsOff + r] * dim;
                for (int j = 0; j < dim; j++) f[outOff + r * dim + j] = table.f(base + j);
            }
        };
    }
}
