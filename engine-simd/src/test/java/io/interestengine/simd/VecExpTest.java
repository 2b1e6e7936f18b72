package io.interestengine.simd;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static io.interestengine.simd.Vec.L;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The kernels' own exp, sigmoid, Dice and lane sums (array passes of {@link Vec}): accuracy against the JDK in
 * double precision, the documented edges (overflow, underflow, infinities, NaN), masked tails, and the fixed
 * order of the sums.
 */
class VecExpTest {
    /** Every float step of 2^-12 over the range where e^x is a normal float, as one long pass. */
    @Test
    void expIsWithinTwoUlpOverTheNormalRange() {
        int n = (int) ((Vec.EXP_HI - Vec.EXP_LO) * 4096) + 1;
        float[] x = new float[n], y = new float[n];
        for (int k = 0; k < n; k++) x[k] = Math.min(Vec.EXP_HI, Vec.EXP_LO + k / 4096f);
        Vec.exp(x, 0, y, 0, n);
        // Cephes expf is documented within ~1 ulp in single precision; the Cody–Waite reduction and the final
        // scaling add at most one rounding each. A wrong coefficient or a misplaced exponent bit is off by far more.
        UlpCheck.within(2.0, x, y, n, Math::exp);
    }

    @Test
    void expEdges() {
        // every float within 0.01 of both ends of the range: the switch to ∞ and to 0 sits where the float
        // result overflows and where it turns subnormal
        float[] x = new float[2 * 4096 + 8];
        int n = 0;
        for (float v = Vec.EXP_HI - 0.01f; v < Vec.EXP_HI + 0.01f && n < 4096; v = Math.nextUp(v)) x[n++] = v;
        for (float v = Vec.EXP_LO - 0.01f; v < Vec.EXP_LO + 0.01f && n < 8192; v = Math.nextUp(v)) x[n++] = v;
        float[] special = {0f, -0f, 1f, -1f, 100f, -104f, -200f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (float v : special) x[n++] = v;
        float[] y = new float[n];
        Vec.exp(x, 0, y, 0, n);
        for (int k = 0; k < n; k++) {
            double ref = Math.exp(x[k]);
            float want = (float) ref;
            String what = "exp(" + x[k] + ") = " + y[k] + ", Math.exp " + ref;
            if (Float.isInfinite(want)) assertEquals(Float.POSITIVE_INFINITY, y[k], what);
            else if (want < Float.MIN_NORMAL) assertTrue(y[k] >= 0f && Math.abs(y[k] - ref) <= Float.MIN_NORMAL, what);
            else assertTrue(Math.abs(y[k] - ref) <= 2 * Math.ulp(want), what);
        }
        assertEquals(0f, y[n - 1], "exp(−∞)");
        assertEquals(1f, y[n - special.length], "exp(0)");
        float[] nan = new float[L];
        Arrays.fill(nan, Float.NaN);
        Vec.exp(nan, 0, nan, 0, L);
        assertTrue(Float.isNaN(nan[0]), "exp(NaN) must stay NaN");
    }

    @Test
    void sigmoidAndDiceAgainstDoublePrecision() {
        Random r = new Random(3);
        int n = 4096;
        float[] x = new float[n], a = new float[Vec.pad(n)], c = new float[a.length], al = new float[a.length];
        for (int k = 0; k < n; k++) {
            x[k] = (float) (r.nextGaussian() * (k % 3 == 0 ? 30 : 3));
            a[k] = (float) r.nextGaussian();
            c[k] = (float) (r.nextGaussian() * 0.1);
            al[k] = (float) r.nextGaussian();
        }
        x[0] = 1000f;
        x[1] = -1000f;
        float[] s = new float[n], d = new float[n];
        Vec.sigmoid(x, 0, s, 0, n);
        Vec.dice(x, 0, d, 0, n, a, c, al);
        for (int k = 0; k < n; k++) {
            double p = 1 / (1 + Math.exp(-x[k]));
            // exp's 2 ulp plus the add and divide roundings: within 4 ulp of the result (relative 4·2^-23)
            if (!(Math.abs(s[k] - p) <= 4.8e-7 * p + 1e-37)) fail("sigmoid(" + x[k] + ") = " + s[k] + ", want " + p);
            double z = (double) a[k] * x[k] + c[k], q = 1 / (1 + Math.exp(-z));
            double want = al[k] * (1 - q) * x[k] + q * x[k];
            // each term within a few ulp of |x|·max(1, |α|): 1e-6 of that scale covers them, not a wrong gate
            double tol = 1e-6 * Math.abs(x[k]) * Math.max(1, Math.abs(al[k]));
            if (!(Math.abs(d[k] - want) <= tol)) fail("dice(" + x[k] + ") = " + d[k] + ", want " + want);
        }
        assertEquals(1f, s[0]);
        // the gates clamp exp's argument at 87: sigmoid(−1000) is 1/(1 + e^87), under 2e-38 (documented)
        assertTrue(s[1] >= 0f && s[1] < 2e-38f, "sigmoid(−1000) = " + s[1]);
    }

    @Test
    void tailsReadAndWriteOnlyTheirRun() {
        // a run of every length up to three vectors, at an offset, out of place and in place: floats outside the
        // run keep their sentinel, and the in-place result equals the out-of-place one
        for (int n = 0; n <= 3 * L; n++) {
            float[] src = new float[n + 10], dst = new float[n + 10];
            for (int k = 0; k < src.length; k++) src[k] = k < 3 || k >= 3 + n ? Float.NaN : (k - 3) * 0.37f - 2f;
            Arrays.fill(dst, -7f);
            Vec.tanh(src, 3, dst, 5, n);
            for (int k = 0; k < dst.length; k++) {
                if (k < 5 || k >= 5 + n) assertEquals(-7f, dst[k], "n = " + n + ", index " + k + " outside the run");
                else assertEquals((float) Math.tanh(src[k - 2]), dst[k], 2e-7f, "n = " + n + ", index " + k);
            }
            float[] in = src.clone();
            Vec.tanh(in, 3, in, 3, n);
            assertArrayEquals(Arrays.copyOfRange(dst, 5, 5 + n), Arrays.copyOfRange(in, 3, 3 + n),
                    "in place, n = " + n);
        }
    }

    @Test
    void dotAndSumAreInOneFixedOrder() {
        Random r = new Random(9);
        for (int n : new int[]{1, L - 1, L, 3 * L + 1, 37, 100}) {
            if (n < 1) continue;
            float[] a = new float[n + 2], b = new float[n + 2];
            for (int k = 0; k < a.length; k++) {
                a[k] = (float) Math.scalb(r.nextGaussian(), r.nextInt(20) - 10);
                b[k] = (float) r.nextGaussian();
            }
            // the same order in plain Java: per-lane fused multiply-adds over the vectors, then lane i adds lane
            // i ^ 2^k, k = 0, 1, …
            float[] lanes = new float[L], ones = new float[L];
            for (int j = 0; j < n; j++) {
                lanes[j % L] = Math.fma(a[1 + j], b[2 + j], lanes[j % L]);
                ones[j % L] += a[1 + j];
            }
            assertEquals(Float.floatToRawIntBits(butterfly(lanes)), Float.floatToRawIntBits(Vec.dot(a, 1, b, 2, n)),
                    "dot, n = " + n);
            assertEquals(Float.floatToRawIntBits(butterfly(ones)), Float.floatToRawIntBits(Vec.sum(a, 1, n)),
                    "sum, n = " + n);
        }
    }

    private static float butterfly(float[] lanes) {
        float[] v = lanes.clone();
        for (int bit = 1; bit < L; bit <<= 1) {
            float[] w = new float[L];
            for (int i = 0; i < L; i++) w[i] = v[i] + v[i ^ bit];
            v = w;
        }
        return v[0];
    }
}
