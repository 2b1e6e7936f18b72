package io.interestengine.simd;

import io.interestengine.graph.MimnLayout;
import io.interestengine.graph.MimnOp;

/**
 * A MIMN memory network's weights in the SIMD kernels' layouts: the controller and Memory Induction Unit
 * cells split for {@link GruRows}, the head-parameter layer packed for the GEMM (in full for the memory's
 * steps; only the read head's key and β, its first {@code D + 1} outputs, for the prediction-time read), the
 * output layer, and the norms of the constant slot keys tanh(key_M). Built once at load, shared read-only.
 */
final class MimnWeights {
    final MimnOp op;
    final MimnLayout layout;
    /** Values per head, and all head parameters (read head, write head, erase, add). */
    final int per, params;
    final GruWeights ctrl;
    /** Null without the Memory Induction Unit. */
    final GruWeights miu;
    final Packed o2p, o2pRead, o2o;
    /** {@code ‖tanh(key_M)_j‖} per slot. */
    final float[] keyNorm;

    MimnWeights(MimnOp op) {
        this.op = op;
        layout = op.layout();
        int H = layout.controller(), m = layout.slots(), D = layout.memoryDim(), O = layout.outputDim();
        per = MimnLayout.perHead(D, op.shiftRange());
        params = 2 * per + 2 * D;
        int in = H + (op.utilReg() ? m : 0);
        ctrl = new GruWeights(op.controller());
        miu = op.miu() == null ? null : new GruWeights(op.miu());
        o2p = Packed.block(op.o2pWeight(), params, in, 0, in, null, 1f, op.o2pBias(), Act.NONE);
        // the rows of a row-major [params, in] matrix: its first D + 1 rows are the read head's key and β
        o2pRead = Packed.block(op.o2pWeight(), D + 1, in, 0, in, null, 1f, op.o2pBias(), Act.NONE);
        o2o = Packed.block(op.o2oWeight(), O, H + D, 0, H + D, null, 1f, op.o2oBias(), Act.NONE);
        keyNorm = new float[m];
        float[] k = op.keyM();
        for (int j = 0; j < m; j++) {
            float n = 0f;
            for (int c = 0; c < D; c++) n += k[j * D + c] * k[j * D + c];
            keyNorm[j] = (float) Math.sqrt(n);
        }
    }
}
