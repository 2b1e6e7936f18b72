package io.interestengine.cuda;

import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JCuda driver API on one GPU: the device's primary context (shared with any CUDA library in the process),
 * retained for the life of a loaded model; the kernels' PTX loaded once (the driver JIT-compiles it for the GPU)
 * with every function resolved at load, so a missing kernel fails the model load, not a request.
 */
final class NativeDriver implements Driver {
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final String name;
    private final int ordinal;
    private final List<CUmodule> modules = new ArrayList<>();
    private final Map<KernelAbi, CUfunction> functions = new EnumMap<>(KernelAbi.class);
    private boolean closed;

    /** A device allocation; {@code at} caches the last offset view so that per-request copies allocate nothing. */
    private static final class DevMem extends CUdeviceptr implements Mem {
        private long lastOff = -1;
        private CUdeviceptr last;

        @Override
        public long address() {
            return getNativePointer();
        }

        CUdeviceptr at(long off) {
            if (off == 0) return this;
            if (off != lastOff) {
                last = withByteOffset(off);
                lastOff = off;
            }
            return last;
        }
    }

    private static final class Pinned implements Host {
        final Pointer ptr = new Pointer();
        ByteBuffer view;
        private long lastOff = -1;
        private Pointer last;

        @Override
        public ByteBuffer bytes() {
            return view;
        }

        Pointer at(long off) {
            if (off == 0) return ptr;
            if (off != lastOff) {
                last = ptr.withByteOffset(off);
                lastOff = off;
            }
            return last;
        }
    }

