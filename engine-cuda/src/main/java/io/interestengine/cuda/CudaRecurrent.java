package io.interestengine.cuda;

import io.interestengine.graph.GruOp;
import io.interestengine.graph.Scope;
import io.interestengine.graph.Value;
import io.interestengine.spi.Step;

/**
 * The GRU op family (plain GRU, AUGRU in both forms, AGRU, AIGRU) in two or three launches: (AIGRU only) the
 * input scaled by the attention weights, the input projection of all steps as one GEMM, then ie_gru_seq, which
 * runs the whole sequence per row with the recurrent weights in shared memory. For DIEN's evolution layer the
 * input is the user's extractor output and the attention is per candidate: the projection runs once per
 * request and every candidate's recurrence reads it through the row map.
 */
final class CudaRecurrent implements Step {
    /** Shared memory a block may use without opting in. */
    private static final int SHARED_LIMIT = 48 * 1024;

    private final CudaSession s;
    private final GruOp op;
    private final Launch scale, project, recur;
    private final int[] scaleRows = {0}, projRows = {0}, rows = {0};
    private final int hidden;

    CudaRecurrent(CudaSession s, GruOp op, int inOff, int attOff, int outOff, int lengthsOff) {
        this.s = s;
        this.op = op;
        RecurrentWeights w = s.model.gru(op);
        Value in = op.in(), out = op.out();
        int T = in.length(), W = in.width(), H = w.hidden;
        hidden = H;
        String name = "gru '" + out.name() + "'";
        int maxU = s.layout.maxUsers(), maxC = s.layout.maxCandidates();
        Long src = s.f(inOff), xMap = s.map(in, out);
        boolean aigru = op.form() == GruOp.AttentionForm.AIGRU;
        if (aigru) {
            // The attention scales the input before the projection (the bias is not scaled).
            DeviceBuffer scaled = s.scratch((long) (out.scope() == Scope.USER ? maxU : maxC) * T * W, name + " scaled input");
            scale = new Launch(s.driver, KernelAbi.SCALE_ROWS, name + " input scaling", s.f(inOff), s.f(attOff), scaled.ptr(), xMap, scaleRows, T, W);
            src = scaled.ptr();
            xMap = null;
        } else {
            scale = null;
        }
        Value projected = aigru ? out : in;
        DeviceBuffer xproj = s.scratch((long) (projected.scope() == Scope.USER ? maxU : maxC) * T * 3 * H, name + " input projection");
        project = CudaDense.bind(s, w.x, src, xproj.ptr(), projRows, false, name + " input projection");
        int mode = switch (op.form()) {
            case NONE, AIGRU -> 0;
            case AUGRU_KEEP -> 1;
            case AGRU -> 2;
            case AUGRU_UPDATE -> 3;
        };
        long sharedW = 4L * (5 * H + 3L * H * H);
        boolean whShared = sharedW <= SHARED_LIMIT;
        recur = new Launch(s.driver, KernelAbi.GRU_SEQ, name, xproj.ptr(), xMap, mode == 0 ? null : s.f(attOff), w.wh.ptr(), DeviceLayer.ptr(w.bh),
                op.returnSequence() ? s.f(outOff) : null, op.returnSequence() ? null : s.f(outOff), s.i(lengthsOff),
                out.scope() == Scope.CANDIDATE ? s.i(s.rowMapOff) : null, rows, T, H, w.tf ? 0 : 1, mode, in.masked() ? 1 : 0,
                CudaSession.leftPadded(in) ? 1 : 0, whShared ? 1 : 0);
        recur.block = Math.min(256, Math.max(32, (3 * H + 31) / 32 * 32));
        recur.shared = (int) (whShared ? sharedW : 4L * 5 * H);
    }

    @Override
    public void run(int users, int cands) {
        int T = op.in().length();
        rows[0] = CudaSession.rows(op.out(), users, cands);
        if (scale != null) {
            scaleRows[0] = rows[0];
            s.enqueue(scale.cover((long) rows[0] * T * op.in().width(), 256), users, cands);
            projRows[0] = rows[0] * T;
        } else {
            projRows[0] = CudaSession.rows(op.in(), users, cands) * T;
        }
        s.enqueue(CudaDense.grid(project, projRows[0], 3 * hidden), users, cands);
        recur.gridX = rows[0];
        s.enqueue(recur, users, cands);
    }
}
