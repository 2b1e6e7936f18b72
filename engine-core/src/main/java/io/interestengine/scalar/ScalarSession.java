package io.interestengine.scalar;

import io.interestengine.cpu.CpuSession;
import io.interestengine.spi.KernelTable;
import io.interestengine.spi.PlanLayout;

/** One session of the reference backend: the CPU workspace bound through {@link ScalarKernels#TABLE}. */
final class ScalarSession extends CpuSession {
    ScalarSession(PlanLayout layout) {
        super(layout);
    }

    @Override
    protected KernelTable<?, ? super CpuSession> kernels() {
        return ScalarKernels.TABLE;
    }
}
