package io.interestengine;

/**
 * How to load a model: which backend ({@code auto}, {@code scalar}, {@code simd}, {@code cuda}), whether
 * to memory-map F32 embedding tables, and how many threads one request may use across its candidates
 * ({@code intraRequestThreads}, 1 by default: a request runs on its caller's thread alone; backends without
 * intra-request parallelism ignore it). With {@code auto}, the system property {@code interestengine.backend}
 * forces a backend when set.
 */
public record LoadOptions(String backend, boolean mmapTables, int intraRequestThreads) {
    public static final String BACKEND_PROPERTY = "interestengine.backend";

    /** @throws IllegalArgumentException if {@code intraRequestThreads} is below 1 */
    public LoadOptions {
        if (intraRequestThreads < 1) throw new IllegalArgumentException("intraRequestThreads " + intraRequestThreads + ": at least 1");
    }

    public LoadOptions(String backend, boolean mmapTables) {
        this(backend, mmapTables, 1);
    }

    public static LoadOptions defaults() {
        return new LoadOptions("auto", false);
    }

    public LoadOptions withBackend(String name) {
        return new LoadOptions(name, mmapTables, intraRequestThreads);
    }

    public LoadOptions withMmapTables(boolean mmap) {
        return new LoadOptions(backend, mmap, intraRequestThreads);
    }

    /**
     * Lets one request split its candidate rows over up to {@code threads} threads (the caller and a pool
     * owned by the model). Off (1) by default; with more, a score call allocates its few tasks.
     *
     * @throws IllegalArgumentException if {@code threads} is below 1
     */
    public LoadOptions withIntraRequestThreads(int threads) {
        return new LoadOptions(backend, mmapTables, threads);
    }
}
