package io.interestengine.cuda;

import io.interestengine.GoldenCases;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** Every golden fixture (PyTorch references) replayed on the CUDA backend; skipped, with the reason, without a GPU. */
class CudaGoldenTest {
    @TestFactory
    List<DynamicTest> cudaMatchesEveryGolden() {
        if (CudaBackend.unavailableReason() != null) return List.of(DynamicTest.dynamicTest("every golden fixture on cuda", Gpu::assume));
        List<Path> dirs = GoldenCases.caseDirs();
        assertFalse(dirs.isEmpty(), "no golden fixtures found under " + GoldenCases.goldenDir());
        return dirs.stream()
                .map(d -> DynamicTest.dynamicTest(d.getFileName() + " (" + GoldenCases.reference(d) + ")", () -> GoldenCases.check(d, "cuda")))
                .toList();
    }
}
