package io.interestengine.cuda;

import org.junit.jupiter.api.Assumptions;

/** Skips a test visibly, with the probe's reason, where no usable GPU exists. */
final class Gpu {
    private Gpu() {
    }

    static void assume() {
        String why = CudaBackend.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "no usable GPU, CUDA test skipped: " + why);
    }
}
