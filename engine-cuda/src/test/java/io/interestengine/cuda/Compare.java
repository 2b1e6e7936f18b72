package io.interestengine.cuda;

import io.interestengine.testkit.GoldenCases;
import io.interestengine.testkit.Presets;
import io.interestengine.testkit.RandomRequests;
import io.interestengine.BatchRequest;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.Session;

import java.nio.file.Path;

/** Scores the same requests on the scalar reference and on another backend and asserts they agree. */
public final class Compare {
    /** Candidate counts and batch sizes that hit the kernels' tails (tiles of 64, blocks of 128/256). */
    public static final int[] SIZES = {1, 3, 13, 17, 100, 207, 1000};

    /**
     * fp32 on both sides; the GPU sums in another order (tiles, fma), evaluates the attention's first layer in
     * its split form (Wq+Wd rounded once) and uses expf/tanhf (within 2 ulp of the scalar's double exp). Over a
     * handful of layers that moves a score by ~1e-6 relative; 1e-4 relative leaves margin, while a masking,
     * broadcasting or indexing error moves scores by 1e-2 or more. 1e-5 absolute covers scores near 0.
     */
    public static final double RTOL = 1e-4, ATOL = 1e-5;
    /** TF32 rounds GEMM inputs to a 10-bit mantissa (~5e-4 relative per product): a looser, stated bar. */
    public static final double TF32_RTOL = 2e-2, TF32_ATOL = 2e-3;

    private Compare() {
    }

    /** Ranking requests of every size (history lengths 0, 1, T/2, T) and batches of every size, backend vs scalar. */
    public static void model(Path dir, Presets.Variant spec, String backend, double rtol, double atol) {
        model(dir, spec, backend, rtol, atol, SIZES);
    }

    /** As above over the given candidate counts and batch sizes. */
    public static void model(Path dir, Presets.Variant spec, String backend, double rtol, double atol, int[] sizes) {
        try (Model ref = Model.load(dir, LoadOptions.defaults().withBackend("scalar"));
             Model got = Model.load(dir, LoadOptions.defaults().withBackend(backend));
             Session rs = ref.newSession(); Session gs = got.newSession()) {
            int[] lens = {0, 1, spec.T() / 2, spec.T()};
            long seed = 1;
            for (int n : sizes) {
                for (int len : lens) {
                    RankingRequest a = RandomRequests.ranking(ref, n, len, seed), b = RandomRequests.ranking(got, n, len, seed);
                    seed++;
                    GoldenCases.assertClose(spec.name() + " ranking n=" + n + " len=" + len + " on " + backend, rs.score(a), gs.score(b), rtol, atol);
                }
                BatchRequest a = RandomRequests.batch(ref, n, seed), b = RandomRequests.batch(got, n, seed);
                seed++;
                GoldenCases.assertClose(spec.name() + " batch of " + n + " on " + backend, rs.score(a), gs.score(b), rtol, atol);
                // The same shape again: replayed from the captured CUDA graph, must give the same scores.
                RankingRequest c = RandomRequests.ranking(ref, n, spec.T(), seed), d = RandomRequests.ranking(got, n, spec.T(), seed);
                seed++;
                GoldenCases.assertClose(spec.name() + " repeated shape n=" + n + " on " + backend, rs.score(c), gs.score(d), rtol, atol);
            }
        }
    }
}
