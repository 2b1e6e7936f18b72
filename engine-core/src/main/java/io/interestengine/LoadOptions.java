package io.interestengine;

import java.util.Objects;

/**
 * How to load a model: which backend ({@code auto}, {@code scalar}, {@code simd}, {@code cuda}), whether
 * to memory-map embedding tables (any stored form), and how many threads one request may use across its candidates
 * ({@code intraRequestThreads}, 1 by default: a request runs on its caller's thread alone; backends without
 * intra-request parallelism ignore it). With {@code auto}, the system property {@code interestengine.backend}
 * forces a backend when set.
 *
 * <p>Limits, so that no request or model can exhaust the heap (each names itself in the exception it causes):
 * <ul>
 * <li>{@code maxCandidates} (default {@value #DEFAULT_MAX_CANDIDATES}): candidates of one ranking request;
 *     more is an {@link InvalidRequestException}.</li>
 * <li>{@code maxBatchSamples} (default {@value #DEFAULT_MAX_BATCH_SAMPLES}): samples of one batch request;
 *     more is an {@link InvalidRequestException} from {@link BatchRequest#reset} or the score call.</li>
 * <li>{@code maxHistoryLength} (default {@value #DEFAULT_MAX_HISTORY_LENGTH}): the largest {@code max_length}
 *     a model may declare; more is a {@link ModelFormatException} at load.</li>
 * <li>{@code maxWorkspaceBytes} (default: a quarter of the JVM's maximum heap, at most
 *     {@value #DEFAULT_MAX_WORKSPACE_BYTES} bytes): the planned arenas of one session (values, ids, scores;
 *     backends add scratch of the same order). A request that would grow a session beyond it is an
 *     {@link InvalidRequestException}; a model whose smallest session exceeds it is a
 *     {@link ModelFormatException} at load.</li>
 * </ul>
 */
public record LoadOptions(String backend, boolean mmapTables, int intraRequestThreads,
                          int maxCandidates, int maxBatchSamples, int maxHistoryLength, long maxWorkspaceBytes) {
    public static final String BACKEND_PROPERTY = "interestengine.backend";
    public static final int DEFAULT_MAX_CANDIDATES = 100_000;
    public static final int DEFAULT_MAX_BATCH_SAMPLES = 100_000;
    public static final int DEFAULT_MAX_HISTORY_LENGTH = 4096;
    public static final long DEFAULT_MAX_WORKSPACE_BYTES = 1L << 30;

    /**
     * @throws NullPointerException     if {@code backend} is null
     * @throws IllegalArgumentException if {@code intraRequestThreads} or a limit is below 1
     */
    public LoadOptions {
        Objects.requireNonNull(backend, "backend");
        if (intraRequestThreads < 1) throw new IllegalArgumentException("intraRequestThreads " + intraRequestThreads + ": at least 1");
        if (maxCandidates < 1) throw new IllegalArgumentException("maxCandidates " + maxCandidates + ": at least 1");
        if (maxBatchSamples < 1) throw new IllegalArgumentException("maxBatchSamples " + maxBatchSamples
                + ": at least 1");
        if (maxHistoryLength < 1) throw new IllegalArgumentException("maxHistoryLength " + maxHistoryLength
                + ": at least 1");
        if (maxWorkspaceBytes < 1) throw new IllegalArgumentException("maxWorkspaceBytes " + maxWorkspaceBytes
                + ": at least 1");
    }

    /** @throws IllegalArgumentException if {@code intraRequestThreads} is below 1 */
    public LoadOptions(String backend, boolean mmapTables, int intraRequestThreads) {
        this(backend, mmapTables, intraRequestThreads, DEFAULT_MAX_CANDIDATES, DEFAULT_MAX_BATCH_SAMPLES,
                DEFAULT_MAX_HISTORY_LENGTH, defaultWorkspaceBytes());
    }

    public LoadOptions(String backend, boolean mmapTables) {
        this(backend, mmapTables, 1);
    }

    public static LoadOptions defaults() {
        return new LoadOptions("auto", false);
    }

    /** A quarter of the maximum heap (several sessions must fit), capped at {@link #DEFAULT_MAX_WORKSPACE_BYTES}. */
    static long defaultWorkspaceBytes() {
        return Math.max(1, Math.min(DEFAULT_MAX_WORKSPACE_BYTES, Runtime.getRuntime().maxMemory() / 4));
    }

    /** @throws NullPointerException if {@code name} is null */
    public LoadOptions withBackend(String name) {
        return new LoadOptions(name, mmapTables, intraRequestThreads, maxCandidates, maxBatchSamples, maxHistoryLength,
                maxWorkspaceBytes);
    }

    /**
     * Maps every embedding table (and an I8 table's scales) from the weights file instead of copying it: nothing of
     * the table is read at load or held on the heap; the pages are the file's, shared and read on demand.
     */
    public LoadOptions withMmapTables(boolean mmap) {
        return new LoadOptions(backend, mmap, intraRequestThreads, maxCandidates, maxBatchSamples, maxHistoryLength,
                maxWorkspaceBytes);
    }

    /**
     * Lets one request split its candidate rows over up to {@code threads} threads (the caller and a pool
     * owned by the model). Off (1) by default. The split depends only on the row count, so scores equal one
     * thread's bit for bit; a call allocates nothing (each session re-arms its own tasks) and waits for the other
     * parts by spinning, so the setting pays only where the extra cores are free.
     *
     * @throws IllegalArgumentException if {@code threads} is below 1
     */
    public LoadOptions withIntraRequestThreads(int threads) {
        return new LoadOptions(backend, mmapTables, threads, maxCandidates, maxBatchSamples, maxHistoryLength,
                maxWorkspaceBytes);
    }

    /** The most candidates one ranking request may carry. @throws IllegalArgumentException if below 1 */
    public LoadOptions withMaxCandidates(int n) {
        return new LoadOptions(backend, mmapTables, intraRequestThreads, n, maxBatchSamples, maxHistoryLength,
                maxWorkspaceBytes);
    }

    /** The most samples one batch request may carry. @throws IllegalArgumentException if below 1 */
    public LoadOptions withMaxBatchSamples(int n) {
        return new LoadOptions(backend, mmapTables, intraRequestThreads, maxCandidates, n, maxHistoryLength,
                maxWorkspaceBytes);
    }

    /** The largest {@code max_length} a model may declare. @throws IllegalArgumentException if below 1 */
    public LoadOptions withMaxHistoryLength(int n) {
        return new LoadOptions(backend, mmapTables, intraRequestThreads, maxCandidates, maxBatchSamples, n,
                maxWorkspaceBytes);
    }

    /** The largest planned workspace of one session, in bytes. @throws IllegalArgumentException if below 1 */
    public LoadOptions withMaxWorkspaceBytes(long bytes) {
        return new LoadOptions(backend, mmapTables, intraRequestThreads, maxCandidates, maxBatchSamples,
                maxHistoryLength, bytes);
    }
}
