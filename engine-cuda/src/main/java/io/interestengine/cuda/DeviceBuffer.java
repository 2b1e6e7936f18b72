package io.interestengine.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

import java.lang.foreign.MemorySegment;

/** One device allocation with one owner; {@link #close()} frees it once. */
final class DeviceBuffer implements AutoCloseable {
    final CUdeviceptr ptr = new CUdeviceptr();
    final long bytes;
    private final String what;
    private boolean closed;

    DeviceBuffer(long bytes, String what) {
        this.bytes = Math.max(bytes, 4);
        this.what = what;
        Cuda.check(JCudaDriver.cuMemAlloc(ptr, this.bytes), "cuMemAlloc", "allocating " + this.bytes + " bytes for " + what);
    }

    /** A buffer holding {@code data} (synchronous copy: load time only). */
    static DeviceBuffer of(float[] data, String what) {
        DeviceBuffer b = new DeviceBuffer(4L * data.length, what);
        try {
            if (data.length > 0) Cuda.check(JCudaDriver.cuMemcpyHtoD(b.ptr, Pointer.to(data), 4L * data.length), "cuMemcpyHtoD", "uploading " + what);
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    /** A buffer holding a little-endian float tensor's bytes, copied in chunks (tables may exceed 2 GiB). */
    static DeviceBuffer of(MemorySegment data, String what) {
        DeviceBuffer b = new DeviceBuffer(data.byteSize(), what);
        try {
            long chunk = 1L << 30;
            for (long off = 0; off < data.byteSize(); off += chunk) {
                long n = Math.min(chunk, data.byteSize() - off);
                Cuda.check(JCudaDriver.cuMemcpyHtoD(b.ptr.withByteOffset(off), Pointer.to(data.asSlice(off, n).asByteBuffer()), n),
                        "cuMemcpyHtoD", "uploading " + what);
            }
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    static DeviceBuffer of(int[] data, String what) {
        DeviceBuffer b = new DeviceBuffer(4L * data.length, what);
        try {
            if (data.length > 0) Cuda.check(JCudaDriver.cuMemcpyHtoD(b.ptr, Pointer.to(data), 4L * data.length), "cuMemcpyHtoD", "uploading " + what);
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    /** The address {@code floats} 4-byte elements in. */
    CUdeviceptr at(long elements) {
        if (closed) throw new IllegalStateException(what + " is freed");
        return ptr.withByteOffset(4L * elements);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        JCudaDriver.cuMemFree(ptr);
    }
}
