package io.interestengine.cuda;

import io.interestengine.graph.BinaryOp;
import io.interestengine.graph.ConcatOp;
import io.interestengine.graph.Value;
import io.interestengine.spi.Step;

/** Concatenation (one copy kernel per input, each at its column) and elementwise product/sum, broadcasting user-scope inputs through the row map. */
final class CudaElementwise {
    private CudaElementwise() {
    }

    static Step concat(CudaSession s, ConcatOp op, int[] inOffs, int outOff) {
        Value out = op.out();
        int T = out.length(), W = out.width();
        int[] rows = {0};
        Launch[] parts = new Launch[inOffs.length];
        int col = 0;
        for (int k = 0; k < parts.length; k++) {
            Value in = op.in().get(k);
            parts[k] = new Launch(s.driver, KernelAbi.CONCAT_PART, "concat '" + out.name() + "' input '" + in.name() + "'",
                    s.f(inOffs[k]), s.f(outOff), s.map(in, out), rows, T, in.width(), W, col);
            col += in.width();
        }
        return (users, cands) -> {
            rows[0] = CudaSession.rows(out, users, cands);
            for (int k = 0; k < parts.length; k++) {
                s.enqueue(parts[k].cover((long) rows[0] * T * op.in().get(k).width(), 256), users, cands);
            }
        };
    }

    static Step binary(CudaSession s, BinaryOp op, int aOff, int bOff, int outOff) {
        Value out = op.out();
        int w = out.width();
        int[] rows = {0};
        Launch l = new Launch(s.driver, KernelAbi.BINARY, op.kind() + " '" + out.name() + "'",
                s.f(aOff), s.f(bOff), s.f(outOff), s.map(op.a(), out), s.map(op.b(), out), rows, w, op.operation() == BinaryOp.Kind.MUL ? 1 : 0);
        return (users, cands) -> {
            rows[0] = CudaSession.rows(out, users, cands);
            s.enqueue(l.cover((long) rows[0] * w, 256), users, cands);
        };
    }
}
