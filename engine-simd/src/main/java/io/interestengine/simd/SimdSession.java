package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.spi.KernelTable;
import io.interestengine.spi.PlanLayout;

/** One session's workspace bound to the Vector API kernels ({@link SimdKernels#TABLE}). */
final class SimdSession extends CpuSession {
    final SimdModel model;
    final Parallel par;

    SimdSession(PlanLayout layout, SimdModel model, Parallel par) {
        super(layout);
        this.model = model;
        this.par = par;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    protected KernelTable<?, ? super CpuSession> kernels() {
        // The table's kernels take a SimdSession; this session is one.
        return (KernelTable) SimdKernels.TABLE;
    }
}
