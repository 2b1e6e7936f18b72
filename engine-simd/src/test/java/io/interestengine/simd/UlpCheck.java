package io.interestengine.simd;

import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The accuracy check of the vector transcendentals' tests: the worst error in ulp of the float nearest the truth. */
final class UlpCheck {
    private UlpCheck() {
    }

    /**
     * Asserts {@code |y[k] − f(x[k])| ≤ bound} ulp of {@code (float) f(x[k])} for {@code k < n}, naming the worst
     * point; points where the exact value is 0 (no ulp to measure in) are the caller's to check.
     */
    static void within(double bound, float[] x, float[] y, int n, DoubleUnaryOperator f) {
        double worst = 0;
        float at = 0;
        for (int k = 0; k < n; k++) {
            double ref = f.applyAsDouble(x[k]);
            if (ref == 0) continue;
            double ulps = Math.abs(y[k] - ref) / Math.ulp((float) ref);
            if (!(ulps <= worst)) {
                worst = ulps;
                at = x[k];
            }
        }
        assertTrue(worst <= bound, "worst error " + worst + " ulp at x = " + at + " [" + Vec.bits() + "-bit vectors]");
    }
}
