package io.interestengine.simd;

import io.interestengine.testkit.BackendChecks;
import io.interestengine.testkit.Presets;
import io.interestengine.Backends;
import io.interestengine.BackendUnavailableException;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.spi.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Registration, automatic selection, and the decline without the incubator module. */
class BackendTest {
    @TempDir
    static Path tmp;

    @Test
    void registeredAboveScalarAndChosenByAuto() {
        Backend first = Backends.registered().getFirst();
        assertEquals("simd", first.name(), "highest-ranked backend on a CPU-only class path");
        assertEquals(10, first.rank());
        Path dir = Presets.mouna99(Presets.smallSpec(true), 1).write(tmp.resolve("din"));
        try (Model m = Model.load(dir)) {
            assertEquals("simd", m.backendName(), m.selectionReport());
        }
    }

    @Test
    void candidateScopeSequencesAreMaskedByTheirUsersLength() {
        BackendChecks.candidateScopeMasking(tmp.resolve("cand-scope"), "simd");
    }

    @Test
    void rejectsZeroThreads() {
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.defaults().withIntraRequestThreads(0));
    }

    /** Child JVM without --add-modules: the probe must decline with the fix, not fail with NoClassDefFoundError. */
    @Test
    void declinesWithoutVectorModule() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ProbeMain.class.getName())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("declined: module jdk.incubator.vector is not resolved: start the JVM with --add-modules jdk.incubator.vector"), out);
    }

    /** Run in the child JVM. */
    public static final class ProbeMain {
        public static void main(String[] args) {
            try {
                new SimdBackend().probe();
                System.out.println("accepted");
            } catch (BackendUnavailableException e) {
                System.out.println("declined: " + e.getMessage());
            }
        }
    }
}
