package io.interestengine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import java.util.Arrays;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * One GRU step for many independent rows at once, in either cell style: the state-side products of all rows
 * are one GEMM per gate group instead of a matrix-vector product per row, so the weights are read once per
 * step for the whole block. {@link #cell} is the general step of the GRU family (per-row input scaling for
 * AIGRU and keep fraction {@code k = p·g + q} for the attention forms, {@code h' = k⊙h + (1−k)⊙c}), used by
 * {@link SimdGru}; {@link #step} is a plain GRU on input rows, used by MIMN's controller and Memory Induction
 * Unit. States are rows of {@code hpad} floats whose pad lanes are zero (each step writes them as zero); the
 * products read only the {@code h} real columns. Holds scratch for {@code maxRows} rows: one instance per thread.
 */
final class GruRows {
    private final GruWeights w;
    private final int h, hp;
    /** Row widths of the input-side pre-activations, the state-side products and (TF) the candidate products. */
    private final int xw, sw, cw;
    /** Input-side pre-activations of {@link #step}'s rows {@code [rows][xw]}, state-side ones {@code [rows][sw]}. */
    private final float[] gx, hs;
    /** TF: {@code r⊙h} rows and candidate products. */
    private final float[] rh, gc;
    /** Row offsets of the PyTorch cell's input-side rows when they come evenly spaced (scratch of {@link #cell}). */
    private final int[] rowOff;
    /** Scale 1 for the evenly spaced rows; {@link #step}'s keep fraction g (p = 1, q = 0). */
    private final float[] ones, zeros;
    private final Gemm.Call call = new Gemm.Call();

    GruRows(GruWeights w, int maxRows) {
        this.w = w;
        h = w.h;
        hp = w.hpad;
        xw = w.xw;
        sw = w.state.npad;
        cw = w.tf ? w.cand.npad : 0;
        gx = new float[maxRows * xw + w.xSlack];
        // a row's later gate blocks are read a whole vector at a time past its last real column: slack after the last row
        hs = new float[maxRows * sw + hp];
        rh = w.tf ? new float[maxRows * hp] : null;
        gc = w.tf ? new float[maxRows * cw + hp] : null;
        rowOff = new int[maxRows];
        ones = new float[maxRows];
        Arrays.fill(ones, 1f);
        zeros = new float[maxRows];
    }

    /**
     * A plain step for rows {@code i < n}: input at {@code x[xOff + i·ldx]} ({@code in} floats), state at
     * {@code h[hOff + i·hp]}; the new state goes to {@code out[outOff + i·hp]}, which may be the state itself.
     */
    void step(int n, float[] x, int xOff, int ldx, float[] h, int hOff, float[] out, int outOff) {
        if (n == 0) return;
        call.weights(w.x).a(x, xOff, ldx, n).c(gx, 0, xw).run();
        cell(n, gx, 0, xw, ones, zeros, h, hOff, out, outOff);
    }

    /**
     * The step of rows {@code i < n} given their unscaled input-side pre-activations at {@code gxs[gxOff + i·ld]}
     * ({@code ld} may be 0: one row for all), which must have {@link GruWeights#xSlack} floats after the last row;
     * keep fraction and states as in {@link #cell(int, float[], int[], float[], float[], float[], float[], int,
     * float[], int)}. The TF cell starts its two products from these rows (the GEMM's addend) instead of adding
     * them in passes of their own.
     */
    void cell(int n, float[] gxs, int gxOff, int ld, float[] p, float[] q, float[] h, int hOff, float[] out,
            int outOff) {
        if (w.tf) {
            tfEven(n, gxs, gxOff, ld, p, q, h, hOff, out, outOff);
        } else {
            for (int i = 0; i < n; i++) rowOff[i] = gxOff + i * ld;
            torch(n, gxs, rowOff, ones, p, q, h, hOff, out, outOff);
        }
    }

    /**
     * The step of rows {@code i < n} given their input-side pre-activations {@code W_x·x} at
     * {@code gxs[gxOff[i]]} (blocks at 0, h, 2h, no bias), scaled by {@code scale[i]}, with keep fraction
     * {@code k = p[i]·g + q[i]}; states as in {@link #step}.
     */
    void cell(int n, float[] gxs, int[] gxOff, float[] scale, float[] p, float[] q, float[] h, int hOff, float[] out, int outOff) {
        if (w.tf) tf(n, gxs, gxOff, scale, p, q, h, hOff, out, outOff);
        else torch(n, gxs, gxOff, scale, p, q, h, hOff, out, outOff);
    }

    /**
     * PyTorch cell: r, z from both sides; n = tanh(x-side + r⊙(W_hn·h + b_hn)). The pre-activations are formed
     * in place over the row's state-side products and the gates taken by array passes ({@link Vec}).
     */
    private void torch(int n, float[] gxs, int[] gxOff, float[] scale, float[] p, float[] q, float[] h, int hOff, float[] out, int outOff) {
        int h2 = 2 * this.h, H = this.h;
        call.weights(w.state).a(h, hOff, hp, n).c(hs, 0, sw).run();
        float[] xb = w.xBias;
        for (int i = 0; i < n; i++) {
            int xo = gxOff[i], so = i * sw;
            float sc = scale[i];
            for (int j = 0; j < h2; j += L) {
                VectorMask<Float> m = S.indexInRange(j, h2);
                FloatVector ix = FloatVector.fromArray(S, gxs, xo + j, m).mul(sc).add(FloatVector.fromArray(S, xb, j));
                ix.add(FloatVector.fromArray(S, hs, so + j)).intoArray(hs, so + j, m);
            }
            Vec.sigmoid(hs, so, hs, so, h2);
            for (int j = 0; j < H; j += L) {
                VectorMask<Float> m = S.indexInRange(j, H);
                FloatVector in = FloatVector.fromArray(S, gxs, xo + h2 + j, m).mul(sc)
                        .add(FloatVector.fromArray(S, xb, h2 + j, m));
                FloatVector rn = FloatVector.fromArray(S, hs, so + j)
                        .mul(FloatVector.fromArray(S, hs, so + h2 + j));
                in.add(rn).intoArray(hs, so + h2 + j, m);
            }
            Vec.tanh(hs, so + h2, hs, so + h2, H);
            mix(hs, so + H, hs, so + h2, p[i], q[i], h, hOff + i * hp, out, outOff + i * hp);
        }
    }

    /**
     * {@code out = k⊙h + (1−k)⊙c} with {@code k = p·g + q} over the {@code h} lanes of one state row; its pad lanes
     * are written as zero (g and c are read past their block there).
     */
    private void mix(float[] g, int go, float[] c, int co, float pi, float qi, float[] h, int ho, float[] out, int oo) {
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
        for (int j = 0; j < hp; j += L) {
            VectorMask<Float> m = S.indexInRange(j, this.h);
            FloatVector k = FloatVector.fromArray(S, g, go + j).fma(pi, qi);
            FloatVector hv = FloatVector.fromArray(S, h, ho + j);
            zero.blend(k.mul(hv).add(one.sub(k).mul(FloatVector.fromArray(S, c, co + j))), m).intoArray(out, oo + j);
        }
    }

    /** TF cell: r, u from [x; h]; the candidate reads [x; r⊙h]. Gates by array passes, as {@link #torch}. */
    private void tf(int n, float[] gxs, int[] gxOff, float[] scale, float[] p, float[] q, float[] h, int hOff, float[] out, int outOff) {
        int h2 = 2 * this.h, H = this.h;
        call.weights(w.state).a(h, hOff, hp, n).c(hs, 0, sw).run();
        for (int i = 0; i < n; i++) {
            int xo = gxOff[i], so = i * sw, ho = hOff + i * hp, ri = i * hp;
            float sc = scale[i];
            for (int j = 0; j < h2; j += L) {
                VectorMask<Float> m = S.indexInRange(j, h2);
                FloatVector xs = FloatVector.fromArray(S, gxs, xo + j, m).mul(sc);
                xs.add(FloatVector.fromArray(S, hs, so + j)).intoArray(hs, so + j, m);
            }
        }
        // one pass over the block's rows back to back (their pad columns are the GEMM's zeros, and unread)
        Vec.sigmoid(hs, 0, hs, 0, n * sw);
        rh(n, h, hOff);
        call.weights(w.cand).a(rh, 0, hp, n).c(gc, 0, cw).run();
        for (int i = 0; i < n; i++) {
            int xo = gxOff[i], ci = i * cw;
            float sc = scale[i];
            for (int j = 0; j < H; j += L) {
                VectorMask<Float> m = S.indexInRange(j, H);
                FloatVector xs = FloatVector.fromArray(S, gxs, xo + h2 + j, m).mul(sc);
                xs.add(FloatVector.fromArray(S, gc, ci + j)).intoArray(gc, ci + j, m);
            }
        }
        Vec.tanh(gc, 0, gc, 0, n * cw);
        for (int i = 0; i < n; i++) mix(hs, i * sw + H, gc, i * cw, p[i], q[i], h, hOff + i * hp, out, outOff + i * hp);
    }

    /** {@link #tf} for unscaled, evenly spaced input-side rows: they are the products' addends. */
    private void tfEven(int n, float[] gxs, int gxOff, int ld, float[] p, float[] q, float[] h, int hOff, float[] out,
            int outOff) {
        // the state product's pad columns take the candidate's first input-side columns: sigmoid of them is unread
        call.weights(w.state).a(h, hOff, hp, n).addend(gxs, gxOff, ld).c(hs, 0, sw).run();
        Vec.sigmoid(hs, 0, hs, 0, n * sw);
        rh(n, h, hOff);
        // its pad columns read past the row's candidate block (xSlack after the last row): unread after tanh
        call.weights(w.cand).a(rh, 0, hp, n).addend(gxs, gxOff + 2 * this.h, ld).c(gc, 0, cw).run();
        Vec.tanh(gc, 0, gc, 0, n * cw);
        for (int i = 0; i < n; i++) {
            mix(hs, i * sw + this.h, gc, i * cw, p[i], q[i], h, hOff + i * hp, out, outOff + i * hp);
        }
    }

    /** {@code r⊙h} rows for the candidate product, from the sigmoid rows of {@code hs}. */
    private void rh(int n, float[] h, int hOff) {
        for (int i = 0; i < n; i++) {
            int so = i * sw, ho = hOff + i * hp, ri = i * hp;
            // over whole vectors: past h, r reads the u block but h's pad lanes are zero (and the GEMM reads h columns)
            for (int j = 0; j < hp; j += L) {
                FloatVector.fromArray(S, hs, so + j).mul(FloatVector.fromArray(S, h, ho + j)).intoArray(rh, ri + j);
            }
        }
    }
}
