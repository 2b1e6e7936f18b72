package io.interestengine.cuda;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * A driver that runs nothing and counts what is live (allocations, pinned buffers, streams), with switches that
 * make one call fail the way a device does: out of memory after a number of allocations, a fault at sync. For
 * the failure paths of loading and closing, which a working emulator never takes.
 */
final class FakeDriver implements GraphlessDriver {
    final Set<Long> liveMem = new HashSet<>();
    final Set<Long> liveHost = new HashSet<>();
    final Set<Object> liveStreams = new HashSet<>();
    int allocsBeforeOom = Integer.MAX_VALUE;
    boolean faultOnSync;
    boolean closed;
    private long next = 4096;

    private record Block(long address, ByteBuffer bytes) implements Mem, Host {
    }

    @Override
    public String deviceName() {
        return "fake device";
    }

    @Override
    public long[] memInfo() {
        return new long[]{1L << 40, 1L << 40};
    }

    @Override
    public void makeCurrent() {
    }

    @Override
    public Mem alloc(long bytes, String what) {
        if (allocsBeforeOom-- <= 0) throw new CudaOutOfMemoryException("cuMemAlloc of " + bytes + " bytes for " + what
                + ": CUDA_ERROR_OUT_OF_MEMORY", 2);
        long a = next;
        next += bytes + 256;
        liveMem.add(a);
        return new Block(a, null);
    }

    @Override
    public void free(Mem m) {
        if (!liveMem.remove(m.address())) throw new IllegalStateException("double free of " + m.address());
    }

    @Override
    public void upload(Mem dst, long dstOff, ByteBuffer src, long bytes, String what) {
    }

    @Override
    public Host allocHost(long bytes, String what) {
        long a = next;
        next += bytes + 256;
        liveHost.add(a);
        return new Block(a, ByteBuffer.allocateDirect((int) bytes));
    }

    @Override
    public void freeHost(Host h) {
        liveHost.remove(((Block) h).address());
    }

    @Override
    public Object createStream() {
        Object s = new Object();
        liveStreams.add(s);
        return s;
    }

    @Override
    public void destroyStream(Object stream) {
        liveStreams.remove(stream);
    }

    @Override
    public void copyIn(Mem dst, long dstOff, Host src, long srcOff, long bytes, Object stream) {
    }

    @Override
    public void copyOut(Host dst, long dstOff, Mem src, long srcOff, long bytes, Object stream) {
    }

    @Override
    public void sync(Object stream, String what) {
        if (faultOnSync) throw new CudaKernelException("cuStreamSynchronize while " + what
                + ": CUDA_ERROR_ILLEGAL_ADDRESS", 700);
    }

    @Override
    public Prepared prepare(KernelAbi abi, Object[] args, String what) {
        return (gx, gy, block, shared, stream) -> { };
    }

    @Override
    public void close() {
        closed = true;
    }
}
