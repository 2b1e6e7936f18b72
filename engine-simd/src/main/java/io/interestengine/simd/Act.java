package io.interestengine.simd;

import io.interestengine.graph.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * A layer's activation in vector form, applied over the rows a GEMM has just written (still in L1) and
 * copying them to their destination at the same time. Per-channel parameters are padded with zeros to whole
 * vectors. One loop per kind, each self-contained: no vector crosses a method boundary (see {@link Gemm}).
 */
final class Act {
    static final int LINEAR = 0, RELU = 1, SIGMOID = 2, TANH = 3, PRELU = 4, DICE = 5;
    static final Act NONE = new Act(LINEAR, null, null, null);

    final int kind;
    /** PReLU α or Dice α; Dice {@code a} and {@code c} of {@code p = sigmoid(a·x + c)}. */
    final float[] alpha, a, c;

    private Act(int kind, float[] alpha, float[] a, float[] c) {
        this.kind = kind;
        this.alpha = alpha;
        this.a = a;
        this.c = c;
    }

    static Act of(Activation act, int width) {
        int n = Vec.pad(width);
        return switch (act) {
            case Activation.Linear l -> NONE;
            case Activation.Relu r -> new Act(RELU, null, null, null);
            case Activation.Sigmoid s -> new Act(SIGMOID, null, null, null);
            case Activation.Tanh t -> new Act(TANH, null, null, null);
            case Activation.PRelu p -> new Act(PRELU, java.util.Arrays.copyOf(p.alpha(), n), null, null);
            case Activation.Dice d -> new Act(DICE, java.util.Arrays.copyOf(d.alpha(), n), java.util.Arrays.copyOf(d.a(), n), java.util.Arrays.copyOf(d.c(), n));
        };
    }

    /**
     * {@code dst[m, 0..n) = act(src[m, 0..n))} for {@code m < rows}; {@code src} rows padded to whole vectors.
     * When {@code dstPadded}, whole vectors are written (pad lanes included); otherwise the row's last
     * vector is masked to {@code n}. {@code src} and {@code dst} may be the same rows.
     */
    void apply(float[] src, int so, int lds, int rows, int n, float[] dst, int dOff, int ldd, boolean dstPadded) {
        int full = dstPadded ? Vec.pad(n) : n - n % L;
        if ((kind == SIGMOID || kind == TANH) && dstPadded && lds == full && ldd == full) {
            // rows back to back, no per-channel parameter: one pass over them all (a pass per 40-wide row of DIN's
            // attention spent a fifth of its time starting and ending the row's loop)
            if (kind == SIGMOID) Vec.sigmoid(src, so, dst, dOff, rows * full);
            else Vec.tanh(src, so, dst, dOff, rows * full);
            return;
        }
        for (int m = 0; m < rows; m++) {
            int s = so + m * lds, d = dOff + m * ldd;
            switch (kind) {
                case LINEAR -> linear(src, s, dst, d, full, n);
                case RELU -> relu(src, s, dst, d, full, n);
                case SIGMOID -> sigmoid(src, s, dst, d, full, n);
                case TANH -> tanh(src, s, dst, d, full, n);
                case PRELU -> prelu(src, s, dst, d, full, n);
                case DICE -> dice(src, s, dst, d, full, n);
                default -> throw new IllegalStateException("activation kind " + kind);
            }
        }
    }

    private static void linear(float[] src, int s, float[] dst, int d, int full, int n) {
        if (src != dst || s != d) System.arraycopy(src, s, dst, d, Math.max(full, n));
    }

    private static void relu(float[] src, int s, float[] dst, int d, int full, int n) {
        int j = 0;
        for (; j < full; j += L) FloatVector.fromArray(S, src, s + j).max(0f).intoArray(dst, d + j);
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector.fromArray(S, src, s + j).max(0f).intoArray(dst, d + j, m);
        }
    }

    private static void sigmoid(float[] src, int s, float[] dst, int d, int full, int n) {
        Vec.sigmoid(src, s, dst, d, Math.max(full, n));
    }

    private static void tanh(float[] src, int s, float[] dst, int d, int full, int n) {
        Vec.tanh(src, s, dst, d, Math.max(full, n));
    }

    private void prelu(float[] src, int s, float[] dst, int d, int full, int n) {
        float[] al = alpha;
        int j = 0;
        for (; j < full; j += L) {
            FloatVector x = FloatVector.fromArray(S, src, s + j);
            x.max(0f).add(x.min(0f).mul(FloatVector.fromArray(S, al, j))).intoArray(dst, d + j);
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector x = FloatVector.fromArray(S, src, s + j);
            x.max(0f).add(x.min(0f).mul(FloatVector.fromArray(S, al, j))).intoArray(dst, d + j, m);
        }
    }

    /** {@code α·(1−p)·x + p·x} with {@code p = sigmoid(a·x + c)}, in the reference's order of operations. */
    private void dice(float[] src, int s, float[] dst, int d, int full, int n) {
        Vec.dice(src, s, dst, d, Math.max(full, n), a, c, alpha);
    }
}
