package io.interestengine.spi;

import io.interestengine.graph.Op;

/**
 * One backend's implementation of one op kind, registered in the backend's {@link KernelTable}.
 *
 * @param <M> the backend's model (what {@link #prepare} may use: a device, a thread pool)
 * @param <S> the backend's session type
 * @param <O> the op kind
 */
public interface Kernel<M, S, O extends Op> {
    /**
     * Why this kernel cannot run {@code op} (a limit, an unsupported option), naming it; null when it can.
     * Checked when the backend is chosen, before anything is loaded.
     */
    default String unsupported(O op) {
        return null;
    }

    /**
     * Weights in this kernel's layout, made once per model at load and shared read-only by its sessions
     * (closed with the model when {@link AutoCloseable}); null when the kernel reads the graph's own.
     */
    default Object prepare(M model, O op) {
        return null;
    }

    /** Binds {@code op} to one session's workspace: offsets and weights fixed, row counts per request. */
    Step bind(S session, O op, Bindings b);
}
