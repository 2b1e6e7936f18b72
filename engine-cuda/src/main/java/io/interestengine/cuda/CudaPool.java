package io.interestengine.cuda;

import io.interestengine.graph.PoolOp;
import io.interestengine.graph.Scope;
import io.interestengine.spi.Step;

/**
 * Sum or mean pooling of a sequence (masked by the history length or over all T). A candidate-scope sequence
 * (attention weights) takes its length from its user's row, through the row map.
 */
final class CudaPool {
    private CudaPool() {
    }

    static Step step(CudaSession s, PoolOp op, int inOff, int outOff, int lengthsOff) {
        int T = op.in().length(), w = op.in().width();
        boolean masked = op.masked();
        int[] rows = {0};
        Launch l = new Launch(s.driver, KernelAbi.POOL, "pool '" + op.out().name() + "'",
                s.f(inOff), s.f(outOff), s.i(lengthsOff), op.in().scope() == Scope.CANDIDATE ? s.i(s.rowMapOff) : null,
                rows, T, w, masked ? 1 : 0, op.mean() ? 1 : 0, op.meanEps(), CudaSession.leftPadded(op.in()) ? 1 : 0);
        return (users, cands) -> {
            rows[0] = CudaSession.rows(op.out(), users, cands);
            s.enqueue(l.cover((long) rows[0] * w, 256), users, cands);
        };
    }
}
