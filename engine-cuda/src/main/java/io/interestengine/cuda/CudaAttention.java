package io.interestengine.cuda;

import io.interestengine.graph.AttentionOp;
import io.interestengine.graph.Scope;
import io.interestengine.graph.Value;
import io.interestengine.spi.Step;

/**
 * DIN attention in three launches: the key projection (Wk−Wd)·k for every key position and the query
 * projection (Wq+Wd)·q + b1 for every query row (both GEMMs, each row once even when broadcast), then
 * ie_attention, which per output row finishes the first layer with Wp·(q⊙k), runs the remaining layers,
 * masks and normalises the scores and pools the keys (or writes the weights). With user-scope keys the key
 * projection is per request, not per candidate.
 */
final class CudaAttention implements Step {
    private final CudaSession s;
    private final AttentionOp op;
    private final Launch keyProj, queryProj, fused;
    private final int[] keyRows = {0}, queryRows = {0}, rows = {0};
    private final int hidden;

    CudaAttention(CudaSession s, AttentionOp op, int queryOff, int keysOff, int outOff, int lengthsOff) {
        this.s = s;
        this.op = op;
        AttentionWeights w = s.model.attention(op);
        Value q = op.query(), k = op.keys(), out = op.out();
        int T = k.length(), d = k.width();
        hidden = w.hidden;
        String name = "attention '" + out.name() + "'";
        int maxU = s.layout.maxUsers(), maxC = s.layout.maxCandidates();
        DeviceBuffer kp = s.scratch((long) (k.scope() == Scope.USER ? maxU : maxC) * T * hidden, name + " key projection");
        DeviceBuffer qp = s.scratch((long) (q.scope() == Scope.USER ? maxU : maxC) * hidden, name + " query projection");
        keyProj = CudaDense.bind(s, w.key, s.f(keysOff), kp.ptr(), keyRows, false, name + " key projection");
        queryProj = CudaDense.bind(s, w.query, s.f(queryOff), qp.ptr(), queryRows, false, name + " query projection");
        fused = new Launch(s.driver, KernelAbi.ATTENTION, name, s.f(queryOff), s.f(keysOff), qp.ptr(), kp.ptr(), w.blob.ptr(), w.desc.ptr(), w.layers,
                s.f(outOff), s.i(lengthsOff), s.map(q, out), s.map(k, out), out.scope() == Scope.CANDIDATE ? s.i(s.rowMapOff) : null,
                rows, T, d, op.normalization() == AttentionOp.Normalization.SOFTMAX ? 1 : 0, op.scale(), op.mask() ? 1 : 0,
                CudaSession.leftPadded(k) ? 1 : 0, op.returnWeights() ? 1 : 0);
        fused.block = 128;
        fused.shared = 4 * (T + 32);
    }

    @Override
    public void run(int users, int cands) {
        int T = op.keys().length();
        keyRows[0] = CudaSession.rows(op.keys(), users, cands) * T;
        queryRows[0] = CudaSession.rows(op.query(), users, cands);
        rows[0] = CudaSession.rows(op.out(), users, cands);
        s.enqueue(CudaDense.grid(keyProj, keyRows[0], hidden), users, cands);
        s.enqueue(CudaDense.grid(queryProj, queryRows[0], hidden), users, cands);
        fused.gridX = rows[0];
        s.enqueue(fused, users, cands);
    }
}
