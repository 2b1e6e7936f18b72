package io.interestengine.cuda;

import io.interestengine.testkit.ConformanceSuite;
import io.interestengine.testkit.FixtureSet;
import org.junit.jupiter.api.BeforeAll;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The golden and DeepCTR-Torch cases on the CUDA backend over the CPU emulation of its kernels (skipped, with the
 * reason, where the emulator cannot be built); a model it declines is skipped with the backend's reason. The TF
 * imports are left to the GPU run: their T = 100..200 sequences cost minutes each on the emulator.
 */
class EmulatedCudaConformanceTest extends ConformanceSuite {
    @BeforeAll
    static void buildEmulator() throws Exception {
        EmulatedBackendTest.build();
    }

    @Override
    protected List<String> backends() {
        return List.of("cuda-emu");
    }

    @Override
    protected String unavailableReason(String backend) {
        return new EmulatedCudaBackend().unavailableReasonForTests();
    }

    @Override
    protected boolean mayDecline(String backend) {
        return true;
    }

    @Override
    protected Set<FixtureSet> fixtureSets(String backend) {
        return EnumSet.of(FixtureSet.GOLDEN, FixtureSet.DEEPCTR);
    }
}
