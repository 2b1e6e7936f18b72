package io.interestengine;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Models trained with DeepCTR-Torch, exported by tools/export/deepctr_export.py, scored on the scalar
 * reference backend against the scores of DeepCTR-Torch's own {@code predict} (fixtures/deepctr, written by
 * tools/export/make_fixtures.py running the real DeepCTR-Torch v0.2.9 code). Each test is named after the
 * case and the reference in its reference.json; tolerances are {@link GoldenCases#RTOL}/{@link GoldenCases#ATOL}.
 * The other backends' tests replay the same directories through {@link #caseDirs()} (shared by the test-jar).
 */
public class DeepCtrTorchConformanceTest {
    /** fixtures/deepctr (property {@code interestengine.fixtures}, else found upward from the working directory). */
    public static Path deepCtrDir() {
        String p = System.getProperty("interestengine.fixtures");
        if (p != null) return Path.of(p).resolve("deepctr");
        Path d = Path.of("").toAbsolutePath();
        while (d != null) {
            if (Files.isDirectory(d.resolve("fixtures/deepctr"))) return d.resolve("fixtures/deepctr");
            d = d.getParent();
        }
        throw new IllegalStateException("fixtures/deepctr not found above " + Path.of("").toAbsolutePath());
    }

    /** Every exported DeepCTR-Torch case (directories with a cases.jsonl), sorted by name. */
    public static List<Path> caseDirs() {
        try (Stream<Path> s = Files.list(deepCtrDir())) {
            return s.filter(d -> Files.exists(d.resolve("cases.jsonl"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @TestFactory
    List<DynamicTest> scalarMatchesDeepCtrTorchPredict() {
        List<Path> dirs = caseDirs();
        assertFalse(dirs.isEmpty(), "no DeepCTR-Torch fixtures under " + deepCtrDir());
        return dirs.stream()
                .map(d -> DynamicTest.dynamicTest(d.getFileName() + " (" + GoldenCases.reference(d) + ")",
                        () -> GoldenCases.check(d, "scalar")))
                .toList();
    }
}
