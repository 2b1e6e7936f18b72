package io.interestengine.spi;

import io.interestengine.BackendUnavailableException;
import io.interestengine.LoadOptions;
import io.interestengine.graph.ModelGraph;

/**
 * A compute backend, found through {@link java.util.ServiceLoader}. {@code auto} selection tries
 * backends by descending {@link #rank()}. A backend that cannot run here declines with
 * {@link BackendUnavailableException} (why, and how to fix it); it must not load accelerated classes
 * before {@link #probe()} has passed.
 */
public interface Backend {
    /** Short name used by {@code --backend} and the {@code interestengine.backend} property. */
    String name();

    /** Higher ranks are preferred by {@code auto}. Scalar is 0. */
    int rank();

    /** Cheap check that this backend can run on this machine at all. */
    void probe() throws BackendUnavailableException;

    /**
     * Why this backend cannot run {@code graph} (an op it has no kernel for, or whose kernel declines it),
     * naming the op; null when it can. Called after {@link #probe()} passed, before {@link #load}.
     */
    String unsupported(ModelGraph graph);

    /** Makes the model's weights resident for this backend (for example on a device). */
    DeviceModel load(ModelGraph graph, LoadOptions options) throws BackendUnavailableException;
}
