package io.interestengine.scalar;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
import io.interestengine.spi.Step;

/**
 * Sum or mean over a sequence. Masked pooling covers the real positions only; unmasked covers all T
 * (padding rows included, as mouna99's history sum does). A masked mean over an empty history is zero.
 */
final class ScalarPool {
    private ScalarPool() {
    }

    static Step step(ModelGraph g, Op.Pool op, float[] f, int[] ints, int inOff, int outOff, int lengthsOff, int rowMapOff) {
        int T = op.in().length(), w = op.in().width();
        boolean masked = op.masked() && op.in().masked();
        return (users, cands) -> {
            int rows = CpuSession.rows(op.out(), users, cands);
            for (int r = 0; r < rows; r++) {
                int len = masked ? ints[lengthsOff + CpuSession.userRow(op.in(), ints, rowMapOff, r)] : T;
                int t0 = masked ? CpuSession.first(g, len) : 0;
                for (int j = 0; j < w; j++) {
                    float s = 0f;
                    for (int t = t0; t < t0 + len; t++) s += f[inOff + (r * T + t) * w + j];
                    if (op.mean()) {
                        float d = masked ? len + op.meanEps() : T;
                        s = d == 0f ? 0f : s / d;
                    }
                    f[outOff + r * w + j] = s;
                }
            }
        };
    }
}
