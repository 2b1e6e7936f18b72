package io.interestengine.simd;

import io.interestengine.testkit.GoldenCases;
import io.interestengine.testkit.Presets;
import io.interestengine.testkit.RandomRequests;
import io.interestengine.internal.Internals;
import io.interestengine.BatchRequest;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.Session;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * After warm-up, scoring allocates nothing: bytes allocated by this thread across many score calls, read
 * from the JVM's per-thread allocation counter, for ranking and batch requests on both CPU backends, on DIN
 * and on DIEN and MIMN golden models (every op family: attention, GRU/AUGRU, the MIMN memory and read), and on
 * the deep recommendation family's models (with the bundled base model, whose history pooling SIMD fuses with its
 * gathers).
 */
class AllocationTest {
    @TempDir
    static Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"simd", "scalar"})
    void scoreAllocatesNothingAfterWarmUp(String backend) {
        Path dir = Presets.mouna99(Presets.smallSpec(true), 5).write(tmp.resolve("din_" + backend));
        try (Model m = Model.load(dir, LoadOptions.defaults().withBackend(backend))) {
            assertNoAllocation(m, RandomRequests.ranking(m, 50, 9, 1), RandomRequests.batch(m, 32, 2), backend + " din");
        }
    }

    /**
     * Tables stored as F16, BF16 and I8, copied and mapped: 18-wide rows (whole and overlapped vectors at every
     * width) and the small DIN's 9-wide ones (one masked vector at 512 bits).
     */
    @ParameterizedTest
    @ValueSource(strings = {"F16", "BF16", "I8"})
    void compactTablesAllocateNothingAfterWarmUp(String form) {
        Path small = Presets.mouna99(Presets.smallSpec(true), 5).write(tmp.resolve("din9_" + form));
        Path wide = Presets.mouna99(CompactTableModelTest.din18(), 5).write(tmp.resolve("din18_" + form));
        for (Path src : new Path[]{small, wide}) {
            Path dir = tmp.resolve(src.getFileName() + "_compact");
            io.interestengine.testkit.TableForms.rewrite(src, dir, form, false);
            compactTablesAllocateNothing(dir, form);
        }
    }

    private static void compactTablesAllocateNothing(Path dir, String form) {
        for (boolean mmap : new boolean[]{false, true}) {
            try (Model m = Model.load(dir, LoadOptions.defaults().withBackend("simd").withMmapTables(mmap))) {
                int T = Internals.graph(m).sequences().get(0).maxLength();
                assertNoAllocation(m, RandomRequests.ranking(m, 50, T - 1, 1), RandomRequests.batch(m, 32, 2),
                        "simd " + dir.getFileName() + (mmap ? " mapped" : ""));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dien_torch_augru", "dien_mouna99_augru", "mimn_miu_reg_mask", "mimn_miu_reg_events",
            "deepctr/din_combiners", "deepctr/din_tags_own_length"})
    void sequenceModelsAllocateNothingAfterWarmUp(String golden) {
        // Models with one, two and three sequence groups (two of them id-masked) in one JVM: per-call code that
        // iterates the graph's lists would allocate here (their classes differ with the count, so C2 cannot
        // inline the iterator and remove it), even where a model alone does not.
        Path dir = golden.startsWith("deepctr/") ? GoldenCases.deepCtrDir().resolve(golden.substring(8)) : GoldenCases.goldenDir().resolve(golden);
        for (String backend : new String[]{"simd", "scalar"}) {
            try (Model m = Model.load(dir, LoadOptions.defaults().withBackend(backend))) {
                int T = Internals.graph(m).sequences().get(0).maxLength();
                // the batch crosses a block of the SIMD MIMN kernel (32 users)
                assertNoAllocation(m, RandomRequests.ranking(m, 50, T - 1, 1), RandomRequests.batch(m, 40, 2), backend + " " + golden);
            }
        }
    }

    /**
     * The deep recommendation family: the bundled DeepFM and DCN and one fixture per op kind (fm, inner and outer
     * products with each kernel, afm, cross vector and matrix, cin split and not,
     * self_attention, residual, the linear part's sum, reduce_sum, mul). flatten is a single System.arraycopy.
     * The scalar backend does not depend on the vector width: it runs in the default execution only (CI time).
     * NFM (bi_interaction, tanh tower) and DCN-Mix (cross_mix, tanh experts) too, now that tanh is an array pass
     * (no vector crosses a call that C2 might leave un-inlined and box).
     */
    @ParameterizedTest
    @ValueSource(strings = {"models/base", "models/deepfm", "models/dcn", "deepctr/afm_attention",
            "deepctr/pnn_inner_outer_vec", "deepctr/pnn_outer_mat", "deepctr/pnn_outer_num",
            "deepctr/dcn_matrix_2", "deepctr/xdeepfm_split_relu",
            "deepctr/xdeepfm_nosplit_sigmoid", "deepctr/autoint_3x2_res", "golden/neumf", "golden/autorec",
            "golden/deep_crossing", "deepctr/nfm_bi_dropout_0", "deepctr/dcnmix_3x4r3"})
    void familyModelsAllocateNothingAfterWarmUp(String name) {
        Path root = GoldenCases.goldenDir().getParent().getParent();
        int slash = name.indexOf('/');
        Path dir = name.startsWith("models/") ? root.resolve(name)
                : GoldenCases.fixturesDir(name.substring(0, slash)).resolve(name.substring(slash + 1));
        boolean defaultWidth = System.getProperty("interestengine.simd.bits") == null;
        for (String backend : defaultWidth ? new String[]{"simd", "scalar"} : new String[]{"simd"}) {
            try (Model m = Model.load(dir, LoadOptions.defaults().withBackend(backend))) {
                // 50 candidates and 40 samples cross the SIMD kernels' 16-row blocks with a tail
                assertNoAllocation(m, RandomRequests.ranking(m, 50, 5, 1), RandomRequests.batch(m, 40, 2),
                        backend + " " + name);
            }
        }
    }

    private static void assertNoAllocation(Model m, RankingRequest rq, BatchRequest bq, String what) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int hw = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        Assumptions.assumeTrue(Vec.bits() <= hw, Vec.bits() + "-bit vectors exceed this CPU's " + hw
                + " bits: the Vector API's Java fallback runs them, boxing every vector");
        Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(), "per-thread allocation counter unavailable");
        try (Session s = m.newSession()) {
            float[] out = new float[200];
            // Warm-up until C2 has compiled the score path (escape analysis removes iterator objects and boxed
            // vectors): on a loaded machine compilation can lag, so measure after each round of warm-up and
            // accept the first clean round; a path that allocates on every call never gets one.
            int calls = 200;
            long ranking = -1, batch = -1;
            for (int round = 0; round < 30 && (ranking != 0 || batch != 0); round++) {
                for (int k = 0; k < 1500; k++) {
                    s.score(rq, out);
                    s.score(bq, out);
                }
                // Give the compiler threads the CPU for a moment: on a loaded machine C2's queue can lag far behind.
                if (round > 0) sleep(200);
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int k = 0; k < calls; k++) s.score(rq, out);
                ranking = mx.getCurrentThreadAllocatedBytes() - before;
                before = mx.getCurrentThreadAllocatedBytes();
                for (int k = 0; k < calls; k++) s.score(bq, out);
                batch = mx.getCurrentThreadAllocatedBytes() - before;
            }
            // The counter is exact per thread; a single allocation per call would show as ≥ 16·calls bytes.
            assertEquals(0, ranking / calls, what + ": ranking request allocates " + ranking + " bytes over " + calls + " calls");
            assertEquals(0, batch / calls, what + ": batch request allocates " + batch + " bytes over " + calls + " calls");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
