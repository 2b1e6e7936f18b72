package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.SequenceGroup;
import io.interestengine.graph.PoolOp;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * Sum or mean over a sequence with the scalar backend's masking rules, vectors across the width and the
 * positions summed in order inside each lane (the same order as the reference, so sums agree to the bit
 * before the mean's division).
 */
final class SimdPool implements Step {
    private final SequenceGroup g;
    private final PoolOp op;
    private final float[] f;
    private final int[] ints;
    private final int inOff, outOff, lengthsOff, rowMapOff, T, w;
    private final boolean masked;

    SimdPool(SequenceGroup g, PoolOp op, float[] f, int[] ints, int inOff, int outOff, int lengthsOff, int rowMapOff) {
        this.g = g;
        this.op = op;
        this.f = f;
        this.ints = ints;
        this.inOff = inOff;
        this.outOff = outOff;
        this.lengthsOff = lengthsOff;
        this.rowMapOff = rowMapOff;
        T = op.in().length();
        w = op.in().width();
        masked = op.masked() && op.in().masked();
    }

    /** What a row's sum is divided by: 1 for a sum; for a mean its real positions (plus ε) or T; 0 gives zero. */
    static float divisor(PoolOp op, boolean masked, int len, int T) {
        if (!op.mean()) return 1f;
        return masked ? len + op.meanEps() : T;
    }

    @Override
    public void run(int users, int cands) {
        int rows = CpuSession.rows(op.out(), users, cands);
        for (int r = 0; r < rows; r++) {
            int len = masked ? ints[lengthsOff + CpuSession.userRow(op.in(), ints, rowMapOff, r)] : T;
            int t0 = masked ? g.first(len) : 0;
            float div = divisor(op, masked, len, T);
            boolean zero = div == 0f;
            int base = inOff + (r * T + t0) * w, out = outOff + r * w;
            for (int j = 0; j < w; j += L) {
                boolean full = j + L <= w;
                VectorMask<Float> m = full ? S.maskAll(true) : S.indexInRange(j, w);
                FloatVector acc = FloatVector.zero(S);
                for (int t = 0, o = base + j; t < len; t++, o += w) acc = acc.add(full ? FloatVector.fromArray(S, f, o) : FloatVector.fromArray(S, f, o, m));
                if (op.mean()) acc = zero ? FloatVector.zero(S) : acc.div(div);
                if (full) acc.intoArray(f, out + j);
                else acc.intoArray(f, out + j, m);
            }
        }
    }
}
