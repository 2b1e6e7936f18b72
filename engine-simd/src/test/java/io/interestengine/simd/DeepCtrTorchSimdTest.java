package io.interestengine.simd;

import io.interestengine.DeepCtrTorchConformanceTest;
import io.interestengine.GoldenCases;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The DeepCTR-Torch conformance cases (fixtures/deepctr: models exported by tools/export, scores of DeepCTR-Torch's
 * own predict) on the SIMD backend, with the harness's tolerances.
 */
class DeepCtrTorchSimdTest {
    @TestFactory
    List<DynamicTest> simdMatchesDeepCtrTorchPredict() {
        List<Path> dirs = DeepCtrTorchConformanceTest.caseDirs();
        assertFalse(dirs.isEmpty(), "no DeepCTR-Torch fixtures under " + DeepCtrTorchConformanceTest.deepCtrDir());
        return dirs.stream()
                .map(d -> DynamicTest.dynamicTest(d.getFileName() + " (" + GoldenCases.reference(d) + ")",
                        () -> GoldenCases.check(d, "simd")))
                .toList();
    }
}
