package io.interestengine.cuda;

import java.nio.ByteBuffer;

/**
 * The device operations the backend uses, behind one interface: {@link NativeDriver} is the JCuda driver API on a
 * real GPU; the tests also run the backend on a CPU emulation of the kernels. Device memory is addressed by
 * plain 64-bit addresses (what a kernel parameter is); allocations are {@link Mem} handles with one owner.
 */
interface Driver extends AutoCloseable {
    /** A device allocation. */
    interface Mem {
        long address();
    }

    /** Page-locked host memory and its byte view. */
    interface Host {
        ByteBuffer bytes();
    }

    /** A kernel bound to its arguments once; {@link #launch} reads the int/float holders at each call. */
    interface Prepared {
        void launch(int gridX, int gridY, int block, int sharedBytes, Object stream);
    }

    String deviceName();

    /** Free and total device memory in bytes. */
    long[] memInfo();

    /** Binds the device's context to the calling thread (each session call may come from another thread). */
    void makeCurrent();

    Mem alloc(long bytes, String what);

    void free(Mem m);

    /** Synchronous copy of host bytes into device memory (load time). */
    void upload(Mem dst, long dstOff, ByteBuffer src, long bytes, String what);

    Host allocHost(long bytes, String what);

    void freeHost(Host h);

    Object createStream();

    void destroyStream(Object stream);

    void copyIn(Mem dst, long dstOff, Host src, long srcOff, long bytes, Object stream);

    void copyOut(Host dst, long dstOff, Mem src, long srcOff, long bytes, Object stream);

    /** Waits for the stream; kernel faults surface here. */
    void sync(Object stream, String what);

    /**
     * Binds kernel {@code abi} to its arguments: a device address ({@code Long}, null for a null pointer), an
     * {@code int[1]} or {@code float[1]} holder, or an {@code Integer}/{@code Float} constant.
     */
    Prepared prepare(KernelAbi abi, Object[] args, String what);

    /** Whether request plans can be captured into graphs. */
    boolean graphs();

    void beginCapture(Object stream);

    /** Ends the capture and instantiates the graph. */
    Object endCapture(Object stream, String what);

    /** Ends a capture that failed part-way, discarding what was captured. */
    void abortCapture(Object stream);

    void launchGraph(Object graph, Object stream, String what);

    void destroyGraph(Object graph);

    /** Releases the kernels and the context. */
    @Override
    void close();
}
