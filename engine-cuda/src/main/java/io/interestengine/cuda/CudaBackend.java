package io.interestengine.cuda;

import io.interestengine.BackendUnavailableException;
import io.interestengine.graph.Layer;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
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
    public DeviceModel load(ModelGraph graph) {
        probe();
        String unsupported = unsupported(graph);
        if (unsupported != null) throw new BackendUnavailableException(unsupported);
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

    /**
     * Why the kernels cannot run this graph (naming the op and the limit), or null. The switch is exhaustive
     * over the sealed op set, so an op added to the engine fails this build until a kernel backs it.
     */
    static String unsupported(ModelGraph g) {
        for (int k = 0; k < g.ops().size(); k++) {
            Op op = g.ops().get(k);
            String why = switch (op) {
                case Op.Embedding e -> null;
                case Op.DenseInput d -> null;
                case Op.Concat c -> null;
                case Op.Binary b -> null;
                case Op.Pool p -> null;
                case Op.Dense d -> null;
                case Op.Attention a -> attentionLimits(a);
                case Op.Gru r -> r.attention() != null && r.attention().scope() != r.out().scope()
                        ? "gru attention weights of another scope than its output" : null;
                case Op.Mimn m -> MemoryWeights.limits(m);
                case Op.MimnRead m -> null;
            };
            if (why != null) return "op " + k + " ('" + op.out().name() + "'): " + why + "; use the simd or scalar backend for this model";
        }
        return null;
    }

    /** Scores of one row live in shared memory: (T + 32) floats of the 48 KiB a block gets without opt-in. */
    static final int MAX_HISTORY = 12_000;

    private static String attentionLimits(Op.Attention a) {
        if (a.keys().length() > MAX_HISTORY) return "attention over " + a.keys().length() + " positions exceeds the kernel's " + MAX_HISTORY;
        if (a.keys().width() > AttentionWeights.MAX_KEY_WIDTH) {
            return "attention key width " + a.keys().width() + " exceeds the kernel's " + AttentionWeights.MAX_KEY_WIDTH;
        }
        for (Layer l : a.layers()) {
            if (l.out() > AttentionWeights.MAX_HIDDEN) return "attention layer '" + l.name() + "' has " + l.out() + " outputs, the kernel at most " + AttentionWeights.MAX_HIDDEN;
        }
        return null;
    }
}
