package io.interestengine.simd;

import io.interestengine.GoldenCases;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models imported from checkpoints of the original TensorFlow scripts (fixtures/tf: variables in TF's names and
 * layouts, imported by tools/export/tf_import.py; scores of the PyTorch ports in tools/reference) on the scalar
 * and SIMD backends, with the harness's tolerances (rtol 1e-5, atol 1e-6, see {@link GoldenCases#RTOL}).
 */
class TfImportTest {
    /** mouna99 DIN and DIEN, and MIMN with every Util_Reg × Memory Induction pair, m 4 and 8, mask_flag on and off. */
    private static final int EXPECTED_CASES = 19;

    @TestFactory
    List<DynamicTest> importedModelsScoreAsTheOriginalCode() {
        Path base = GoldenCases.fixturesDir("tf");
        List<Path> dirs = GoldenCases.caseDirs(base);
        // A lost fixture directory must fail here, not shrink the test silently.
        assertTrue(dirs.size() >= EXPECTED_CASES,
                dirs.size() + " cases under " + base + ", expected " + EXPECTED_CASES);
        List<DynamicTest> tests = new ArrayList<>();
        for (Path d : dirs) {
            for (String backend : List.of("scalar", "simd")) {
                String name = d.getFileName() + " on " + backend + " (" + GoldenCases.reference(d) + ")";
                tests.add(DynamicTest.dynamicTest(name, () -> GoldenCases.check(d, backend)));
            }
        }
        return tests;
    }
}
