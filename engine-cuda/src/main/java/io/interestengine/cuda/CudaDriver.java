package io.interestengine.cuda;

import jcuda.driver.CUdevice;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Whether the CUDA driver can be used here, decided once per JVM. JCuda's native binding links against
 * {@code libcuda.so.1}: where no NVIDIA driver is installed, loading it throws a {@link LinkageError}
 * ({@link UnsatisfiedLinkError}, or {@link NoClassDefFoundError} on later touches). It is caught here, once, and
 * the reason remembered, so that {@code auto} falls back without the error ever reaching the user.
 */
final class CudaDriver {
    /** Device ordinal to use ({@code -Dinterestengine.cuda.device}, default 0). */
    static final int DEVICE = Integer.getInteger("interestengine.cuda.device", 0);

    private static final String FIX = "install the NVIDIA driver (CUDA 12.6 or newer, which JCuda 12.6 needs) on a machine with an "
            + "sm_80 or newer GPU, or choose another backend (--backend simd or scalar)";

    /** null when usable, else why not (with how to fix it). */
    private static final String UNAVAILABLE = probeOnce();

    private CudaDriver() {
    }

    /** null when the driver and device are usable, else the reason and the fix. */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    /**
     * JCuda's message lists every load attempt with its stack trace; keep its first line and the line naming
     * the missing shared object (usually libcuda.so.1).
     */
    static String summary(LinkageError e) {
        String m = String.valueOf(e.getMessage());
        String first = e.getClass().getSimpleName() + ": " + m.lines().findFirst().orElse("").strip();
        java.util.regex.Matcher so = java.util.regex.Pattern.compile("([\\w.+-]+\\.so[\\w.]*): cannot open shared object file").matcher(m);
        return so.find() ? first + "; " + so.group(1) + " not found" : first;
    }

    private static String probeOnce() {
        try {
            JCudaDriver.setExceptionsEnabled(false);
            int rc = JCudaDriver.cuInit(0);
            if (rc == CUresult.CUDA_ERROR_NO_DEVICE) return "the CUDA driver found no GPU (" + CUresult.stringFor(rc) + "): " + FIX;
            if (rc != CUresult.CUDA_SUCCESS) return "cuInit failed with " + CUresult.stringFor(rc) + ": " + FIX;
            int[] n = new int[1];
            rc = JCudaDriver.cuDeviceGetCount(n);
            if (rc != CUresult.CUDA_SUCCESS || n[0] == 0) return "the CUDA driver reports no GPU: " + FIX;
            if (DEVICE < 0 || DEVICE >= n[0]) {
                return "interestengine.cuda.device=" + DEVICE + " but the driver reports " + n[0] + " GPU(s): choose 0.." + (n[0] - 1);
            }
            CUdevice dev = new CUdevice();
            Cuda.check(JCudaDriver.cuDeviceGet(dev, DEVICE), "cuDeviceGet", "probing device " + DEVICE);
            int[] major = new int[1];
            Cuda.check(JCudaDriver.cuDeviceGetAttribute(major, jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev),
                    "cuDeviceGetAttribute", "reading the compute capability");
            if (major[0] < 8) return "GPU " + DEVICE + " has compute capability " + major[0] + ".x; the kernels need 8.0 (A100) or newer: " + FIX;
            return null;
        } catch (LinkageError e) {
            return "JCuda's CUDA driver binding could not load (" + summary(e) + "): this machine has no usable NVIDIA driver: " + FIX;
        } catch (CudaException e) {
            return e.getMessage() + ": " + FIX;
        }
    }
}
