package io.interestengine.simd;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.interestengine.simd.Vec.L;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MimnMath}'s passes against the JDK in double precision: the vector log over every binade (subnormals
 * included) and its edges, softplus, and the four dot products of the merged reduction (each in its own
 * output, masked tails).
 */
class MimnMathTest {
    /** fp32 unit roundoff. */
    static final double U = 0x1p-24;

    @Test
    void logIsWithinTwoUlpFromSubnormalsToTheTop() {
        // 64 floats per binade across the whole positive range, plus every float within 2^-12 of 1, where the
        // log is smallest and relative errors show first
        int n = 0;
        float[] x = new float[300 * 64 + 2 * 8192 + 16];
        for (int b = -149; b <= 127; b++) for (int k = 0; k < 64; k++) x[n++] = Math.scalb(1f + k / 64f, b);
        for (float v = 1f - 0x1p-12f; v < 1f + 0x1p-12f; v = Math.nextUp(v)) x[n++] = v;
        float[] y = x.clone(), g = ones(n);
        MimnMath.logTimes(y, 0, g, 0, n);
        for (int k = 0; k < n; k++) if (x[k] == 1f) assertEquals(0f, y[k], "ln 1");
        // Cephes logf is documented within ~1 ulp; the reduction's split ln 2 and the last adds round once more.
        // A wrong coefficient, exponent or subnormal correction is off by far more (one binade is 0.69 absolute).
        UlpCheck.within(2.0, x, y, n, Math::log);
    }

    @Test
    void logEdgesAndTheFactor() {
        float[] x = {0f, -0f, Float.POSITIVE_INFINITY, Float.NaN, -1f, Float.MIN_VALUE, Float.MAX_VALUE, 0.5f, 2f};
        float[] g = {1f, 1f, 1f, 1f, 1f, 1f, 1f, 3f, -2f};
        float[] y = x.clone();
        MimnMath.logTimes(y, 0, g, 0, x.length);
        assertEquals(Float.NEGATIVE_INFINITY, y[0]);
        assertEquals(Float.NEGATIVE_INFINITY, y[1]);
        assertEquals(Float.POSITIVE_INFINITY, y[2]);
        assertTrue(Float.isNaN(y[3]), "ln NaN");
        assertTrue(Float.isNaN(y[4]), "ln -1");
        // the factor multiplies the log: 3·ln 0.5 and −2·ln 2, within an ulp of the product's rounding
        for (int k = 5; k < x.length; k++) {
            double ref = g[k] * Math.log(x[k]);
            assertEquals(ref, y[k], 3 * Math.ulp((float) ref), "g·ln " + x[k]);
        }
    }

    @Test
    void softplusIsAccurateAcrossItsRange() {
        int n = 0;
        float[] x = new float[80_001 + 8];
        for (int k = 0; k <= 80_000; k++) x[n++] = -100f + k * 0.0025f;
        x[n++] = Float.POSITIVE_INFINITY;
        x[n++] = Float.NEGATIVE_INFINITY;
        x[n++] = Float.NaN;
        float[] y = x.clone(), tmp = new float[n];
        MimnMath.softplus(y, 0, tmp, n);
        for (int k = 0; k < n - 3; k++) {
            double ref = x[k] > 0 ? x[k] + Math.log1p(Math.exp(-x[k])) : Math.log1p(Math.exp(x[k]));
            // absolute error against the value 1 it is added to (3e-7 ≈ 2.5 ulp of 1), relative above 1 (the
            // log1p term is then a small correction to x): a broken log1p is off by its own size
            double tol = Math.max(3e-7, 2 * Math.ulp((float) ref));
            assertEquals(ref, y[k], tol, "softplus(" + x[k] + ")");
        }
        assertEquals(Float.POSITIVE_INFINITY, y[n - 3]);
        assertEquals(0f, y[n - 2]);
        assertTrue(Float.isNaN(y[n - 1]), "softplus(NaN)");
    }

    @Test
    void fourDotsLandInTheirOwnOutputs() {
        Random r = new Random(5);
        for (int n : new int[] {1, 3, 4, 13, 16, 17, 32, 100}) {
            float[] a = gauss(4 * n + 3, r), b = gauss(4 * n + 5, r);
            int[] ao = {3, n + 3, 2 * n + 3, 3 * n + 3}, bo = {3 * n + 5, 5, 2 * n + 5, n + 5};
            float[] out = new float[4 * 7 + 2];
            MimnMath.dot4(a, ao[0], ao[1], ao[2], ao[3], b, bo[0], bo[1], bo[2], bo[3], n, out, 2, 7);
            for (int q = 0; q < 4; q++) {
                double[] want = dot(a, ao[q], b, bo[q], n);
                // fp32 sums of n products in any order: |error| ≤ (n + 1)·u·Σ|a·b| (Higham's γ_n bound, FMA
                // accumulation included); swapping two outputs or dropping a lane is off by O(1)
                double tol = (n + 1) * U * want[1];
                assertEquals(want[0], out[2 + 7 * q], tol, "dot " + q + " of n=" + n + " [" + L + " lanes]");
            }
            assertEquals(0f, out[0]);
            assertEquals(0f, out[1]);
        }
    }

    @Test
    void equalDotsAreEqualInEveryPosition() {
        // the addressing's ties (identical memory slots) must stay exact ties: each of the four sums is the same
        // tree over its own lanes
        Random r = new Random(6);
        for (int n : new int[] {5, 16, 32, 77}) {
            float[] a = gauss(n, r), b = gauss(n, r), out = new float[4];
            MimnMath.dot4(a, 0, 0, 0, 0, b, 0, 0, 0, 0, n, out, 0, 1);
            for (int q = 1; q < 4; q++) {
                assertEquals(Float.floatToRawIntBits(out[0]), Float.floatToRawIntBits(out[q]), "position " + q);
            }
        }
    }

    /** The exact dot product and the sum of the terms' magnitudes. */
    private static double[] dot(float[] a, int ao, float[] b, int bo, int n) {
        double s = 0, m = 0;
        for (int j = 0; j < n; j++) {
            s += (double) a[ao + j] * b[bo + j];
            m += Math.abs((double) a[ao + j] * b[bo + j]);
        }
        return new double[] {s, m};
    }

    private static float[] gauss(int n, Random r) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) v[k] = (float) r.nextGaussian();
        return v;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }
}
