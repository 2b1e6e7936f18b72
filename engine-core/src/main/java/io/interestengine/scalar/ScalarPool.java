package io.interestengine.scalar;

import io.interestengine.cpu.CpuSession;
import io.interestengine.cpu.SeqMask;
import io.interestengine.graph.MaxPoolOp;
import io.interestengine.graph.PoolOp;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;

/**
 * Sum, mean and max over a sequence. Masked sum/mean cover the real positions only (in position order);
 * unmasked cover all T (padding rows included, as mouna99's history sum does). Max takes every position,
 * padded ones lowered by {@link MaxPoolOp#PENALTY} (DeepCTR-Torch).
 */
final class ScalarPool {
    private ScalarPool() {
    }

    static Step step(PoolOp op, float[] f, int[] ints, Bindings b) {
        int T = op.in().length(), w = op.in().width(), inOff = b.off(op.in()), outOff = b.off(op.out());
        SeqMask mask = SeqMask.of(op.in(), op.masked(), b);
        return (users, cands) -> {
            int rows = CpuSession.rows(op.out(), users, cands);
            for (int r = 0; r < rows; r++) {
                int len = mask.length(ints, r);
                for (int j = 0; j < w; j++) {
                    float s = 0f;
                    for (int t = 0; t < T; t++) if (mask.real(ints, r, t)) s += f[inOff + (r * T + t) * w + j];
                    if (op.mean()) {
                        float d = op.masked() ? len + op.meanEps() : T;
                        s = d == 0f ? 0f : s / d;
                    }
                    f[outOff + r * w + j] = s;
                }
            }
        };
    }

    static Step max(MaxPoolOp op, float[] f, int[] ints, Bindings b) {
        int T = op.in().length(), w = op.in().width(), inOff = b.off(op.in()), outOff = b.off(op.out());
        SeqMask mask = SeqMask.of(op.in(), true, b);
        return (users, cands) -> {
            int rows = CpuSession.rows(op.out(), users, cands);
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < w; j++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int t = 0; t < T; t++) {
                        float x = f[inOff + (r * T + t) * w + j];
                        m = Math.max(m, mask.real(ints, r, t) ? x : x - MaxPoolOp.PENALTY);
                    }
                    f[outOff + r * w + j] = m;
                }
            }
        };
    }
}
