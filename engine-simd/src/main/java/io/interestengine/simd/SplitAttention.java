package io.interestengine.simd;

import io.interestengine.graph.Activation;
import io.interestengine.graph.Layer;
import io.interestengine.graph.AttentionOp;

import java.util.List;

/**
 * An attention unit's weights with the first layer split (DESIGN.md §3):
 * {@code W·[q; k; q−k; q⊙k] = (Wq+Wd)·q + (Wk−Wd)·k + Wp·(q⊙k)}. The key block (with the bias) runs once per
 * key row of a request, the query block once per query row, and only the product block remains per
 * (row, position), a {@code d × h1} instead of a {@code 4d × h1} GEMM. Later layers are packed as dense
 * layers; the last (one output) is kept as a vector for a dot product.
 */
final class SplitAttention {
    final int d, h1;
    /** {@code (Wq+Wd)ᵀ}, no bias. */
    final Packed query;
    /** {@code (Wk−Wd)ᵀ} with the first layer's bias. */
    final Packed key;
    /** {@code Wpᵀ}, scaled per query row into a session's scratch. */
    final Packed product;
    final Act act1;
    /** Layers between the first and the last. */
    final Packed[] mid;
    /** The last layer's weights padded to whole vectors, or null when the first layer is also the last. */
    final float[] last;
    final float lastBias;
    final Activation lastAct;
    /** Widest padded hidden row, for scratch sizing. */
    final int widest;

    SplitAttention(AttentionOp op) {
        List<Layer> ls = op.layers();
        d = op.keys().width();
        Layer l1 = ls.getFirst();
        h1 = l1.out();
        float[] w = l1.weight();
        query = Packed.block(w, h1, 4 * d, 0, d, 2 * d, 1f, null, Act.NONE);
        key = Packed.block(w, h1, 4 * d, d, d, 2 * d, -1f, l1.bias(), Act.NONE);
        product = Packed.block(w, h1, 4 * d, 3 * d, d, null, 1f, null, Act.NONE);
        act1 = Act.of(l1.activation(), h1);
        int n = ls.size();
        mid = new Packed[Math.max(0, n - 2)];
        int wid = Vec.pad(h1);
        for (int k = 1; k < n - 1; k++) {
            mid[k - 1] = Packed.of(ls.get(k));
            wid = Math.max(wid, mid[k - 1].npad);
        }
        widest = wid;
        if (n >= 2) {
            Layer lz = ls.getLast();
            last = java.util.Arrays.copyOf(lz.weight(), Vec.pad(lz.in()));
            lastBias = lz.bias()[0];
            lastAct = lz.activation();
        } else {
            last = null;
            lastBias = 0f;
            lastAct = l1.activation();
        }
    }
}
