package io.interestengine.simd;

import io.interestengine.testkit.GoldenCases;
import io.interestengine.testkit.Presets;
import io.interestengine.testkit.RandomRequests;
import io.interestengine.internal.Internals;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.BatchRequest;
import io.interestengine.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * One model shared by sessions on many threads gives the scores of one thread (a session's result depends on
 * its own workspace only), and intra-request parallelism gives the scores of none (candidate rows are
 * independent and computed by the same code whichever thread runs them); see {@link #check} for "the same".
 */
class ConcurrencyTest {
    @TempDir
    static Path tmp;

    private static List<float[]> scoreAll(Session s, Model m, int requests) {
        List<float[]> out = new ArrayList<>();
        int T = Internals.graph(m).sequences().get(0).maxLength();
        for (int k = 0; k < requests; k++) {
            RankingRequest r = RandomRequests.ranking(m, 1 + 37 * k % 250, k % (T + 1), k);
            out.add(s.score(r));
            BatchRequest q = RandomRequests.batch(m, 1 + 13 * k % 70, k);
            out.add(s.score(q));
        }
        return out;
    }

    /** A small random DIN ("din"), or a golden DIEN or MIMN model by its directory name. */
    private static Path model(String name) {
        return name.equals("din") ? Presets.mouna99(Presets.smallSpec(true), 3).write(tmp.resolve("din_" + System.nanoTime()))
                : GoldenCases.goldenDir().resolve(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar din", "simd din", "scalar dien_torch_augru", "simd dien_mouna99_augru", "scalar mimn_miu_reg_mask",
            "simd mimn_miu_reg_mask", "simd mimn_miu_reg_events"})
    void manySessionsOnManyThreadsMatchOneThread(String backendAndModel) throws Exception {
        String backend = backendAndModel.split(" ")[0];
        try (Model m = Model.load(model(backendAndModel.split(" ")[1]), LoadOptions.defaults().withBackend(backend))) {
            // The reference is taken once the JIT has settled: the Vector API's exp and tanh are SVML intrinsics
            // in C2 code and Math calls in the interpreter's fallback, which may differ in the last ulp, so
            // results are bit-stable only between equally warm code (they always agree within tolerance).
            List<float[]> want;
            try (Session s = m.newSession()) {
                want = settled(s, m, 12);
            }
            int threads = 6;
            try (ExecutorService ex = Executors.newFixedThreadPool(threads)) {
                List<Future<List<float[]>>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    fs.add(ex.submit(() -> {
                        try (Session s = m.newSession()) {
                            return settled(s, m, 12);
                        }
                    }));
                }
                for (Future<List<float[]>> f : fs) {
                    List<float[]> got = f.get();
                    for (int k = 0; k < want.size(); k++) check(backend, want.get(k), got.get(k), "request " + k);
                }
            }
        }
    }

    /**
     * Scalar: bit-identical. SIMD: within 1e-6 absolute (a few ulps of a score below 1, after DIEN's 100-step
     * recurrence). Threads share only the read-only model, yet a thread can run a kernel in code that C2
     * compiled differently (an on-stack-replacement version, a recompilation after deoptimisation), where the
     * Vector API's exp, tanh and lane reductions may take the Java fallback instead of the intrinsic and differ
     * in the last ulp; the recurrences carry that ulp to a few. A race or a shared buffer moves scores by far
     * more (1e-3 and up).
     */
    /**
     * Bit for bit on both backends: the SIMD kernels' results depend neither on the JIT tier (their own exp and
     * fixed-order sums) nor on which thread or block computes a row.
     */
    private static void check(String backend, float[] want, float[] got, String what) {
        assertArrayEquals(want, got, backend + " " + what);
    }

    /**
     * Scores until two passes agree bit for bit after a fixed warm-up, then returns the last. Without the
     * warm-up two cold passes (interpreted, the Vector API's Java fallback) can agree with each other and yet
     * not with the C2 code that replaces them a moment later.
     */
    private static List<float[]> settled(Session s, Model m, int requests) {
        List<float[]> prev = null;
        for (int k = 0; k < 200; k++) {
            List<float[]> next = scoreAll(s, m, requests);
            if (k >= 10 && same(prev, next)) return next;
            prev = next;
        }
        return prev;
    }

    private static boolean same(List<float[]> a, List<float[]> b) {
        for (int k = 0; k < a.size(); k++) if (!java.util.Arrays.equals(a.get(k), b.get(k))) return false;
        return true;
    }

    @ParameterizedTest
    @ValueSource(strings = {"din", "dien_torch_augru", "mimn_miu_reg_mask"})
    void intraRequestParallelismMatchesSequential(String name) {
        Path dir = model(name);
        try (Model one = Model.load(dir, LoadOptions.defaults().withBackend("simd"));
             Model par = Model.load(dir, LoadOptions.defaults().withBackend("simd").withIntraRequestThreads(3));
             Session a = one.newSession(); Session b = par.newSession()) {
            List<float[]> want = settled(a, one, 10), got = settled(b, par, 10);
            for (int k = 0; k < want.size(); k++) check("simd", want.get(k), got.get(k), "request " + k);
        }
    }
}
