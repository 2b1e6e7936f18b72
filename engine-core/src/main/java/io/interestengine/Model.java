package io.interestengine;

import io.interestengine.graph.GraphLoader;
import io.interestengine.graph.ModelGraph;
import io.interestengine.spi.DeviceModel;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A loaded model bound to one backend. Immutable and safe to share between threads; each thread scores
 * through its own {@link Session}. Owns its weights (off-heap) and the backend's resident copy: close it
 * after its sessions.
 *
 * <pre>{@code
 * try (Model model = Model.load(Path.of("models/din"));
 *      Session session = model.newSession()) {
 *     RankingRequest req = model.newRankingRequest()
 *         .user("uid", 17)
 *         .history("hist_mid", histMids, len).history("hist_cat", histCats, len)
 *         .candidates("mid", mids, n).candidates("cat", cats, n);
 *     float[] scores = session.score(req);
 * }
 * }</pre>
 */
public final class Model implements AutoCloseable {
    static {
        io.interestengine.internal.Internals.register(Model::graph);
    }

    /** How long {@link #close()} waits for calls in flight before leaving the release to the last of them. */
    static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private final Arena arena;
    private final ModelGraph graph;
    private final DeviceModel device;
    private final String backendName;
    private final String selectionReport;
    private final LoadOptions options;
    private volatile boolean closed;
    /** Session calls in flight: the weights are released only when it is zero after {@link #close()}. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean released = new AtomicBoolean();

    private Model(Arena arena, ModelGraph graph, DeviceModel device, String backendName, String report,
            LoadOptions options) {
        this.arena = arena;
        this.graph = graph;
        this.device = device;
        this.backendName = backendName;
        this.selectionReport = report;
        this.options = options;
    }

    /**
     * Loads a model directory with the automatically chosen backend.
     *
     * @throws ModelFormatException        if the directory, configuration or weights are invalid
     * @throws BackendUnavailableException if no backend can run the model
     * @throws NullPointerException        if {@code dir} is null
     */
    public static Model load(Path dir) {
        return load(dir, LoadOptions.defaults());
    }

    /**
     * Loads a model directory.
     *
     * @throws ModelFormatException        if the directory, configuration or weights are invalid, a weight is NaN
     *                                     or infinite (also after batch-norm folding), or the model exceeds a limit
     *                                     of {@code options} ({@code maxHistoryLength}, {@code maxWorkspaceBytes});
     *                                     nothing stays loaded
     * @throws BackendUnavailableException if the requested backend cannot run here, with the reason
     * @throws NullPointerException        if {@code dir} or {@code options} is null
     */
    public static Model load(Path dir, LoadOptions options) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(options, "options");
        Arena arena = Arena.ofShared();
        try {
            ModelGraph g = GraphLoader.load(dir, arena, options.mmapTables());
            Limits.checkModel(g, options);
            FoldedWeights.check(g);
            Backends.Selection s = Backends.select(options.backend(), g, options);
            return new Model(arena, g, s.model(), s.backend().name(), s.report(), options);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Opens a session with default capacities (they grow on demand, once, up to the limits of the load options).
     *
     * @throws IllegalStateException if the model is closed
     */
    public Session newSession() {
        check();
        return new Session(this);
    }

    /** The options the model was loaded with (its limits among them). */
    public LoadOptions options() {
        return options;
    }

    /** A reusable ranking request for this model. @throws IllegalStateException if the model is closed */
    public RankingRequest newRankingRequest() {
        check();
        return new RankingRequest(this);
    }

    /** A reusable batch request for this model. @throws IllegalStateException if the model is closed */
    public BatchRequest newBatchRequest() {
        check();
        return new BatchRequest(this);
    }

    /** The validated graph (engine-internal: its layers hold the weights; callers get {@link #info()}). */
    ModelGraph graph() {
        return graph;
    }

    /** Name, fingerprint, backend, sequence groups and request fields; immutable. */
    public ModelInfo info() {
        return ModelInfo.of(graph, backendName);
    }

    /** The backend's name: scalar, simd or cuda. */
    public String backendName() {
        return backendName;
    }

    /** Why this backend was chosen and why others were rejected. */
    public String selectionReport() {
        return selectionReport;
    }

    /** A digest of the configuration and weights, used to tie saved state to its model. */
    public String fingerprint() {
        return graph.fingerprint();
    }

    DeviceModel device() {
        check();
        return device;
    }

    void check() {
        if (closed) throw closedException();
    }

    private IllegalStateException closedException() {
        return new IllegalStateException("model '" + graph.name() + "' is closed");
    }

    /**
     * Marks a session call in flight; the weights stay until the matching {@link #exit()}.
     *
     * @throws IllegalStateException if the model is closed
     */
    void enter() {
        // Increment before reading closed, while close() sets closed before reading the count: one of the two
        // sees the other, so no call runs on released weights.
        inFlight.incrementAndGet();
        if (closed) {
            exit();
            throw closedException();
        }
    }

    /** Ends a call marked by {@link #enter()}; the last one after close releases the weights. */
    void exit() {
        if (inFlight.decrementAndGet() == 0 && closed) release();
    }

    /**
     * Closes the model: later calls get an {@link IllegalStateException}; calls in flight finish first (close waits
     * for them up to 10 seconds; past that the last of them releases the weights when it
     * returns), so no weights or device memory are freed under a running session. Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        while (inFlight.get() > 0 && System.nanoTime() - deadline < 0) LockSupport.parkNanos(100_000);
        if (inFlight.get() == 0) release();
    }

    private volatile WeightRange weightRange;

    /**
     * The engine's exception for a non-finite score or state of this model: as thrown (the request's values at
     * fault) unless the model's own weights are large enough to overflow fp32, which it then names.
     */
    NumericException explain(NumericException e) {
        WeightRange r = weightRange;
        if (r == null) weightRange = r = WeightRange.of(graph);
        return r.explain(e);
    }

    /** Whether the weights have been released (tests). */
    boolean released() {
        return released.get();
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            try {
                device.close();
            } finally {
                arena.close();
            }
        }
    }
}
