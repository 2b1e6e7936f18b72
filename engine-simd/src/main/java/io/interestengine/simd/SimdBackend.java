package io.interestengine.simd;

import io.interestengine.BackendUnavailableException;
import io.interestengine.LoadOptions;
import io.interestengine.graph.ModelGraph;
import io.interestengine.spi.Backend;
import io.interestengine.spi.DeviceModel;

/**
 * The Vector API CPU backend ({@code simd}, rank 10). It declines when the incubator module
 * {@code jdk.incubator.vector} is not in the boot layer; no Vector API class is touched before that check
 * passes, because touching one without the module throws a {@link NoClassDefFoundError}.
 */
public final class SimdBackend implements Backend {
    private static final String MODULE = "jdk.incubator.vector";

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public int rank() {
        return 10;
    }

    @Override
    public void probe() throws BackendUnavailableException {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            throw new BackendUnavailableException("module " + MODULE + " is not resolved: start the JVM with --add-modules " + MODULE);
        }
        int bits = Vec.bits();
        if (bits < 128) {
            throw new BackendUnavailableException("the CPU's preferred float vector is " + bits + " bits (at least 128 needed; check -XX:MaxVectorSize and -XX:UseAVX)");
        }
    }

    @Override
    public String unsupported(ModelGraph graph) {
        return SimdKernels.TABLE.unsupported(graph);
    }

    @Override
    public DeviceModel load(ModelGraph graph, LoadOptions options) throws BackendUnavailableException {
        probe();
        return new SimdModel(graph, options.intraRequestThreads());
    }
}
