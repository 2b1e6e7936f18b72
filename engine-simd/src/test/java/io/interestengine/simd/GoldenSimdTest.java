package io.interestengine.simd;

import io.interestengine.GoldenCases;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The PyTorch golden fixtures replayed on the SIMD backend, with the harness's tolerances. */
class GoldenSimdTest {
    @TestFactory
    Stream<DynamicTest> everyGoldenModel() {
        Path dir;
        try {
            dir = GoldenCases.goldenDir();
        } catch (IllegalStateException e) {
            dir = null;
        }
        // A skipped dynamic test (not an aborted factory) so that the reason shows in the report.
        if (dir == null || !Files.isDirectory(dir)) return skipped("fixtures/golden not found (written by tools/reference): golden cases skipped");
        List<Path> cases = GoldenCases.caseDirs();
        if (cases.isEmpty()) return skipped("fixtures/golden holds no cases.jsonl: golden cases skipped");
        return cases.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> GoldenCases.check(d, "simd")));
    }

    private static Stream<DynamicTest> skipped(String reason) {
        return Stream.of(DynamicTest.dynamicTest("golden fixtures", () -> Assumptions.abort(reason)));
    }
}
