package io.interestengine.simd;

import io.interestengine.graph.GruCell;

/**
 * A GRU cell's weights split for the SIMD step: the input side of all three gate blocks as one packed
 * matrix (run as one GEMM over every real position of a row before the recurrence, since it does not depend
 * on the state), and the state side packed for the per-step product. The gate blocks lie next to each other
 * ({@code h} apart, not each padded to whole vectors): DIEN's 36-wide gates take 112 columns instead of 144 in
 * the PyTorch cell's state product, 80 instead of 96 in the TF cell's gate product, so a quarter fewer FMAs per
 * step. The cell's passes read the later blocks at unaligned offsets. States are rows of {@code hpad} floats.
 */
final class GruWeights {
    final boolean tf;
    final int in, h, hpad;
    /** Columns of a row of input-side pre-activations ({@code x.npad}). */
    final int xw;
    /** {@code [in][pad(3h)]}: blocks (r, z, n) for PyTorch, (r, u, candidate) for TF at columns 0, h, 2h; no bias. */
    final Packed x;
    /** PyTorch: {@code W_hh} blocks (r, z, n) with {@code b_hh}. TF: the gate's state columns, blocks (r, u), with the gate bias. */
    final Packed state;
    /** TF only: the candidate's state columns (applied to {@code r⊙h}) with the candidate bias. */
    final Packed cand;
    /** PyTorch: {@code b_ih}, blocks at 0, h, 2h, padded to whole vectors; TF: null. */
    final float[] xBias;
    /**
     * Floats past the last row of input-side pre-activations that a step may read: the TF cell's candidate
     * product takes {@code cand.npad} columns from column {@code 2h} of a row as its addend.
     */
    final int xSlack;

    GruWeights(GruCell w) {
        tf = w.tf();
        in = w.in();
        h = w.hidden();
        hpad = Vec.pad(h);
        if (tf) {
            int cols = in + h;
            float[] xm = new float[3 * h * in];
            copyRows(w.gate(), 2 * h, cols, 0, in, xm, 0);
            copyRows(w.cand(), h, cols, 0, in, xm, 2 * h);
            x = Packed.block(xm, 3 * h, in, 0, in, null, 1f, null, Act.NONE);
            float[] sm = new float[2 * h * h];
            copyRows(w.gate(), 2 * h, cols, in, h, sm, 0);
            state = Packed.block(sm, 2 * h, h, 0, h, null, 1f, w.gateBias(), Act.NONE);
            float[] cm = new float[h * h];
            copyRows(w.cand(), h, cols, in, h, cm, 0);
            cand = Packed.block(cm, h, h, 0, h, null, 1f, w.candBias(), Act.NONE);
            xBias = null;
        } else {
            x = Packed.block(w.ih(), 3 * h, in, 0, in, null, 1f, null, Act.NONE);
            state = Packed.block(w.hh(), 3 * h, h, 0, h, null, 1f, w.hhBias(), Act.NONE);
            cand = null;
            xBias = java.util.Arrays.copyOf(w.ihBias(), Vec.pad(3 * h));
        }
        xw = x.npad;
        xSlack = tf ? Math.max(0, 2 * h + cand.npad - xw) : 0;
    }

    /** Rows {@code [0, n)} of a {@code [n, cols]} matrix, columns {@code [from, from + width)}, to {@code dst} from row {@code at}. */
    private static void copyRows(float[] src, int n, int cols, int from, int width, float[] dst, int at) {
        for (int o = 0; o < n; o++) System.arraycopy(src, o * cols + from, dst, (at + o) * width, width);
    }
}
