package io.interestengine;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every golden fixture (tools/reference, PyTorch re-implementations of the public references named in each
 * case's reference.json) replayed on the scalar reference backend.
 */
class GoldenTest {
    @TestFactory
    List<DynamicTest> scalarMatchesEveryGolden() {
        List<Path> dirs = GoldenCases.caseDirs();
        assertFalse(dirs.isEmpty(), "no golden fixtures found under " + GoldenCases.goldenDir());
        return dirs.stream()
                .map(d -> DynamicTest.dynamicTest(d.getFileName() + " (" + GoldenCases.reference(d) + ")", () -> GoldenCases.check(d, "scalar")))
                .toList();
    }
}
