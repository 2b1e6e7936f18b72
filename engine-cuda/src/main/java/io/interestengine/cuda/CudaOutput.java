package io.interestengine.cuda;

import io.interestengine.graph.Output;
import io.interestengine.graph.Value;
import io.interestengine.spi.Step;

/** The final score per candidate (sigmoid, one entry of a 2-way softmax plus epsilon, or identity). */
final class CudaOutput {
    private CudaOutput() {
    }

    static Step step(CudaSession s, Output o, int inOff, int scoresOff) {
        Value in = o.in();
        int kind = switch (o.kind()) {
            case SIGMOID -> 0;
            case SOFTMAX2 -> 1;
            case IDENTITY -> 2;
        };
        int[] cands = {0};
        Launch l = new Launch(s.driver, KernelAbi.OUTPUT, "output of '" + in.name() + "'", s.f(inOff), s.f(scoresOff),
                in.scope() == io.interestengine.graph.Scope.USER ? s.i(s.rowMapOff) : null, cands, in.width(), kind, o.index(), o.epsilon());
        return (users, c) -> {
            cands[0] = c;
            s.enqueue(l.cover(c, 128), users, c);
        };
    }
}
