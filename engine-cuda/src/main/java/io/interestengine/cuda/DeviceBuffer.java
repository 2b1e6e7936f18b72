package io.interestengine.cuda;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** One device allocation with one owner; {@link #close()} frees it once. */
final class DeviceBuffer implements AutoCloseable {
    final Driver driver;
    final Driver.Mem mem;
    final long bytes;
    private final String what;
    private boolean closed;

    DeviceBuffer(Driver driver, long bytes, String what) {
        this.driver = driver;
        this.bytes = Math.max(bytes, 4);
        this.what = what;
        this.mem = driver.alloc(this.bytes, what);
    }

    static DeviceBuffer of(Driver d, float[] data, String what) {
        ByteBuffer b = ByteBuffer.allocateDirect(4 * Math.max(data.length, 1)).order(ByteOrder.nativeOrder());
        b.asFloatBuffer().put(data);
        return of(d, b, 4L * data.length, what);
    }

    static DeviceBuffer of(Driver d, int[] data, String what) {
        ByteBuffer b = ByteBuffer.allocateDirect(4 * Math.max(data.length, 1)).order(ByteOrder.nativeOrder());
        b.asIntBuffer().put(data);
        return of(d, b, 4L * data.length, what);
    }

    /** A buffer holding a little-endian float tensor's bytes, copied in chunks (tables may exceed 2 GiB). */
    static DeviceBuffer of(Driver d, MemorySegment data, String what) {
        DeviceBuffer b = new DeviceBuffer(d, data.byteSize(), what);
        try {
            // Off-heap tensors (the loader's arena or a mapped file) are viewed in place; a heap one is copied.
            long chunk = 256L << 20;
            for (long off = 0; off < data.byteSize(); off += chunk) {
                long n = Math.min(chunk, data.byteSize() - off);
                ByteBuffer src;
                if (data.isNative()) {
                    src = data.asSlice(off, n).asByteBuffer();
                } else {
                    src = ByteBuffer.allocateDirect((int) n).order(ByteOrder.LITTLE_ENDIAN);
                    MemorySegment.ofBuffer(src).copyFrom(data.asSlice(off, n));
                }
                d.upload(b.mem, off, src, n, what);
            }
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    private static DeviceBuffer of(Driver d, ByteBuffer src, long bytes, String what) {
        DeviceBuffer b = new DeviceBuffer(d, bytes, what);
        try {
            if (bytes > 0) d.upload(b.mem, 0, src, bytes, what);
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    /** The device address {@code elements} 4-byte elements in (a kernel argument). */
    Long at(long elements) {
        if (closed) throw new IllegalStateException(what + " is freed");
        return mem.address() + 4L * elements;
    }

    /** The base address. */
    Long ptr() {
        return at(0);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        driver.free(mem);
    }
}
