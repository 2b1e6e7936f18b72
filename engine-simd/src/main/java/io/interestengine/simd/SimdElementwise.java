package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.BinaryOp;
import io.interestengine.graph.Value;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * Elementwise product and sum in vectors; user-scope inputs broadcast to candidate rows through the row map.
 * Concatenation is the scalar backend's ({@link System#arraycopy}, which the JIT already turns into vector moves).
 */
final class SimdElementwise {
    private SimdElementwise() {
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
                int o = outOff + r * w;
                for (int j = 0; j < w; j += L) {
                    if (j + L <= w) {
                        FloatVector x = FloatVector.fromArray(S, f, a + j), y = FloatVector.fromArray(S, f, b + j);
                        (mul ? x.mul(y) : x.add(y)).intoArray(f, o + j);
                    } else {
                        VectorMask<Float> m = S.indexInRange(j, w);
                        FloatVector x = FloatVector.fromArray(S, f, a + j, m), y = FloatVector.fromArray(S, f, b + j, m);
                        (mul ? x.mul(y) : x.add(y)).intoArray(f, o + j, m);
                    }
                }
            }
        };
    }
}
