package io.interestengine;

import io.interestengine.graph.GraphLoader;
import io.interestengine.graph.ModelGraph;
import io.interestengine.spi.DeviceModel;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

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

    private final Arena arena;
    private final ModelGraph graph;
    private final DeviceModel device;
    private final String backendName;
    private final String selectionReport;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Model(Arena arena, ModelGraph graph, DeviceModel device, String backendName, String report) {
        this.arena = arena;
        this.graph = graph;
        this.device = device;
        this.backendName = backendName;
        this.selectionReport = report;
    }

    /**
     * Loads a model directory with the automatically chosen backend.
     *
     * @throws ModelFormatException        if the directory, configuration or weights are invalid
     * @throws BackendUnavailableException if no backend can run the model
     */
    public static Model load(Path dir) {
        return load(dir, LoadOptions.defaults());
    }

    /**
     * Loads a model directory.
     *
     * @throws ModelFormatException        if the directory, configuration or weights are invalid (nothing stays loaded)
     * @throws BackendUnavailableException if the requested backend cannot run here, with the reason
     */
    public static Model load(Path dir, LoadOptions options) {
        Arena arena = Arena.ofShared();
        try {
            ModelGraph g = GraphLoader.load(dir, arena, options.mmapTables());
            Backends.Selection s = Backends.select(options.backend(), g, options);
            return new Model(arena, g, s.model(), s.backend().name(), s.report());
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Opens a session with default capacities (they grow on demand, once). */
    public Session newSession() {
        check();
        return new Session(this);
    }

    /** A reusable ranking request for this model. */
    public RankingRequest newRankingRequest() {
        check();
        return new RankingRequest(this);
    }

    /** A reusable batch request for this model. */
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
        if (closed.get()) throw new IllegalStateException("model '" + graph.name() + "' is closed");
    }

    /** Releases the weights and the backend's resident copy. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                device.close();
            } finally {
                arena.close();
            }
        }
    }
}
