package io.interestengine.scalar;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.Activation;
import io.interestengine.graph.Layer;
import io.interestengine.graph.DenseOp;
import io.interestengine.spi.Step;

/** {@code y = act(W·x + b)} row by row, the definition itself. */
final class ScalarDense {
    private ScalarDense() {
    }

    static Step step(DenseOp op, float[] f, int inOff, int outOff) {
        Layer l = op.layer();
        return (users, cands) -> {
            int rows = CpuSession.rows(op.out(), users, cands);
            for (int r = 0; r < rows; r++) apply(l, f, inOff + r * l.in(), f, outOff + r * l.out());
        };
    }

    /** One row through one layer; {@code x} and {@code y} must not overlap. */
    static void apply(Layer l, float[] x, int xo, float[] y, int yo) {
        int in = l.in();
        float[] w = l.weight();
        for (int o = 0; o < l.out(); o++) {
            float acc = l.bias()[o];
            for (int k = 0; k < in; k++) acc += w[o * in + k] * x[xo + k];
            y[yo + o] = Activation.apply(l.activation(), o, acc);
        }
    }
}
