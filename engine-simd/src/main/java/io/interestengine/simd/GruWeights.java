package io.interestengine.simd;

import io.interestengine.graph.GruCell;

/**
 * A GRU cell's weights split for the SIMD step: the input side of all three gate blocks as one packed
 * matrix (run as one GEMM over every real position of a row before the recurrence, since it does not depend
 * on the state), and the state side packed for the per-step matrix-vector product. Each gate block is
 * padded to whole vectors ({@code hpad}) so the gates line up lane for lane; the zero pad rows keep the pad
 * lanes of the state at zero through every step.
 */
final class GruWeights {
    final boolean tf;
    final int in, h, hpad;
    /** {@code [in][3·hpad]}: blocks (r, z, n) for PyTorch, (r, u, candidate) for TF; no bias. */
    final Packed x;
    /** PyTorch: {@code W_hh} blocks (r, z, n) with {@code b_hh}. TF: the gate's state columns, blocks (r, u), with the gate bias. */
    final Packed state;
    /** TF only: the candidate's state columns (applied to {@code r⊙h}) with the candidate bias. */
    final Packed cand;
    /** PyTorch: {@code b_ih} per block, padded ({@code 3·hpad}); TF: null. */
    final float[] xBias;

    GruWeights(GruCell w) {
        tf = w.tf();
        in = w.in();
        h = w.hidden();
        hpad = Vec.pad(h);
        if (tf) {
            int cols = in + h;
            float[] xw = new float[3 * hpad * in];
            copyBlocks(w.gate(), 2, cols, 0, in, xw, 0);
            copyBlocks(w.cand(), 1, cols, 0, in, xw, 2);
            x = Packed.block(xw, 3 * hpad, in, 0, in, null, 1f, null, Act.NONE);
            float[] sw = new float[2 * hpad * h];
            copyBlocks(w.gate(), 2, cols, in, h, sw, 0);
            state = Packed.block(sw, 2 * hpad, h, 0, h, null, 1f, blocks(w.gateBias(), 2), Act.NONE);
            float[] cw = new float[hpad * h];
            copyBlocks(w.cand(), 1, cols, in, h, cw, 0);
            cand = Packed.block(cw, hpad, h, 0, h, null, 1f, blocks(w.candBias(), 1), Act.NONE);
            xBias = null;
        } else {
            float[] xw = new float[3 * hpad * in];
            copyBlocks(w.ih(), 3, in, 0, in, xw, 0);
            x = Packed.block(xw, 3 * hpad, in, 0, in, null, 1f, null, Act.NONE);
            float[] sw = new float[3 * hpad * h];
            copyBlocks(w.hh(), 3, h, 0, h, sw, 0);
            state = Packed.block(sw, 3 * hpad, h, 0, h, null, 1f, blocks(w.hhBias(), 3), Act.NONE);
            cand = null;
            xBias = blocks(w.ihBias(), 3);
        }
    }

    /** Rows {@code [b·h, (b+1)·h)} of a {@code [n·h, cols]} matrix, columns {@code [from, from + width)}, into row blocks of hpad. */
    private void copyBlocks(float[] src, int n, int cols, int from, int width, float[] dst, int firstBlock) {
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < h; o++) {
                System.arraycopy(src, (b * h + o) * cols + from, dst, ((firstBlock + b) * hpad + o) * width, width);
            }
        }
    }

    private float[] blocks(float[] bias, int n) {
        float[] out = new float[n * hpad];
        for (int b = 0; b < n; b++) System.arraycopy(bias, b * h, out, b * hpad, h);
        return out;
    }
}
