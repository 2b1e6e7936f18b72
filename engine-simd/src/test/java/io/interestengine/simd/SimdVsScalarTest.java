package io.interestengine.simd;

import io.interestengine.testkit.GoldenCases;
import io.interestengine.testkit.Presets;
import io.interestengine.testkit.RandomRequests;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.Session;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Whole models on the SIMD backend against the scalar backend: random DIN and Base models, ranking requests
 * over N candidates and batches of B samples, at the sizes that hit loop tails. Scores are softmax outputs in
 * (0, 1); every layer sums in another order than the reference (~1e-6 relative each, see KernelTest), so 1e-4
 * relative and 1e-5 absolute leave a margin of ten while a broken kernel moves scores by far more.
 */
class SimdVsScalarTest {
    static final double RTOL = 1e-4, ATOL = 1e-5;
    static final int[] SIZES = {1, 3, 13, 17, 100, 207, 1000};

    @TempDir
    static Path tmp;

    private static void compare(Presets.Mouna99 spec, int[] ns, int[] bs) {
        Path dir = Presets.mouna99(spec, 11).write(tmp.resolve(spec.name() + (spec.leftPadding() ? "_left" : "")));
        try (Model sc = Model.load(dir, LoadOptions.defaults().withBackend("scalar"));
             Model si = Model.load(dir, LoadOptions.defaults().withBackend("simd"));
             Session a = sc.newSession(); Session b = si.newSession()) {
            int T = spec.T();
            for (int n : ns) {
                for (int len : new int[]{0, 1, T / 2 + 1, T}) {
                    float[] want = a.score(RandomRequests.ranking(sc, n, len, n * 31L + len));
                    float[] got = b.score(RandomRequests.ranking(si, n, len, n * 31L + len));
                    GoldenCases.assertClose(spec.name() + " ranking n=" + n + " len=" + len + " [" + Vec.bits() + "-bit]", want, got, RTOL, ATOL);
                }
            }
            for (int n : bs) {
                float[] want = a.score(RandomRequests.batch(sc, n, n));
                float[] got = b.score(RandomRequests.batch(si, n, n));
                GoldenCases.assertClose(spec.name() + " batch b=" + n + " [" + Vec.bits() + "-bit]", want, got, RTOL, ATOL);
            }
        }
    }

    @Test
    void smallDinAtEveryTail() {
        compare(Presets.smallSpec(true), SIZES, SIZES);
    }

    @Test
    void smallDinLeftPadding() {
        Presets.Mouna99 s = Presets.smallSpec(true);
        compare(new Presets.Mouna99(s.name(), true, s.T(), s.dim(), s.users(), s.items(), s.cats(), s.att(), s.mlp(), true, s.embeddingStd()), new int[]{1, 17}, new int[]{13});
    }

    @Test
    void smallBaseAtEveryTail() {
        compare(Presets.smallSpec(false), SIZES, SIZES);
    }

    @Test
    void standardDinRankingAndBatch() {
        Assumptions.assumeTrue(Vec.bits() <= FloatVector.SPECIES_PREFERRED.vectorBitSize(),
                "standard-size model skipped: " + Vec.bits() + "-bit vectors run through the Java fallback on this CPU ("
                        + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit); the small models cover this width");
        compare(new Presets.Mouna99("din_std", true, 100, 18, 5000, 5000, 50, new int[]{80, 40}, new int[]{200, 80}, false, 1.0), new int[]{200}, new int[]{100});
    }
}