    NativeDriver(int ordinal) {
        this.ordinal = ordinal;
        Cuda.check(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet", "opening device " + ordinal);
        Cuda.check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain", "retaining the primary context of device " + ordinal);
        byte[] b = new byte[256];
        JCudaDriver.cuDeviceGetName(b, b.length, device);
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        name = new String(b, 0, n, StandardCharsets.US_ASCII);
        try {
            makeCurrent();
            Map<String, CUmodule> byName = new LinkedHashMap<>();
            for (KernelAbi k : KernelAbi.values()) {
                CUmodule m = byName.get(k.module);
                if (m == null) {
                    m = new CUmodule();
                    Cuda.check(JCudaDriver.cuModuleLoadData(m, KernelAbi.ptx(k.resource())), "cuModuleLoadData", "loading " + k.resource());
                    byName.put(k.module, m);
                    modules.add(m);
                }
                CUfunction f = new CUfunction();
                Cuda.check(JCudaDriver.cuModuleGetFunction(f, m, k.entry), "cuModuleGetFunction", "resolving " + k.entry + " in " + k.resource());
                functions.put(k, f);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public String deviceName() {
        return name;
    }

    @Override
    public long[] memInfo() {
        makeCurrent();
        long[] free = new long[1], total = new long[1];
        Cuda.check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo", "reading device memory");
        return new long[]{free[0], total[0]};
    }

    @Override
    public void makeCurrent() {
        if (closed) throw new IllegalStateException("CUDA context of device " + ordinal + " is closed");
        Cuda.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent", "binding the context of device " + ordinal);
    }

    @Override
    public Mem alloc(long bytes, String what) {
        DevMem m = new DevMem();
        Cuda.check(JCudaDriver.cuMemAlloc(m, bytes), "cuMemAlloc", "allocating " + bytes + " bytes for " + what);
        return m;
    }

    @Override
    public void free(Mem m) {
        JCudaDriver.cuMemFree((DevMem) m);
    }

    @Override
    public void upload(Mem dst, long dstOff, ByteBuffer src, long bytes, String what) {
        Cuda.check(JCudaDriver.cuMemcpyHtoD(((DevMem) dst).withByteOffset(dstOff), Pointer.to(src), bytes), "cuMemcpyHtoD", "uploading " + what);
    }

    @Override
    public Host allocHost(long bytes, String what) {
        Pinned p = new Pinned();
        Cuda.check(JCudaDriver.cuMemHostAlloc(p.ptr, bytes, 0), "cuMemHostAlloc", "pinning " + bytes + " host bytes for " + what);
        p.view = p.ptr.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
        return p;
    }

    @Override
    public void freeHost(Host h) {
        JCudaDriver.cuMemFreeHost(((Pinned) h).ptr);
    }

    @Override
    public Object createStream() {
        CUstream s = new CUstream();
        // Non-blocking: the legacy default stream would serialise with other libraries and break graph capture.
        Cuda.check(JCudaDriver.cuStreamCreate(s, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate", "opening a session");
        return s;
    }

    @Override
    public void destroyStream(Object stream) {
        JCudaDriver.cuStreamDestroy((CUstream) stream);
    }

    @Override
    public void copyIn(Mem dst, long dstOff, Host src, long srcOff, long bytes, Object stream) {
        Cuda.check(JCudaDriver.cuMemcpyHtoDAsync(((DevMem) dst).at(dstOff), ((Pinned) src).at(srcOff), bytes, (CUstream) stream),
                "cuMemcpyHtoDAsync", "uploading a request");
    }

    @Override
    public void copyOut(Host dst, long dstOff, Mem src, long srcOff, long bytes, Object stream) {
        Cuda.check(JCudaDriver.cuMemcpyDtoHAsync(((Pinned) dst).at(dstOff), ((DevMem) src).at(srcOff), bytes, (CUstream) stream),
                "cuMemcpyDtoHAsync", "downloading scores");
    }

    @Override
    public void sync(Object stream, String what) {
        Cuda.check(JCudaDriver.cuStreamSynchronize((CUstream) stream), "cuStreamSynchronize", what);
    }

    @Override
    public Prepared prepare(KernelAbi abi, Object[] args, String what) {
        CUfunction fn = functions.get(abi);
        NativePointerObject[] ps = new NativePointerObject[args.length];
        for (int k = 0; k < args.length; k++) {
            ps[k] = switch (args[k]) {
                case null -> Pointer.to(new long[]{0L});
                case Long addr -> Pointer.to(new long[]{addr});
                case int[] h -> Pointer.to(h);
                case float[] h -> Pointer.to(h);
                case Integer v -> Pointer.to(new int[]{v});
                case Float v -> Pointer.to(new float[]{v});
                default -> throw new IllegalArgumentException(args[k].getClass().getName());
            };
        }
        Pointer params = Pointer.to(ps);
        String doing = "launching " + abi.entry + " for " + what;   // built once: launches allocate nothing
        return (gx, gy, block, shared, stream) -> Cuda.check(
                JCudaDriver.cuLaunchKernel(fn, gx, gy, 1, block, 1, 1, shared, (CUstream) stream, params, null), "cuLaunchKernel", doing);
    }

    @Override
    public boolean graphs() {
        return true;
    }

    @Override
    public void beginCapture(Object stream) {
        Cuda.check(JCudaDriver.cuStreamBeginCapture((CUstream) stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
                "cuStreamBeginCapture", "capturing a request graph");
    }

    @Override
    public Object endCapture(Object stream, String what) {
        CUgraph graph = new CUgraph();
        Cuda.check(JCudaDriver.cuStreamEndCapture((CUstream) stream, graph), "cuStreamEndCapture", "capturing " + what);
        CUgraphExec exec = new CUgraphExec();
        try {
            Cuda.check(JCudaDriver.cuGraphInstantiate(exec, graph, 0), "cuGraphInstantiate", "instantiating " + what);
        } finally {
            JCudaDriver.cuGraphDestroy(graph);
        }
        return exec;
    }

    @Override
    public void abortCapture(Object stream) {
        CUgraph graph = new CUgraph();
        JCudaDriver.cuStreamEndCapture((CUstream) stream, graph);
        JCudaDriver.cuGraphDestroy(graph);
    }

    @Override
    public void launchGraph(Object graph, Object stream, String what) {
        Cuda.check(JCudaDriver.cuGraphLaunch((CUgraphExec) graph, (CUstream) stream), "cuGraphLaunch", "replaying " + what);
    }

    @Override
    public void destroyGraph(Object graph) {
        JCudaDriver.cuGraphExecDestroy((CUgraphExec) graph);
    }

    @Override
    public void close() {
        if (closed) return;
        try {
            makeCurrent();
            for (CUmodule m : modules) JCudaDriver.cuModuleUnload(m);
            modules.clear();
        } finally {
            closed = true;
            JCudaDriver.cuDevicePrimaryCtxRelease(device);
        }
    }
}
