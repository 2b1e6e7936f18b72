package io.interestengine.cpu;

import io.interestengine.graph.Output;
import io.interestengine.graph.Scope;
import io.interestengine.spi.Step;

/** The final score per candidate: sigmoid of one logit, one entry of a 2-way softmax, or the value itself. */
final class CpuOutput {
    private CpuOutput() {
    }

    static Step step(Output o, float[] f, int[] ints, int inOff, int scoresOff, int rowMapOff) {
        int w = o.in().width();
        return (users, cands) -> {
            for (int c = 0; c < cands; c++) {
                int r = inOff + CpuSession.src(o.in(), Scope.CANDIDATE, ints, rowMapOff, c) * w;
                f[scoresOff + c] = score(o, f, r);
            }
        };
    }

    /** Shared by every CPU backend: the output is a few floats per candidate. */
    public static float score(Output o, float[] f, int r) {
        return switch (o.kind()) {
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-f[r])));
            case IDENTITY -> f[r];
            case SOFTMAX2 -> {
                float a = f[r], b = f[r + 1], m = Math.max(a, b);
                double ea = Math.exp(a - m), eb = Math.exp(b - m);
                yield (float) ((o.index() == 0 ? ea : eb) / (ea + eb)) + o.epsilon();
            }
        };
    }
}
