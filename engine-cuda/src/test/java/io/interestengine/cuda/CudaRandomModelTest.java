package io.interestengine.cuda;

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
        return RandomModels.variants().stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> {
            Path dir = RandomModels.write(tmp.resolve(s.name()), s, 42);
            Compare.model(dir, s, "cuda", Compare.RTOL, Compare.ATOL);
        })).toList();
    }

    @Test
    void tf32DenseLayersWithinTheirTolerance() {
        Gpu.assume();
        RandomModels.Spec s = RandomModels.standardDin();
        Path dir = RandomModels.write(tmp.resolve("tf32"), s, 43);
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
        RandomModels.Spec s = RandomModels.variants().getFirst();
        Path dir = RandomModels.write(tmp.resolve("sync"), s, 44);
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
        for (RandomModels.Spec s : RandomModels.variants()) {
            Path dir = RandomModels.write(tmp.resolve("check-" + s.name()), s, 42);
            try (Model m = Model.load(dir, io.interestengine.LoadOptions.defaults().withBackend("scalar")); Session ss = m.newSession()) {
                for (int len : new int[]{0, 1, s.T()}) {
                    float[] a = ss.score(RandomModels.ranking(m, s, 17, len, 5));
                    for (float x : a) assertTrue(Float.isFinite(x), s.name() + " len " + len + ": score " + x);
                }
                float[] b = ss.score(RandomModels.batch(m, s, 13, 6));
                float[] c = ss.score(RandomModels.ranking(m, s, 3, s.T(), 7));
                assertTrue(b.length == 13 && c.length == 3, s.name());
                // Different candidates must get different scores, or the comparison would prove little.
                float[] d = ss.score(RandomModels.ranking(m, s, 100, s.T(), 8));
                float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
                for (float x : d) { min = Math.min(min, x); max = Math.max(max, x); }
                assertTrue(max - min > 1e-4f, s.name() + ": scores barely vary (" + min + ".." + max + ")");
            }
        }
    }
}
