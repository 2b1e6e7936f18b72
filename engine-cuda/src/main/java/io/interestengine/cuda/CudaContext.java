package io.interestengine.cuda;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

import java.nio.charset.StandardCharsets;

/**
 * The device's primary context (the one the CUDA runtime and other libraries in the process share), retained
 * for the life of a loaded model and released by {@link #close()}. Every thread that issues work makes it
 * current first ({@link #makeCurrent()}, a cheap call).
 */
final class CudaContext implements AutoCloseable {
    final CUdevice device = new CUdevice();
    final CUcontext context = new CUcontext();
    final String name;
    final int ordinal;
    private boolean closed;

    CudaContext(int ordinal) {
        this.ordinal = ordinal;
        Cuda.check(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet", "opening device " + ordinal);
        Cuda.check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain", "retaining the primary context of device " + ordinal);
        byte[] b = new byte[256];
        JCudaDriver.cuDeviceGetName(b, b.length, device);
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        name = new String(b, 0, n, StandardCharsets.US_ASCII);
        makeCurrent();
    }

    void makeCurrent() {
        if (closed) throw new IllegalStateException("CUDA context of device " + ordinal + " is closed");
        Cuda.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent", "binding the context of device " + ordinal);
    }

    /** Free and total device memory in bytes. */
    long[] memInfo() {
        makeCurrent();
        long[] free = new long[1], total = new long[1];
        Cuda.check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo", "reading device memory");
        return new long[]{free[0], total[0]};
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        JCudaDriver.cuDevicePrimaryCtxRelease(device);
    }
}
