package io.interestengine.cuda;

import io.interestengine.graph.Layer;
import io.interestengine.graph.AttentionOp;

import java.util.ArrayList;
import java.util.List;

/**
 * An attention op's weights in the split form the kernels use. The first layer W1 [H1, 4d] over
 * {@code [q, k, q−k, q⊙k]} becomes {@code Wq' = Wq + Wd} (with the bias: the query projection),
 * {@code Wk' = Wk − Wd} (the key projection, no bias) and {@code Wp} (the product term, evaluated per position
 * by ie_attention). The remaining layers and every activation parameter go into one blob described by
 * {@code desc} (8 ints per layer, see attention.cu).
 */
final class AttentionWeights implements AutoCloseable {
    /** Per-thread buffer sizes of ie_attention (ATT_MAXH, ATT_MAXD). */
    static final int MAX_HIDDEN = 256, MAX_KEY_WIDTH = 256;

    final DeviceLayer query, key;
    final DeviceBuffer blob, desc;
    final int hidden, layers;

    AttentionWeights(Driver drv, AttentionOp op, String what) {
        List<Layer> ls = op.layers();
        Layer first = ls.getFirst();
        int d = op.keys().width(), h1 = first.out();
        hidden = h1;
        layers = ls.size();
        float[] w1 = first.weight(), wq = new float[h1 * d], wk = new float[h1 * d], wp = new float[h1 * d];
        for (int o = 0; o < h1; o++) {
            for (int j = 0; j < d; j++) {
                float q = w1[o * 4 * d + j], k = w1[o * 4 * d + d + j], df = w1[o * 4 * d + 2 * d + j], p = w1[o * 4 * d + 3 * d + j];
                wq[o * d + j] = q + df;
                wk[o * d + j] = k - df;
                wp[o * d + j] = p;
            }
        }
        List<Float> b = new ArrayList<>();
        int[] ds = new int[8 * ls.size()];
        for (int l = 0; l < ls.size(); l++) {
            Layer L = ls.get(l);
            float[][] p = DeviceLayer.params(L.activation());
            ds[8 * l] = l == 0 ? d : L.in();
            ds[8 * l + 1] = L.out();
            ds[8 * l + 2] = DeviceLayer.code(L.activation());
            ds[8 * l + 3] = append(b, l == 0 ? wp : L.weight());
            ds[8 * l + 4] = l == 0 ? -1 : append(b, L.bias());
            for (int k = 0; k < 3; k++) ds[8 * l + 5 + k] = p[k] == null ? -1 : append(b, p[k]);
        }
        float[] blobHost = new float[b.size()];
        for (int k = 0; k < blobHost.length; k++) blobHost[k] = b.get(k);
        DeviceLayer q = null, k = null;
        DeviceBuffer bl = null;
        try {
            q = new DeviceLayer(drv, new Layer(first.name() + ".q", d, h1, wq, first.bias(), io.interestengine.graph.Activation.LINEAR), wq, true, what + " query projection");
            k = new DeviceLayer(drv, new Layer(first.name() + ".k", d, h1, wk, first.bias(), io.interestengine.graph.Activation.LINEAR), wk, false, what + " key projection");
            bl = DeviceBuffer.of(drv, blobHost, what + " layers");
            desc = DeviceBuffer.of(drv, ds, what + " layer table");
        } catch (RuntimeException e) {
            if (q != null) q.close();
            if (k != null) k.close();
            if (bl != null) bl.close();
            throw e;
        }
        query = q;
        key = k;
        blob = bl;
    }

    private static int append(List<Float> b, float[] v) {
        int off = b.size();
        for (float x : v) b.add(x);
        return off;
    }

    @Override
    public void close() {
        query.close();
        key.close();
        blob.close();
        desc.close();
    }
}
