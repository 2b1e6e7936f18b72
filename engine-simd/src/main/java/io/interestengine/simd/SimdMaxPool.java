package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.cpu.SeqMask;
import io.interestengine.graph.MaxPoolOp;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * Max over a sequence with the reference's rule (padded positions lowered by {@link MaxPoolOp#PENALTY}), vectors
 * across the width. Max is exact, so the result equals the scalar kernel's bit for bit.
 */
final class SimdMaxPool implements Step {
    private final MaxPoolOp op;
    private final SeqMask mask;
    private final float[] f;
    private final int[] ints;
    private final int inOff, outOff, T, w;

    SimdMaxPool(MaxPoolOp op, float[] f, int[] ints, Bindings b) {
        this.op = op;
        this.mask = SeqMask.of(op.in(), true, b);
        this.f = f;
        this.ints = ints;
        this.inOff = b.off(op.in());
        this.outOff = b.off(op.out());
        T = op.in().length();
        w = op.in().width();
    }

    @Override
    public void run(int users, int cands) {
        int rows = CpuSession.rows(op.out(), users, cands);
        FloatVector penalty = FloatVector.broadcast(S, MaxPoolOp.PENALTY);
        for (int r = 0; r < rows; r++) {
            int base = inOff + r * T * w, out = outOff + r * w;
            for (int j = 0; j < w; j += L) {
                boolean full = j + L <= w;
                VectorMask<Float> m = full ? S.maskAll(true) : S.indexInRange(j, w);
                FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                for (int t = 0, o = base + j; t < T; t++, o += w) {
                    FloatVector x = full ? FloatVector.fromArray(S, f, o) : FloatVector.fromArray(S, f, o, m);
                    acc = acc.max(mask.real(ints, r, t) ? x : x.sub(penalty));
                }
                if (full) acc.intoArray(f, out + j);
                else acc.intoArray(f, out + j, m);
            }
        }
    }
}
