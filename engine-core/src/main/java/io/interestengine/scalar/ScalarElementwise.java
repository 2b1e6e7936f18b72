package io.interestengine.scalar;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.BinaryOp;
import io.interestengine.graph.ConcatOp;
import io.interestengine.graph.FlattenOp;
import io.interestengine.graph.ReduceSumOp;
import io.interestengine.graph.SumOp;
import io.interestengine.graph.Value;
import io.interestengine.spi.Step;

/**
 * Concatenation, elementwise product/sum, the n-ary sum, the sum of a vector's entries and flatten, broadcasting
 * user-scope inputs to candidate rows.
 */
final class ScalarElementwise {
    private ScalarElementwise() {
    }

    static Step concat(ConcatOp op, float[] f, int[] ints, int[] inOffs, int outOff, int rowMapOff) {
        Value out = op.out();
        Value[] in = op.in().toArray(new Value[0]);
        int T = out.length(), W = out.width();
        return (users, cands) -> {
            int rows = CpuSession.rows(out, users, cands);
            for (int r = 0; r < rows; r++) {
                int col = 0;
                for (int k = 0; k < in.length; k++) {
                    int w = in[k].width();
                    int sr = CpuSession.src(in[k], out.scope(), ints, rowMapOff, r);
                    for (int t = 0; t < T; t++) System.arraycopy(f, inOffs[k] + (sr * T + t) * w, f, outOff + (r * T + t) * W + col, w);
                    col += w;
                }
            }
        };
    }

    static Step binary(BinaryOp op, float[] f, int[] ints, int aOff, int bOff, int outOff, int rowMapOff) {
        Value out = op.out();
        int w = out.width();
        boolean mul = op.operation() == BinaryOp.Kind.MUL;
        return (users, cands) -> {
            int rows = CpuSession.rows(out, users, cands);
            for (int r = 0; r < rows; r++) {
                int a = aOff + CpuSession.src(op.a(), out.scope(), ints, rowMapOff, r) * w;
                int b = bOff + CpuSession.src(op.b(), out.scope(), ints, rowMapOff, r) * w;
                for (int j = 0; j < w; j++) f[outOff + r * w + j] = mul ? f[a + j] * f[b + j] : f[a + j] + f[b + j];
            }
        };
    }

    static Step sum(SumOp op, float[] f, int[] ints, int[] inOffs, int outOff, int rowMapOff) {
        Value out = op.out();
        Value[] in = op.in().toArray(new Value[0]);
        int w = out.width();
        return (users, cands) -> {
            int rows = CpuSession.rows(out, users, cands);
            for (int r = 0; r < rows; r++) {
                int o = outOff + r * w;
                System.arraycopy(f, inOffs[0] + CpuSession.src(in[0], out.scope(), ints, rowMapOff, r) * w, f, o, w);
                for (int k = 1; k < in.length; k++) {
                    int a = inOffs[k] + CpuSession.src(in[k], out.scope(), ints, rowMapOff, r) * w;
                    for (int j = 0; j < w; j++) f[o + j] += f[a + j];
                }
            }
        };
    }

    static Step reduceSum(ReduceSumOp op, float[] f, int inOff, int outOff) {
        int w = op.in().width();
        return (users, cands) -> {
            int rows = CpuSession.rows(op.out(), users, cands);
            for (int r = 0; r < rows; r++) {
                float s = 0f;
                for (int j = 0; j < w; j++) s += f[inOff + r * w + j];
                f[outOff + r] = s;
            }
        };
    }

    /** A sequence's rows are already contiguous, {@code [T, w]} per row: the copy is the whole op. */
    static Step flatten(FlattenOp op, float[] f, int inOff, int outOff) {
        int w = op.out().width();
        return (users, cands) -> System.arraycopy(f, inOff, f, outOff, CpuSession.rows(op.out(), users, cands) * w);
    }
}
