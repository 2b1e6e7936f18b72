package io.interestengine.simd;

import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.Session;
import io.interestengine.testkit.RandomRequests;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every kernel method compiles at C1's profiled tier. A method with too much vector code makes C1 give up ("out of
 * virtual registers"), and a method C1 gave up on after a first, counters-only compile stays there: it never
 * gathers the profile C2 waits for, and every vector operation in it is boxed, several hundred times slower. Which
 * methods reach that state depends on the JIT's order of work (it struck the vector cross at random), so this test
 * forces it: a child JVM compiles every engine method on first call at tier 3 ({@code -Xcomp
 * -XX:TieredStopAtLevel=3}), scores every bundled model and family fixture once, and no compile of an engine method
 * may be skipped. At the machine's own vector width only (the wider ones run the library's Java fallback anyway).
 */
class ProfiledTierTest {
    @Test
    void everyKernelMethodCompilesAtTheProfiledTier() throws IOException, InterruptedException {
        assumeTrue(System.getProperty(Vec.BITS_PROPERTY) == null, "the machine's own vector width only");
        List<String> dirs = new ArrayList<>();
        for (Path d : FirstCallTest.bundledModels()) dirs.add(d.toString());
        for (Path d : FirstCallTest.familyFixtures()) dirs.add(d.toString());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Xcomp",
                "-XX:TieredStopAtLevel=3", "-XX:+PrintCompilation", "-XX:CompileCommand=quiet",
                "-XX:CompileCommand=compileonly,io.interestengine.*::*", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(dirs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "child JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("SCORED " + dirs.size()), out);
        List<String> skipped = out.lines()
                .filter(l -> l.contains("COMPILE SKIPPED") && l.contains("io.interestengine")).toList();
        assertTrue(skipped.isEmpty(),
                "engine methods C1 cannot compile with profiling:\n" + String.join("\n", skipped));
    }

    /** Run in the child JVM: one ranking request and one batch per model directory. */
    public static final class Main {
        public static void main(String[] args) {
            int n = 0;
            for (String dir : args) {
                try (Model m = Model.load(Path.of(dir), LoadOptions.defaults().withBackend("simd"));
                     Session s = m.newSession()) {
                    s.score(RandomRequests.ranking(m, 20, 37, 7));
                    s.score(RandomRequests.batch(m, 16, 8));
                    n++;
                }
            }
            System.out.println("SCORED " + n);
        }
    }
}
