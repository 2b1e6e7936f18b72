package io.interestengine.cuda;

import io.interestengine.testkit.BackendChecks;
import io.interestengine.testkit.GoldenCases;
import io.interestengine.testkit.Presets;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.Session;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs without a GPU: the whole CUDA backend (weight upload and the attention split, session arena and staging,
 * row maps, the per-request launch queue, every launcher's arguments) over the CPU emulation of the same kernel
 * sources, compared with the scalar reference on the random models. Where a GPU exists the same comparisons
 * run on it (CudaRandomModelTest); this one finds host-side mistakes before any GPU run. Skipped, with the
 * reason, where the emulator cannot be built (no g++).
 */
class EmulatedBackendTest {
    /** The emulator runs every GPU thread as a CPU thread: small sizes, still hitting the tails. */
    private static final int[] SIZES = {1, 17};

    @TempDir
    static Path tmp;

    @BeforeAll
    static void build() throws Exception {
        // build.sh rebuilds only the libraries older than their sources: libraries left from an older checkout
        // would run old kernels against the current host code.
        Path script = null;
        for (Path d = Path.of("").toAbsolutePath(); d != null && script == null; d = d.getParent()) {
            if (Files.exists(d.resolve("kernels/emu/build.sh"))) script = d.resolve("kernels/emu/build.sh");
        }
        if (script == null) return;
        try {
            new ProcessBuilder("bash", script.toString()).inheritIO().start().waitFor();
        } catch (java.io.IOException e) {
            // no bash: the tests skip with the emulator's reason
        }
    }

    private static void assumeEmulator() {
        String why = new EmulatedCudaBackend().unavailableReasonForTests();
        Assumptions.assumeTrue(why == null, () -> "CUDA emulation skipped: " + why);
    }

    @TestFactory
    List<DynamicTest> emulatedBackendMatchesScalar() {
        // T ≤ 17 variants: the options the golden fixtures do not cover (raw weights, left padding, Dice with batch
        // norm, identity output, a dense user field); T = 100 costs minutes on the emulator and runs on the GPU.
        return Presets.variants().stream().filter(v -> v.T() <= 17).map(s -> DynamicTest.dynamicTest(s.name(), () -> {
            assumeEmulator();
            Path dir = Presets.variant(s, 42).write(tmp.resolve(s.name()));
            Compare.model(dir, s, "cuda-emu", Compare.RTOL, Compare.ATOL, SIZES);
        })).toList();
    }

    /** Uploads beyond the dense input region (a user's saved state) go through the spill area in chunks. */
    @Test
    void uploadAndDownloadAnywhereInTheArena() {
        assumeEmulator();
        Path dir = Presets.tinyDin(7).write(tmp.resolve("arena"));
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            io.interestengine.graph.ModelGraph g = io.interestengine.graph.GraphLoader.load(dir, arena, false);
            int floats = 800_000, at = 123_457, n = 600_001;   // spans three spill chunks, not aligned
            try (io.interestengine.spi.DeviceModel dm = new EmulatedCudaBackend().load(g, io.interestengine.LoadOptions.defaults());
                 io.interestengine.spi.DeviceSession s = dm.openSession(new io.interestengine.spi.PlanLayout(g, floats, 8, 8, 1, 4, new io.interestengine.spi.Bindings() {
                     public io.interestengine.graph.ModelGraph graph() { return g; }
                     public int off(io.interestengine.graph.Value v) { return 0; }
                     public int idsOff(io.interestengine.graph.Field f) { return 0; }
                     public int lengthsOff(io.interestengine.graph.SequenceGroup q) { return 0; }
                     public int rowMapOff() { return 4; }
                     public int maxRows(io.interestengine.graph.Scope q) { return 4; }
                 }))) {
                float[] sf = s.stagingFloats();
                for (int k = 0; k < n; k++) sf[at + k] = k * 0.5f - 7f;
                s.upload(0, at, n);
                float[] back = new float[n];
                s.download(at, back, n);
                for (int k = 0; k < n; k++) assertEquals(k * 0.5f - 7f, back[k], "float " + (at + k));
            }
        }
    }

    @Test
    void sessionsAreIndependentAndReusable() {
        assumeEmulator();
        Path dir = Presets.tinyDin(7).write(tmp.resolve("tiny"));
        try (Model m = Model.load(dir, LoadOptions.defaults().withBackend("cuda-emu"));
             Model ref = Model.load(dir, LoadOptions.defaults().withBackend("scalar"));
             Session a = m.newSession(); Session b = m.newSession(); Session r = ref.newSession()) {
            assertEquals("cuda-emu", m.backendName());
            float[] want = r.score(BackendChecks.tinyRequest(ref, 4, 5));
            float[] first = a.score(BackendChecks.tinyRequest(m, 4, 5));
            b.score(BackendChecks.tinyRequest(m, 0, 300));   // grows b's workspace past the initial 256 candidates
            float[] again = a.score(BackendChecks.tinyRequest(m, 4, 5));
            GoldenCases.assertClose("session a", want, first, Compare.RTOL, Compare.ATOL);
            // Same session, same request after another session grew: bit-identical (deterministic kernels).
            GoldenCases.assertClose("session a after b", first, again, 0, 0);
        }
    }
}
