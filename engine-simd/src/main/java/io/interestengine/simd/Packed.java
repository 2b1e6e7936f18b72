package io.interestengine.simd;

import io.interestengine.graph.Layer;

/**
 * A dense layer's weights in the layout of the GEMM kernel: transposed to {@code [in][npad]} so that one
 * vector load covers {@code L} consecutive output channels of one input; the output dimension is padded
 * with zeros to whole vectors, so that the kernel needs no tail loop over channels. Built once at model
 * load and shared read-only by every session.
 */
final class Packed {
    final int k, n, npad;
    final float[] w;
    final float[] bias;
    final Act act;

    private Packed(int k, int n, float[] w, float[] bias, Act act) {
        this.k = k;
        this.n = n;
        this.npad = Vec.pad(n);
        this.w = w;
        this.bias = bias;
        this.act = act;
    }

    static Packed of(Layer l) {
        return block(l.weight(), l.out(), l.in(), 0, l.in(), null, 1f, l.bias(), Act.of(l.activation(), l.out()));
    }

    /**
     * Columns {@code [from, from + cols)} of a row-major {@code [out, in]} matrix, optionally plus
     * {@code sign·} columns {@code [from2, from2 + cols)} (the attention split adds and subtracts blocks).
     */
    static Packed block(float[] w, int out, int in, int from, int cols, Integer from2, float sign, float[] bias, Act act) {
        int npad = Vec.pad(out);
        float[] p = new float[cols * npad];
        for (int o = 0; o < out; o++) {
            for (int j = 0; j < cols; j++) {
                float v = w[o * in + from + j];
                if (from2 != null) v += sign * w[o * in + from2 + j];
                p[j * npad + o] = v;
            }
        }
        float[] b = new float[npad];
        if (bias != null) System.arraycopy(bias, 0, b, 0, out);
        return new Packed(cols, out, p, b, act);
    }

    /** A matrix already stored {@code [in, out]} row-major (applied as {@code x·W}): padded, not transposed. */
    static Packed inOut(float[] w, int off, int in, int out, float[] bias, Act act) {
        int npad = Vec.pad(out);
        float[] p = new float[in * npad];
        for (int j = 0; j < in; j++) System.arraycopy(w, off + j * out, p, j * npad, out);
        float[] b = new float[npad];
        if (bias != null) System.arraycopy(bias, 0, b, 0, out);
        return new Packed(in, out, p, b, act);
    }

    /** Rows {@code [off/in, off/in + out)} of a stacked {@code [.., out, in]} tensor, as a layer {@code [out, in]}. */
    static Packed slice(float[] w, int off, int out, int in, float[] bias, int biasOff, Act act) {
        float[] b = bias == null ? null : java.util.Arrays.copyOfRange(bias, biasOff, biasOff + out);
        return block(java.util.Arrays.copyOfRange(w, off, off + out * in), out, in, 0, in, null, 1f, b, act);
    }
}
