package io.interestengine.cuda;

import io.interestengine.graph.Activation;
import io.interestengine.graph.Layer;
import io.interestengine.graph.GruCell;

/**
 * A GRU cell's weights in the layout of ie_gru_seq: the input half of every gate as one dense layer
 * {@code Wx [3H, in]} with its bias (rows reset, update/z, candidate), evaluated for all steps at once, and the
 * recurrent half {@code Wh [3H, H]} (+ {@code bh} for the PyTorch cell, whose reset multiplies
 * {@code Wh_n·h + bh_n}). The TF cell's {@code gate [2H, in+H]} and {@code cand [H, in+H]} are split by column.
 */
final class RecurrentWeights implements AutoCloseable {
    final DeviceLayer x;
    final DeviceBuffer wh, bh;
    final boolean tf;
    final int in, hidden;

    RecurrentWeights(Driver d, GruCell w, String what) {
        tf = w.tf();
        in = w.in();
        hidden = w.hidden();
        int H = hidden, n = in + H;
        float[] wx, bx, whHost, bhHost = null;
        if (tf) {
            wx = new float[3 * H * in];
            whHost = new float[3 * H * H];
            bx = new float[3 * H];
            for (int o = 0; o < 3 * H; o++) {
                float[] src = o < 2 * H ? w.gate() : w.cand();
                int row = o < 2 * H ? o : o - 2 * H;
                System.arraycopy(src, row * n, wx, o * in, in);
                System.arraycopy(src, row * n + in, whHost, o * H, H);
                bx[o] = o < 2 * H ? w.gateBias()[o] : w.candBias()[o - 2 * H];
            }
        } else {
            wx = w.ih();
            bx = w.ihBias();
            whHost = w.hh();
            bhHost = w.hhBias();
        }
        DeviceLayer xl = null;
        DeviceBuffer a = null, b = null;
        try {
            xl = new DeviceLayer(d, new Layer(what + ".x", in, 3 * H, wx, bx, Activation.LINEAR), wx, true, what + " input projection");
            a = DeviceBuffer.of(d, whHost, what + " recurrent weights");
            if (bhHost != null) b = DeviceBuffer.of(d, bhHost, what + " recurrent bias");
        } catch (RuntimeException e) {
            if (xl != null) xl.close();
            if (a != null) a.close();
            throw e;
        }
        x = xl;
        wh = a;
        bh = b;
    }

    @Override
    public void close() {
        x.close();
        wh.close();
        if (bh != null) bh.close();
    }
}
