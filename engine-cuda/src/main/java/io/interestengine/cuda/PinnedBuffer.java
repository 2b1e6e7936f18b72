package io.interestengine.cuda;

import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * Page-locked host memory: the staging area of a session's one upload and one download per request (pinned
 * memory lets the copy engine DMA directly, asynchronously on the session's stream).
 */
final class PinnedBuffer implements AutoCloseable {
    final Pointer ptr = new Pointer();
    final long bytes;
    final ByteBuffer bytesView;
    final IntBuffer ints;
    final FloatBuffer floats;
    private boolean closed;

    PinnedBuffer(long bytes, String what) {
        this.bytes = Math.max(bytes, 4);
        Cuda.check(JCudaDriver.cuMemHostAlloc(ptr, this.bytes, 0), "cuMemHostAlloc", "pinning " + this.bytes + " host bytes for " + what);
        bytesView = ptr.getByteBuffer(0, this.bytes).order(ByteOrder.nativeOrder());
        ints = bytesView.asIntBuffer();
        floats = bytesView.asFloatBuffer();
    }

    Pointer at(long elements) {
        return ptr.withByteOffset(4L * elements);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        JCudaDriver.cuMemFreeHost(ptr);
    }
}
