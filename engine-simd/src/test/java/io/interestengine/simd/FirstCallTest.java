package io.interestengine.simd;

import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.Session;
import io.interestengine.testkit.RandomRequests;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A session's first (cold) call scores bit for bit what its thousandth does, on every bundled model: each runs
 * in a fresh JVM, so the first call runs the kernels interpreted and the later ones compiled by C1 and C2. The
 * kernels use only operations whose result does not depend on the tier (their own exp and a fixed-order lane
 * sum instead of the library's, whose values differ before and after C2 compiles them).
 */
class FirstCallTest {
    static final int CALLS = 1000;

    /**
     * Fixtures whose ops no bundled model has: AutoInt's self-attention, AFM, CIN, DCN-Mix, NFM, PNN's inner and
     * outer products (DCN vector and matrix, DeepFM and WDL are bundled models).
     */
    static final List<String> FAMILY_FIXTURES = List.of("autoint_3x2_res", "afm_attention", "xdeepfm_cin_prelu",
            "dcnmix_3x4r3", "nfm_bi_dropout_0", "pnn_inner_outer_vec", "pnn_outer_mat", "pnn_outer_num");

    @Test
    void firstCallEqualsTheThousandthOnEveryBundledModel() throws IOException, InterruptedException {
        assertIdentical(bundledModels());
    }

    @Test
    void firstCallEqualsTheThousandthOnTheFamilyFixtures() throws IOException, InterruptedException {
        assertIdentical(familyFixtures());
    }

    /** The bundled models' directories ({@code models/*} with a model.json), at least one. */
    static List<Path> bundledModels() throws IOException {
        Path models = io.interestengine.testkit.GoldenCases.fixturesDir("golden").getParent().getParent()
                .resolve("models");
        List<Path> dirs;
        try (Stream<Path> s = Files.list(models)) {
            dirs = s.filter(d -> Files.exists(d.resolve("model.json"))).sorted().toList();
        }
        assertFalse(dirs.isEmpty(), "no bundled models under " + models);
        return dirs;
    }

    /** {@link #FAMILY_FIXTURES}' directories, each checked to hold a model. */
    static List<Path> familyFixtures() {
        Path deepctr = io.interestengine.testkit.GoldenCases.fixturesDir("deepctr");
        List<Path> dirs = FAMILY_FIXTURES.stream().map(deepctr::resolve).toList();
        for (Path d : dirs) assertTrue(Files.exists(d.resolve("model.json")), "no fixture " + d);
        return dirs;
    }

    /** Each model in a fresh JVM ({@link Main}); fails listing every model whose first call differed. */
    private static void assertIdentical(List<Path> dirs) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> failures = new ArrayList<>();
        for (Path d : dirs) {
            List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-cp",
                    System.getProperty("java.class.path")));
            String bits = System.getProperty(Vec.BITS_PROPERTY);
            if (bits != null) cmd.add("-D" + Vec.BITS_PROPERTY + "=" + bits);
            cmd.addAll(List.of(Main.class.getName(), d.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), "child JVM for " + d + " did not finish");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            if (!out.contains("IDENTICAL")) {
                String diff = out.lines().filter(l -> l.startsWith("DIFF")).findFirst().orElse(out);
                failures.add(d.getFileName() + ": " + diff);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** Run in the child JVM: one ranking request and one batch, first call against the thousandth. */
    public static final class Main {
        public static void main(String[] args) {
            try (Model m = Model.load(Path.of(args[0]), LoadOptions.defaults().withBackend("simd")); Session s = m.newSession()) {
                var ranking = RandomRequests.ranking(m, 50, 37, 7);
                var batch = RandomRequests.batch(m, 16, 8);
                float[] r0 = s.score(ranking), b0 = s.score(batch);
                float[] r = new float[r0.length], b = new float[b0.length];
                for (int k = 1; k < CALLS; k++) {
                    s.score(ranking, r);
                    s.score(batch, b);
                }
                if (Arrays.equals(r0, r) && Arrays.equals(b0, b)) {
                    System.out.println("IDENTICAL");
                } else {
                    for (int c = 0; c < r.length; c++) if (Float.compare(r[c], r0[c]) != 0) System.out.println("DIFF ranking candidate " + c + ": first " + r0[c] + ", call " + CALLS + " " + r[c]);
                    for (int c = 0; c < b.length; c++) if (Float.compare(b[c], b0[c]) != 0) System.out.println("DIFF batch sample " + c + ": first " + b0[c] + ", call " + CALLS + " " + b[c]);
                }
            }
        }
    }
}
