package io.interestengine.cuda;

import io.interestengine.testkit.ConformanceSuite;

import java.util.List;

/**
 * Every fixture case on the CUDA backend: skipped, with the probe's reason, without a GPU; a model with an op
 * the backend has no kernel for is skipped with the backend's reason.
 */
class CudaConformanceTest extends ConformanceSuite {
    @Override
    protected List<String> backends() {
        return List.of("cuda");
    }

    @Override
    protected String unavailableReason(String backend) {
        String why = CudaBackend.unavailableReason();
        return why == null ? null : "no usable GPU: " + why;
    }

    @Override
    protected boolean mayDecline(String backend) {
        return true;
    }
}
