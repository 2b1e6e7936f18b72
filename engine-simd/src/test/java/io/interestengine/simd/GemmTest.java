package io.interestengine.simd;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GEMM's register tiles against a double-precision product: widths that take every tile (5, 3, 2, 1 vectors at
 * 16 lanes; the others at 4 and 8), row counts that leave 0 to 3 rows after the 4-row tiles, with and
 * without the per-row addend (now added by the tiles themselves), and C rows wider than B. Pad lanes must hold bias
 * plus addend (the pad weights are zero), and nothing outside C's rows may be written.
 */
class GemmTest {
    @Test
    void tilesMatchTheProductAndKeepPadLanes() {
        Random rn = new Random(5);
        int[] widths = {1, 7, 8, 16, 20, 24, 33, 40, 41, 48, 56, 80, 88, 96, 120, 129, 144};
        for (int n : widths) {
            for (int K : new int[]{1, 36}) {
                for (int M = 1; M <= 9; M++) {
                    for (boolean addend : new boolean[]{false, true}) check(rn, n, K, M, addend);
                }
            }
        }
    }

    private static void check(Random rn, int n, int K, int M, boolean addend) {
        int npad = Vec.pad(n), lda = K + 3, ldc = npad + Vec.L, guard = 7;
        float[] w = gauss(rn, K * n), bias = gauss(rn, n), a = gauss(rn, M * lda);
        Packed p = Packed.inOut(w, 0, K, n, bias, Act.NONE);
        float[] cin = addend ? gauss(rn, M * ldc + npad) : null;
        float[] c = new float[guard + M * ldc + guard];
        java.util.Arrays.fill(c, Float.NaN);
        Gemm.Call g = new Gemm.Call().weights(p).a(a, 0, lda, M).c(c, guard, ldc);
        if (addend) g.addend(cin, 3, ldc);
        g.run();
        String what = "n=" + n + " K=" + K + " M=" + M + " addend=" + addend;
        for (int m = 0; m < M; m++) {
            for (int j = 0; j < npad; j++) {
                double want = j < n ? bias[j] : 0;
                if (addend) want += cin[3 + m * ldc + j];
                double mag = Math.abs(want);
                for (int k = 0; k < K && j < n; k++) {
                    want += (double) a[m * lda + k] * w[k * n + j];
                    mag += Math.abs((double) a[m * lda + k] * w[k * n + j]);
                }
                float got = c[guard + m * ldc + j];
                // fp32 sums of K + 2 terms: each rounding at most 2^-24 of the running magnitude
                double tol = 1e-30 + (K + 2) * 0x1p-23 * mag;
                assertTrue(Math.abs(got - want) <= tol, what + ": C[" + m + ", " + j + "] = " + got + ", want " + want);
            }
            for (int j = npad; j < ldc && m < M - 1; j++) {
                assertTrue(Float.isNaN(c[guard + m * ldc + j]), what + ": C[" + m + ", " + j + "] is past the row's pad");
            }
        }
        for (int i = 0; i < guard; i++) {
            assertTrue(Float.isNaN(c[i]) && Float.isNaN(c[c.length - 1 - i]), what + ": written outside C");
        }
        assertEquals(Float.NaN, c[guard + (M - 1) * ldc + npad], what + ": written past the last row");
    }

    private static float[] gauss(Random rn, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rn.nextGaussian();
        return x;
    }
}
