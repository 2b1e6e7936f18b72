package io.interestengine;

/**
 * How to load a model: which backend ({@code auto}, {@code scalar}, {@code simd}, {@code cuda}) and whether
 * to memory-map F32 embedding tables. With {@code auto}, the system property {@code interestengine.backend}
 * forces a backend when set.
 */
public record LoadOptions(String backend, boolean mmapTables) {
    public static final String BACKEND_PROPERTY = "interestengine.backend";

    public static LoadOptions defaults() {
        return new LoadOptions("auto", false);
    }

    public LoadOptions withBackend(String name) {
        return new LoadOptions(name, mmapTables);
    }

    public LoadOptions withMmapTables(boolean mmap) {
        return new LoadOptions(backend, mmap);
    }
}
