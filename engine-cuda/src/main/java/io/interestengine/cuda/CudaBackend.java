package io.interestengine.cuda;

import io.interestengine.BackendUnavailableException;
import io.interestengine.LoadOptions;
import io.interestengine.graph.ModelGraph;
import io.interestengine.spi.Backend;
import io.interestengine.spi.DeviceModel;

/**
 * The CUDA backend (JCuda driver API over the kernels module's PTX). Ranked above the CPU backends: {@code auto}
 * takes it where an NVIDIA GPU (sm_80 or newer) and driver exist and the model fits in device memory. It
 * declines, with the reason and the fix, where the driver is missing (probed once, without ever letting JCuda's
 * native {@link LinkageError} escape), where the model uses an op it does not implement, or where the weights do
 * not fit. Options (system properties): {@code interestengine.cuda.device} (ordinal), {@code .tf32} (dense
 * layers on TF32 tensor cores), {@code .graphs=false} (no CUDA-graph capture), {@code .sync} (synchronise and
 * check after every launch, to find a faulting kernel).
 */
public class CudaBackend implements Backend {
    /** Device memory kept free beyond the weights (sessions' workspaces, the driver's own use). */
    static final long HEADROOM = 256L << 20;

    /** Why the backend's driver cannot run here (null when it can), and how it opens the device. */
    interface DriverFactory {
        String unavailableReason();

        Driver open();
    }

    private static final DriverFactory NATIVE = new DriverFactory() {
        @Override
        public String unavailableReason() {
            return CudaDriver.unavailableReason();
        }

        @Override
        public Driver open() {
            return new NativeDriver(CudaDriver.DEVICE);
        }
    };

    private final String name;
    private final int rank;
    private final DriverFactory drivers;

    /** The backend on the GPU (service entry). */
    public CudaBackend() {
        this("cuda", 20, NATIVE);
    }

    /** The same backend over another driver (the tests' CPU emulation of the kernels). */
    CudaBackend(String name, int rank, DriverFactory drivers) {
        this.name = name;
        this.rank = rank;
        this.drivers = drivers;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public void probe() {
        String why = drivers.unavailableReason();
        if (why != null) throw new BackendUnavailableException(why);
    }

    /** This backend's reason not to run here, or null (tests). */
    String unavailableReasonForTests() {
        return drivers.unavailableReason();
    }

    /** Whether a GPU can be used here (for tests that skip visibly without one). Never throws. */
    public static String unavailableReason() {
        return CudaDriver.unavailableReason();
    }

    /**
     * Makes the model resident. A CUDA failure on the way (the driver too old for the kernels' PTX, a device that
     * runs out of memory while the weights upload) is a decline with the reason, so that {@code auto} falls back
     * to the next backend; the partial upload is freed first.
     */
    @Override
    public String unsupported(ModelGraph graph) {
        return CudaKernels.TABLE.unsupported(graph);
    }

    @Override
    public DeviceModel load(ModelGraph graph, LoadOptions options) {
        probe();
        String unsupported = unsupported(graph);
        if (unsupported != null) throw new BackendUnavailableException(unsupported + "; use the simd or scalar backend for this model");
        Driver drv;
        try {
            drv = drivers.open();
        } catch (CudaException e) {
            throw new BackendUnavailableException("the CUDA driver could not load the kernels: " + e.getMessage()
                    + " (update the NVIDIA driver, or use the simd backend)", e);
        }
        try {
            long[] mem = drv.memInfo();
            long need = graph.weightBytes() + HEADROOM;
            if (need > mem[0]) {
                throw new BackendUnavailableException("model '" + graph.name() + "' needs about " + (need >> 20) + " MiB of device memory (weights "
                        + (graph.weightBytes() >> 20) + " MiB + " + (HEADROOM >> 20) + " MiB headroom) but " + drv.deviceName() + " has " + (mem[0] >> 20)
                        + " MiB free of " + (mem[1] >> 20) + " MiB: free the GPU, store tables as fp16/int8, or use the simd backend");
            }
        } catch (RuntimeException | Error e) {
            drv.close();
            throw e;
        }
        try {
            return new CudaDeviceModel(graph, drv);
        } catch (CudaException e) {
            throw new BackendUnavailableException("model '" + graph.name()
                    + "' could not be made resident on the GPU: " + e.getMessage()
                    + " (free the GPU, store tables as fp16/int8, or use the simd backend)", e);
        }
    }
}
