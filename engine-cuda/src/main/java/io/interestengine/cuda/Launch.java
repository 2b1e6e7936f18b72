package io.interestengine.cuda;

import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * One kernel call bound to fixed device addresses. Its parameter block is built once, when the step is bound:
 * sizes that change per request live in one-element holder arrays that the step writes before each launch
 * (JCuda reads them at launch), so launching allocates nothing. Arguments: a {@link CUdeviceptr} or
 * {@code null} (a null device pointer) for {@code p}, an {@code int[1]} holder or {@code Integer} for {@code i},
 * a {@code float[1]} holder or {@code Float} for {@code f}; they are checked against the {@link KernelAbi}.
 */
final class Launch {
    final KernelAbi abi;
    final String what;
    private final CUfunction fn;
    private final Pointer params;
    int gridX = 1, gridY = 1, block = 128, shared;

    Launch(KernelModule km, KernelAbi abi, String what, Object... args) {
        this.abi = abi;
        this.what = what;
        this.fn = km.function(abi);
        String sig = signature(args);
        if (!sig.equals(abi.signature)) {
            throw new IllegalStateException(abi.entry + " for " + what + ": arguments " + sig + " do not match the kernel's " + abi.signature);
        }
        NativePointerObject[] ps = new NativePointerObject[args.length];
        for (int k = 0; k < args.length; k++) {
            Object a = args[k];
            ps[k] = switch (a) {
                case null -> Pointer.to(new CUdeviceptr());
                case CUdeviceptr p -> Pointer.to(p);
                case int[] h -> Pointer.to(h);
                case float[] h -> Pointer.to(h);
                case Integer v -> Pointer.to(new int[]{v});
                case Float v -> Pointer.to(new float[]{v});
                default -> throw new IllegalArgumentException(a.getClass().getName());
            };
        }
        params = Pointer.to(ps);
    }

    /** The {@link KernelAbi} signature that {@code args} would bind. */
    static String signature(Object... args) {
        StringBuilder b = new StringBuilder();
        for (Object a : args) {
            b.append(switch (a) {
                case null -> 'p';
                case CUdeviceptr p -> 'p';
                case int[] h when h.length == 1 -> 'i';
                case Integer v -> 'i';
                case float[] h when h.length == 1 -> 'f';
                case Float v -> 'f';
                default -> '?';
            });
        }
        return b.toString();
    }

    /** Sets a 1-D grid covering {@code n} elements with a grid-stride loop (at most 65535·4 blocks). */
    Launch cover(long n, int threads) {
        block = threads;
        gridX = (int) Math.max(1, Math.min((n + threads - 1) / threads, 262_140));
        gridY = 1;
        return this;
    }

    void launch(CUstream stream) {
        Cuda.check(JCudaDriver.cuLaunchKernel(fn, gridX, gridY, 1, block, 1, 1, shared, stream, params, null),
                "cuLaunchKernel", "launching " + abi.entry + " for " + what);
    }
}
