package io.interestengine.cuda;

import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernels' PTX loaded into the context (the driver JIT-compiles it for the GPU once) with every function
 * resolved at load time, so a missing or renamed kernel fails the model load, not a request.
 */
final class KernelModule implements AutoCloseable {
    private final List<CUmodule> modules = new ArrayList<>();
    private final Map<KernelAbi, CUfunction> functions = new EnumMap<>(KernelAbi.class);
    private boolean closed;

    KernelModule() {
        Map<String, CUmodule> byName = new LinkedHashMap<>();
        try {
            for (KernelAbi k : KernelAbi.values()) {
                CUmodule m = byName.get(k.module);
                if (m == null) {
                    m = new CUmodule();
                    Cuda.check(JCudaDriver.cuModuleLoadData(m, ptx(k.resource())), "cuModuleLoadData", "loading " + k.resource());
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

    /** The PTX text, NUL-terminated as cuModuleLoadData expects. */
    static byte[] ptx(String resource) {
        try (InputStream in = KernelModule.class.getResourceAsStream(resource)) {
            if (in == null) throw new CudaModuleException("PTX resource " + resource + " is not on the class path: add the kernels jar", 0);
            byte[] b = in.readAllBytes();
            byte[] z = new byte[b.length + 1];
            System.arraycopy(b, 0, z, 0, b.length);
            return z;
        } catch (IOException e) {
            throw new CudaModuleException("reading PTX resource " + resource + ": " + e, 0);
        }
    }

    CUfunction function(KernelAbi k) {
        if (closed) throw new IllegalStateException("kernel module is closed");
        return functions.get(k);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (CUmodule m : modules) JCudaDriver.cuModuleUnload(m);
        modules.clear();
    }
}
