package io.interestengine.cuda;

import io.interestengine.testkit.Presets;
import io.interestengine.testkit.RandomRequests;
import io.interestengine.Model;
import io.interestengine.Session;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA backend against the scalar reference on random DIN-shaped models covering every option the kernels
 * branch on, at sizes hitting the kernels' tails; skipped, with the reason, without a GPU.
 */
class CudaRandomModelTest {
    @TempDir
    Path tmp;

    @TestFactory
    List<DynamicTest> cudaMatchesScalar() {
        if (CudaBackend.unavailableReason() != null) return List.of(DynamicTest.dynamicTest("random models, cuda vs scalar", Gpu::assume));
        return Presets.variants().stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> {
            Path dir = Presets.variant(s, 42).write(tmp.resolve(s.name()));
            Compare.model(dir, s, "cuda", Compare.RTOL, Compare.ATOL);
        })).toList();
    }

    @Test
    void tf32DenseLayersWithinTheirTolerance() {
        Gpu.assume();
        Presets.Variant s = Presets.standardVariant();
        Path dir = Presets.variant(s, 43).write(tmp.resolve("tf32"));
        System.setProperty("interestengine.cuda.tf32", "true");
        try {
            Compare.model(dir, s, "cuda", Compare.TF32_RTOL, Compare.TF32_ATOL);
        } finally {
            System.clearProperty("interestengine.cuda.tf32");
        }
    }

    @Test
    void debugSyncModeGivesTheSameScores() {
        Gpu.assume();
        Presets.Variant s = Presets.variants().getFirst();
        Path dir = Presets.variant(s, 44).write(tmp.resolve("sync"));
        System.setProperty("interestengine.cuda.sync", "true");
        try {
            Compare.model(dir, s, "cuda", Compare.RTOL, Compare.ATOL);
        } finally {
            System.clearProperty("interestengine.cuda.sync");
        }
    }

    /** Runs everywhere: the generated models and requests are valid (so a GPU run fails only on the GPU's account). */
    @Test
    void randomModelsAreValidOnTheScalarBackend() {
        for (Presets.Variant s : Presets.variants()) {
            Path dir = Presets.variant(s, 42).write(tmp.resolve("check-" + s.name()));
            try (Model m = Model.load(dir, io.interestengine.LoadOptions.defaults().withBackend("scalar")); Session ss = m.newSession()) {
                for (int len : new int[]{0, 1, s.T()}) {
                    float[] a = ss.score(RandomRequests.ranking(m, 17, len, 5));
                    for (float x : a) assertTrue(Float.isFinite(x), s.name() + " len " + len + ": score " + x);
                }
                float[] b = ss.score(RandomRequests.batch(m, 13, 6));
                float[] c = ss.score(RandomRequests.ranking(m, 3, s.T(), 7));
                assertTrue(b.length == 13 && c.length == 3, s.name());
                // Different candidates must get different scores, or the comparison would prove little.
                float[] d = ss.score(RandomRequests.ranking(m, 100, s.T(), 8));
                float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
                for (float x : d) { min = Math.min(min, x); max = Math.max(max, x); }
                assertTrue(max - min > 1e-4f, s.name() + ": scores barely vary (" + min + ".." + max + ")");
            }
        }
    }
}
