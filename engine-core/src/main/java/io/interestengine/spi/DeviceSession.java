package io.interestengine.spi;

import io.interestengine.graph.Op;
import io.interestengine.graph.Output;

/**
 * One session's workspace in a backend. The executor stages request inputs into the host staging arrays,
 * uploads them, binds every op through {@link #bind} once, and runs the steps per request.
 */
public interface DeviceSession extends AutoCloseable {
    /** Host staging of the int arena's input region; the executor writes it, then calls {@link #upload}. */
    int[] stagingInts();

    /** Host staging for dense inputs, written at the float offsets of their values. */
    float[] stagingFloats();

    /** Makes {@code [0, ints)} of the int staging and {@code [floatOff, floatOff + floats)} of the float staging visible to kernels. */
    void upload(int ints, int floatOff, int floats);

    /** Copies {@code n} floats of the arena at {@code off} into {@code dst}. Waits for pending work. */
    void download(int off, float[] dst, int n);

    /** Binds one op through the backend's kernel table. */
    Step bind(Op op, Bindings b);

    /** Writes one score per candidate row at {@code scoresOff}. */
    Step output(Output output, Bindings b, int scoresOff);

    @Override
    void close();
}
