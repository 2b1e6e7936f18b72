package io.interestengine.scalar;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.Activation;
import io.interestengine.graph.CinOp;
import io.interestengine.graph.Layer;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;

/**
 * xDeepFM's CIN, the definition: per row and layer the outer products {@code Z[h·m + j][c]} of the hidden rows and
 * the fields, the 1×1 convolution summed over z in order then the bias and activation per output row, the kept rows
 * summed over the k channels into the output.
 */
final class ScalarCin {
    private ScalarCin() {
    }

    static Step step(CinOp op, float[] f, int[] ints, Bindings b) {
        ScalarInteraction.Fields x = ScalarInteraction.Fields.of(op.out(), op.in(), b);
        int m = op.in().size(), k = x.k(), outOff = b.off(op.out()), w = op.out().width();
        int widest = m;
        for (Layer l : op.layers()) widest = Math.max(widest, l.out());
        float[] x0 = new float[m * k], z = new float[widest * m * k], hid = new float[widest * k], y = new float[widest * k];
        return (users, cands) -> {
            int rows = CpuSession.rows(op.out(), users, cands);
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < m; j++) System.arraycopy(f, x.at(ints, j, r), x0, j * k, k);
                System.arraycopy(x0, 0, hid, 0, m * k);
                int h = m, col = outOff + r * w;
                for (int i = 0; i < op.layers().size(); i++) {
                    Layer l = op.layers().get(i);
                    for (int a = 0; a < h; a++) {
                        for (int j = 0; j < m; j++) {
                            for (int c = 0; c < k; c++) z[(a * m + j) * k + c] = hid[a * k + c] * x0[j * k + c];
                        }
                    }
                    int hm = h * m;
                    for (int o = 0; o < l.out(); o++) {
                        for (int c = 0; c < k; c++) {
                            float s = 0f;
                            for (int q = 0; q < hm; q++) s += l.weight()[o * hm + q] * z[q * k + c];
                            y[o * k + c] = Activation.apply(l.activation(), o, s + l.bias()[o]);
                        }
                    }
                    for (int o = op.directFrom(i); o < l.out(); o++) {
                        float s = 0f;
                        for (int c = 0; c < k; c++) s += y[o * k + c];
                        f[col++] = s;
                    }
                    h = op.hidden(i);
                    System.arraycopy(y, 0, hid, 0, h * k);
                }
            }
        };
    }
}
