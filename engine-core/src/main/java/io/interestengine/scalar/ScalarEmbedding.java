package io.interestengine.scalar;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.EmbeddingOp;
import io.interestengine.graph.Table;
import io.interestengine.spi.Step;

/** Table lookup: one row converted to fp32 per id (ids are checked and padded by the executor). */
final class ScalarEmbedding {
    private ScalarEmbedding() {
    }

    static Step step(EmbeddingOp op, float[] f, int[] ints, int idsOff, int outOff) {
        Table table = op.field().table();
        int dim = table.dim();
        int perRow = op.out().length();
        return (users, cands) -> {
            int n = CpuSession.rows(op.out(), users, cands) * perRow;
            for (int r = 0; r < n; r++) table.gather(ints[idsOff + r], f, outOff + r * dim);
        };
    }
}
