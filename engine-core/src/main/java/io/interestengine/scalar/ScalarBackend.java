package io.interestengine.scalar;

import io.interestengine.LoadOptions;
import io.interestengine.graph.ModelGraph;
import io.interestengine.spi.Backend;
import io.interestengine.spi.DeviceModel;

/** The reference backend: plain loops, clarity over speed; always available; the oracle for the others. */
public final class ScalarBackend implements Backend {
    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int rank() {
        return 0;
    }

    @Override
    public void probe() {
    }

    @Override
    public String unsupported(ModelGraph graph) {
        return ScalarKernels.TABLE.unsupported(graph);
    }

    @Override
    public DeviceModel load(ModelGraph graph, LoadOptions options) {
        return ScalarSession::new;
    }
}
