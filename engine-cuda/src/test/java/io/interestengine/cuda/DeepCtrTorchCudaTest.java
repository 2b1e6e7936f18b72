package io.interestengine.cuda;

import io.interestengine.BackendUnavailableException;
import io.interestengine.DeepCtrTorchConformanceTest;
import io.interestengine.GoldenCases;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The DeepCTR-Torch conformance cases (fixtures/deepctr: models exported by tools/export, scores of DeepCTR-Torch's
 * own predict) on the CUDA backend (skipped, with the reason, without a GPU) and on its CPU emulation (skipped
 * where the emulator cannot be built). A model the backend declines (an op without a kernel yet, e.g. DIEN's gru)
 * is skipped with the backend's reason, visibly.
 */
class DeepCtrTorchCudaTest {
    @BeforeAll
    static void buildEmulator() throws Exception {
        EmulatedBackendTest.build();
    }

    @TestFactory
    List<DynamicTest> cudaMatchesDeepCtrTorchPredict() {
        return cases("cuda", () -> Gpu.assume());
    }

    @TestFactory
    List<DynamicTest> emulatedCudaMatchesDeepCtrTorchPredict() {
        return cases("cuda-emu", () -> {
            String why = new EmulatedCudaBackend().unavailableReasonForTests();
            Assumptions.assumeTrue(why == null, () -> "CUDA emulation skipped: " + why);
        });
    }

    private static List<DynamicTest> cases(String backend, Runnable assume) {
        List<Path> dirs = DeepCtrTorchConformanceTest.caseDirs();
        assertFalse(dirs.isEmpty(), "no DeepCTR-Torch fixtures under " + DeepCtrTorchConformanceTest.deepCtrDir());
        return dirs.stream()
                .map(d -> DynamicTest.dynamicTest(d.getFileName() + " on " + backend + " (" + GoldenCases.reference(d) + ")", () -> {
                    assume.run();
                    try {
                        GoldenCases.check(d, backend);
                    } catch (BackendUnavailableException e) {
                        Assumptions.abort(backend + " declines this model: " + e.getMessage());
                    }
                }))
                .toList();
    }
}
