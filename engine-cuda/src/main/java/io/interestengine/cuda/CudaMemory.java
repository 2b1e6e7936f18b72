package io.interestengine.cuda;

import io.interestengine.graph.MimnOp;
import io.interestengine.graph.MimnReadOp;
import io.interestengine.graph.Scope;
import io.interestengine.spi.Step;

/**
 * MIMN's memory network: the whole behaviour sequence of each user in one launch (ie_ntm_seq, one block per
 * user, the state in shared memory), writing the packed state, the mean memory and the MIU outputs; and the
 * prediction-time read with each candidate as input (ie_ntm_read).
 */
final class CudaMemory {
    private CudaMemory() {
    }

    static Step sequence(CudaSession s, MimnOp op, int inOff, int stateOff, int meanOff, int inductionOff, int lengthsOff) {
        MemoryWeights w = s.model.mimn(op);
        int T = op.in().length();
        int[] rows = {0};
        Launch l = new Launch(s.driver, KernelAbi.NTM_SEQ, "mimn '" + op.out().name() + "'", s.f(inOff), w.blob.ptr(), w.desc.ptr(), s.f(stateOff),
                w.layout.size(), s.f(meanOff), inductionOff < 0 ? null : s.f(inductionOff), null, s.i(lengthsOff), rows, T,
                CudaSession.leftPadded(op.in()) ? 1 : 0, op.clip());
        l.block = 128;
        return (users, cands) -> {
            rows[0] = CudaSession.rows(op.out(), users, cands);
            l.gridX = rows[0];
            s.enqueue(l, users, cands);
        };
    }

    static Step read(CudaSession s, MimnReadOp op, int stateOff, int queryOff, int outOff) {
        MemoryWeights w = s.model.mimn(op.mimn());
        int[] rows = {0};
        Launch l = new Launch(s.driver, KernelAbi.NTM_READ, "mimn_read '" + op.out().name() + "'", s.f(queryOff), w.blob.ptr(), w.desc.ptr(),
                s.f(stateOff), w.layout.size(), s.map(op.state(), op.out()), s.map(op.query(), op.out()), s.f(outOff), rows, op.mimn().clip());
        l.block = 128;
        return (users, cands) -> {
            rows[0] = CudaSession.rows(op.out(), users, cands);
            l.gridX = rows[0];
            s.enqueue(l, users, cands);
        };
    }

    static boolean userScope(MimnOp op) {
        return op.out().scope() == Scope.USER;
    }
}
