package io.interestengine.spi;

/** A model's weights resident in one backend; shared by all sessions, closed by the owning model. */
public interface DeviceModel extends AutoCloseable {
    /** Opens one session's workspace and kernels for the given plan layout. */
    DeviceSession openSession(PlanLayout layout);

    /** Releases the resident weights. CPU backends that read the model's own tensors hold nothing. */
    @Override
    default void close() {
    }
}
