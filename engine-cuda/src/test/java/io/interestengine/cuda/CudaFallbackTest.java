package io.interestengine.cuda;

import io.interestengine.testkit.BackendChecks;
import io.interestengine.testkit.Presets;
import io.interestengine.BackendUnavailableException;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.Session;
import io.interestengine.spi.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backend selection with and without a GPU. Without one (no libcuda.so.1: JCuda's native load fails), nothing
 * crashes: {@code auto} picks a CPU backend and its report names cuda as rejected with the reason, and forcing
 * cuda fails with that reason. With one, {@code auto} picks cuda.
 */
class CudaFallbackTest {
    @Test
    void registeredThroughServiceLoaderAboveTheCpuBackends() {
        Backend cuda = null;
        for (Backend b : ServiceLoader.load(Backend.class)) if (b.name().equals("cuda")) cuda = b;
        assertTrue(cuda instanceof CudaBackend, "META-INF/services registers the cuda backend");
        assertTrue(cuda.rank() > 10, "cuda outranks simd (10) and scalar (0)");
    }

    @Test
    void autoFallsBackCleanlyWithoutAGpu(@TempDir Path dir) {
        String why = CudaBackend.unavailableReason();
        Presets.tinyDin(7).write(dir);
        try (Model m = Model.load(dir); Session s = m.newSession()) {
            float[] scores = s.score(BackendChecks.tinyRequest(m, 3, 5));
            assertEquals(5, scores.length);
            if (why == null) {
                assertEquals("cuda", m.backendName(), m.selectionReport());
            } else {
                assertNotEquals("cuda", m.backendName());
                assertTrue(m.selectionReport().contains("cuda rejected: " + why), m.selectionReport());
            }
        }
    }

    @Test
    void forcingCudaWithoutAGpuGivesTheReason(@TempDir Path dir) {
        String why = CudaBackend.unavailableReason();
        if (why == null) return; // a GPU is present: covered by the CUDA conformance tests
        Presets.tinyDin(7).write(dir);
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Model.load(dir, LoadOptions.defaults().withBackend("cuda")).close());
        assertEquals(why, e.getMessage());
        assertTrue(why.contains("install the NVIDIA driver"), "the reason says how to fix it: " + why);
        // Probing again does not retry the native load (and does not throw anything but the same decline).
        assertEquals(why, assertThrows(BackendUnavailableException.class, () -> new CudaBackend().probe()).getMessage());
    }
}
