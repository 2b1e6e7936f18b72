package io.interestengine.cuda;

/**
 * Every kernel the backend launches: its PTX resource, entry name and parameter signature ({@code p} a device
 * pointer, {@code i} a 32-bit int, {@code f} a float). Launch sites build their arguments through
 * {@link Launch}, which checks them against this signature when a step is bound; a test checks the signatures
 * against the committed PTX, so a kernel and its launcher cannot drift apart unnoticed even without a GPU.
 */
enum KernelAbi {
    GATHER("embedding", "ie_gather", "pppii"),
    POOL("embedding", "ie_pool", "ppppiiiiifi"),
    CONCAT_PART("elementwise", "ie_concat_part", "pppiiiii"),
    BINARY("elementwise", "ie_binary", "pppppiii"),
    SCALE_ROWS("elementwise", "ie_scale_rows", "ppppiii"),
    OUTPUT("elementwise", "ie_output", "pppiiiif"),
    DENSE("dense", "ie_dense", "ppppiiiippp"),
    DENSE_TF32("dense", "ie_dense_tf32", "ppppiiiippp"),
    ATTENTION("attention", "ie_attention", "ppppppipppppiiiifiii"),
    GRU_SEQ("gru", "ie_gru_seq", "ppppppppp" + "iiiiiiii"),
    NTM_SEQ("ntm", "ie_ntm_seq", "ppppippppiiif"),
    NTM_READ("ntm", "ie_ntm_read", "ppppipppif");

    /** Classpath folder of the PTX files (the kernels module). */
    static final String RESOURCE_DIR = "/io/interestengine/kernels/";

    final String module, entry, signature;

    KernelAbi(String module, String entry, String signature) {
        this.module = module;
        this.entry = entry;
        this.signature = signature;
    }

    String resource() {
        return RESOURCE_DIR + module + ".ptx";
    }

    /** The PTX text of a resource, NUL-terminated as cuModuleLoadData expects. */
    static byte[] ptx(String resource) {
        // Through the class loader: the PTX lives in the kernels jar, another module on the module path, which
        // Class.getResourceAsStream would not search from this named module.
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        try (java.io.InputStream in = KernelAbi.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new CudaModuleException("PTX resource " + resource + " is not on the class path: add the kernels jar", 0);
            byte[] b = in.readAllBytes();
            return java.util.Arrays.copyOf(b, b.length + 1);
        } catch (java.io.IOException e) {
            throw new CudaModuleException("reading PTX resource " + resource + ": " + e, 0);
        }
    }
}
