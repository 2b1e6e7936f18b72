package io.interestengine.simd;

import io.interestengine.graph.MaxPoolOp;
import io.interestengine.graph.Scope;
import io.interestengine.graph.Value;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * max_pool on SIMD against the reference kernel, over widths that hit every lane tail, right and left padding,
 * masked and unmasked sequences; max is exact, so both agree bit for bit. Also the DeepCTR-Torch rule itself: an
 * empty row pools to exactly −1e9 (inputs here are Gaussian, |x| &lt; 32), a full row to the plain max.
 */
class MaxPoolTest {
    private static final int[] SIZES = {1, 3, 13, 17, 100, 207};

    @Test
    void simdEqualsScalarAndFollowsTheReferenceRule() {
        Random r = new Random(11);
        for (int w : SIZES) {
            for (int T : new int[]{1, 3, 17}) {
                for (int mode = 0; mode < 3; mode++) {
                    boolean masked = mode > 0, left = mode == 2;
                    Value in = Value.sequence("h", Scope.USER, T, w, masked ? Arenas.grp(T, left) : null);
                    MaxPoolOp op = new MaxPoolOp(Value.vector("p", Scope.USER, w), in);
                    int users = 4, inOff = 2, outOff = inOff + users * T * w;
                    try (Arenas a = new Arenas(T, left, outOff + users * w + 2, users, users, users, r.nextLong(), 1, op)) {
                        int[] lens = {T, 0, 1, r.nextInt(T + 1)};
                        a.ints(0, lens);
                        a.maxPool(a.scalar, op, inOff, outOff, 0).run(users, users);
                        a.maxPool(a.simd, op, inOff, outOff, 0).run(users, users);
                        String what = "max_pool w=" + w + " T=" + T + " masked=" + masked + " left=" + left;
                        a.assertClose(what, Arenas.exact());
                        float[] f = a.scalarF();
                        for (int j = 0; j < w; j++) {
                            float max = Float.NEGATIVE_INFINITY;
                            for (int t = 0; t < T; t++) max = Math.max(max, f[inOff + t * w + j]);
                            assertEquals(max, f[outOff + j], what + ": a full row is its max");
                            if (masked) assertEquals(-1e9f, f[outOff + w + j], what + ": an empty row is −1e9");
                        }
                    }
                }
            }
        }
    }
}
