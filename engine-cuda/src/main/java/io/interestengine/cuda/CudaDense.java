package io.interestengine.cuda;

import io.interestengine.graph.DenseOp;
import io.interestengine.graph.Value;
import io.interestengine.spi.Step;

/** A dense layer as one fused GEMM + bias + activation launch (TF32 tensor cores with -Dinterestengine.cuda.tf32=true). */
final class CudaDense {
    private CudaDense() {
    }

    static Step step(CudaSession s, DenseOp op, int inOff, int outOff) {
        DeviceLayer L = s.model.dense(op);
        Value out = op.out();
        int[] rows = {0};
        Launch l = bind(s, L, s.f(inOff), s.f(outOff), rows, true, "dense '" + out.name() + "'");
        return (users, cands) -> {
            rows[0] = CudaSession.rows(out, users, cands);
            s.enqueue(grid(l, rows[0], L.out), users, cands);
        };
    }

    /** A launch of layer {@code L} from x to y; {@code rows} is the per-request row holder. */
    static Launch bind(CudaSession s, DeviceLayer L, Long x, Long y, int[] rows, boolean withAct, String what) {
        KernelAbi k = s.model.tf32 ? KernelAbi.DENSE_TF32 : KernelAbi.DENSE;
        Launch l = new Launch(s.driver, k, what, x, L.w.ptr(), DeviceLayer.ptr(L.b), y, rows, L.in, L.out, withAct ? L.act : DeviceLayer.LINEAR,
                DeviceLayer.ptr(L.p0), DeviceLayer.ptr(L.p1), DeviceLayer.ptr(L.p2));
        l.block = k == KernelAbi.DENSE_TF32 ? 128 : 256;
        return l;
    }

    /** 64x64 output tiles: x over outputs, y over rows. */
    static Launch grid(Launch l, int rows, int out) {
        l.gridX = (out + 63) / 64;
        l.gridY = (rows + 63) / 64;
        return l;
    }
}
