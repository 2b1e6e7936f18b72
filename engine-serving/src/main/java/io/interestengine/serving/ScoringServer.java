package io.interestengine.serving;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.interestengine.InvalidRequestException;
import io.interestengine.LoadOptions;
import io.interestengine.ModelHolder;
import io.interestengine.NumericException;
import io.interestengine.RequestJson;
import io.interestengine.UserState;
import io.interestengine.json.Json;
import io.interestengine.json.JsonException;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/JSON scoring server.
 *
 * <ul>
 *   <li>{@code POST /v1/models/{name}:score}: a request of docs/FORMAT.md, or one with {@code "user_id"} and no
 *   history, whose history and interest state come from the state store;</li>
 *   <li>{@code POST /v1/models/{name}:reload}: loads the model's directory again and swaps it in under load;</li>
 *   <li>{@code GET /v1/models/{name}}: metadata, backend and why it was chosen;</li>
 *   <li>{@code GET /healthz} (the process answers), {@code GET /readyz} (every model loaded and warmed, not
 *   draining), {@code GET /metrics} (Prometheus text).</li>
 * </ul>
 *
 * Statuses: 400 for a bad request (the engine's message), 404 for an unknown model or a user with no stored
 * state, 413 for a body over the limit, 503 when the server holds {@code maxInFlight} requests already (load
 * is shed at once rather than queued), while draining, or when the state store cannot be reached.
 */
public final class ScoringServer implements AutoCloseable {

    /**
     * @param port        TCP port (0: any free one)
     * @param maxInFlight score requests held at once; one more is answered 503
     * @param maxBodyBytes largest request body accepted
     * @param drainTimeout how long {@link #close()} waits for in-flight requests
     */
    public record Config(int port, int maxInFlight, long maxBodyBytes, Duration drainTimeout) {
        /** @throws IllegalArgumentException if a limit is not positive */
        public Config {
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port);
            if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight " + maxInFlight + ": at least 1");
            if (maxBodyBytes < 1) throw new IllegalArgumentException("maxBodyBytes " + maxBodyBytes + ": at least 1");
        }

        public static Config defaults(int port) {
            return new Config(port, 64, 4 << 20, Duration.ofSeconds(30));
        }
    }

    private final Config config;
    private final Map<String, ServedModel> models;
    private final StateStore store;
    private final PrometheusRegistry registry;
    private final ServerMetrics metrics;
    private final Semaphore slots;
    private final WebServer server;
    private volatile boolean ready, draining;

    private ScoringServer(Config config, Map<String, ServedModel> models, StateStore store,
            PrometheusRegistry registry) {
        this.config = config;
        this.models = models;
        this.store = store;
        this.registry = registry;
        this.metrics = new ServerMetrics(registry);
        this.slots = new Semaphore(config.maxInFlight());
        this.server = WebServer.builder().port(config.port()).maxPayloadSize(config.maxBodyBytes())
                .shutdownHook(false).routing(this::routes).build();
    }

    /**
     * Loads every model, starts listening, warms each model, then reports ready.
     *
     * @param models name → model directory
     * @param store  the state store for {@code user_id} requests, or null
     * @throws io.interestengine.ModelFormatException        if a model cannot be loaded (nothing keeps running)
     * @throws io.interestengine.BackendUnavailableException if the backend cannot run a model
     */
    public static ScoringServer start(Config config, Map<String, Path> models, LoadOptions options, StateStore store,
                                      PrometheusRegistry registry) {
        Map<String, ServedModel> served = new LinkedHashMap<>();
        try {
            for (var e : models.entrySet()) served.put(e.getKey(), new ServedModel(e.getKey(),
                    ModelHolder.load(e.getValue(), options)));
        } catch (RuntimeException e) {
            served.values().forEach(ServedModel::close);
            throw e;
        }
        ScoringServer s = new ScoringServer(config, served, store, registry);
        s.server.start();
        for (ServedModel m : served.values()) m.warm();
        s.ready = true;
        return s;
    }

    /** The port the server listens on. */
    public int port() {
        return server.port();
    }

    private void routes(HttpRouting.Builder r) {
        r.get("/healthz", (req, res) -> res.send("ok"))
                .get("/readyz", (req, res) -> {
                    boolean ok = ready && !draining;
                    res.status(ok ? 200 : 503).send(ok ? "ready" : draining ? "draining" : "warming up");
                })
                .get("/metrics", this::metricsText)
                .get("/v1/models/{name}", this::describe)
                .post("/v1/models/{spec}", this::post);
    }

    private void metricsText(ServerRequest req, ServerResponse res) throws IOException {
        res.header(HeaderNames.CONTENT_TYPE,
                PrometheusTextFormatWriter.CONTENT_TYPE).send(MetricsEndpoint.text(registry));
    }

    private void describe(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("name");
        ServedModel m = models.get(name);
        if (m == null) {
            json(res, 404, error("no model '" + name + "' (served: " + String.join(", ", models.keySet()) + ")"));
            return;
        }
        json(res, 200, m.describe());
    }

    private void post(ServerRequest req, ServerResponse res) {
        String spec = req.path().pathParameters().get("spec");
        int colon = spec.lastIndexOf(':');
        String name = colon < 0 ? spec : spec.substring(0, colon), verb = colon < 0 ? "" : spec.substring(colon + 1);
        ServedModel m = models.get(name);
        if (m == null || !(verb.equals("score") || verb.equals("reload"))) {
            metrics.errors.labelValues(name, "unknown_model").inc();
            json(res, 404, error(m == null ? "no model '" + name + "' (served: " + String.join(", ", models.keySet())
                    + ")"
                    : "unknown method '" + verb + "' (POST /v1/models/" + name + ":score or :reload)"));
            return;
        }
        if (verb.equals("reload")) {
            reload(m, res);
            return;
        }
        if (draining) {
            metrics.errors.labelValues(name, "draining").inc();
            res.header(HeaderNames.CONNECTION, "close");
            json(res, 503, error("server is draining"));
            return;
        }
        if (!slots.tryAcquire()) {
            metrics.errors.labelValues(name, "shed").inc();
            res.header(HeaderNames.RETRY_AFTER, "1");
            json(res, 503, error("overloaded: " + config.maxInFlight() + " requests in flight"));
            return;
        }
        metrics.inflight.inc();
        long t0 = System.nanoTime();
        try {
            String out = score(m, req.content().as(String.class));
            json(res, 200, out);
            metrics.latency.labelValues(name).observe((System.nanoTime() - t0) / 1e9);
        } catch (InvalidRequestException e) {
            metrics.errors.labelValues(name, "bad_request").inc();
            json(res, 400, error(e.getMessage()));
        } catch (NumericException e) {
            metrics.errors.labelValues(name, "numeric").inc();
            json(res, 400, error(e.getMessage()));
        } catch (UnknownUserException e) {
            metrics.errors.labelValues(name, "unknown_user").inc();
            json(res, 404, error(e.getMessage()));
        } catch (StateStoreException e) {
            metrics.errors.labelValues(name, "state_store").inc();
            json(res, 503, error("state store: " + e.getMessage()));
        } catch (RuntimeException e) {
            metrics.errors.labelValues(name, "internal").inc();
            json(res, 500, error(e.toString()));
        } finally {
            metrics.inflight.dec();
            slots.release();
        }
    }

    /** A user with no stored state for the model's fingerprint. */
    private static final class UnknownUserException extends RuntimeException {
        UnknownUserException(String m) {
            super(m);
        }
    }

    private String score(ServedModel m, String body) {
        Object tree;
        try {
            tree = Json.parse(body);
        } catch (JsonException e) {
            throw new InvalidRequestException("invalid JSON: " + e.getMessage());
        }
        String userId = null;
        if (tree instanceof Map<?, ?> map && map.containsKey("user_id")) {
            Object u = map.remove("user_id");
            if (u instanceof String s && !s.isEmpty()) userId = s;
            else if (u instanceof Long l) userId = Long.toString(l);
            else throw new InvalidRequestException("user_id: expected a non-empty string or an integer");
            if (map.containsKey("history")) throw new InvalidRequestException(
                    "history: a user_id request takes the history from the state store");
        }
        try (ModelHolder.Lease l = m.holder.acquire()) {
            RequestJson.Parsed p = RequestJson.parse(l.model(), tree);
            StringBuilder b = new StringBuilder(32 + 12 * p.size()).append("{\"model\":").append(Json.quote(m.name))
                    .append(",\"version\":").append(l.version());
            float[] scores;
            if (userId == null) {
                scores = RequestJson.score(l.session(), p);
            } else {
                if (store == null) throw new InvalidRequestException(
                        "user_id: this server has no state store (start it with --state)");
                if (p.ranking() == null) throw new InvalidRequestException(
                        "user_id: only ranking requests read the user's state");
                long t0 = System.nanoTime();
                StateStore.Stored st = store.get(l.model().fingerprint(), userId);
                metrics.store.labelValues("get").observe((System.nanoTime() - t0) / 1e9);
                if (st == null) {
                    throw new UnknownUserException("no state for user '" + userId + "' of model '" + m.name
                            + "' (fingerprint "
                            + l.model().fingerprint() + "): no event applied yet");
                }
                scores = l.session().score(UserState.fromBytes(l.model(), st.state()), p.ranking());
                b.append(",\"user_id\":").append(Json.quote(userId)).append(",\"state_seq\":").append(st.seq());
            }
            b.append(",\"scores\":[");
            for (int i = 0; i < p.size(); i++) b.append(i == 0 ? "" : ",").append(scores[i]);
            return b.append("]}").toString();
        }
    }

    private void reload(ServedModel m, ServerResponse res) {
        try {
            m.holder.reload();
            m.warm();
            json(res, 200, m.describe());
        } catch (RuntimeException e) {
            json(res, 422, "{\"error\":" + Json.quote("reload failed, version " + m.holder.version()
                    + " keeps serving: "
                    + e.getMessage()) + ",\"version\":" + m.holder.version() + "}");
        }
    }

    private static String error(String message) {
        return "{\"error\":" + Json.quote(message == null ? "(no message)" : message) + "}";
    }

    private static void json(ServerResponse res, int status, String body) {
        res.status(status).header(HeaderNames.CONTENT_TYPE,
                "application/json").send(body.getBytes(StandardCharsets.UTF_8));
    }

    /** Score requests being served now. */
    public int inFlight() {
        return config.maxInFlight() - slots.availablePermits();
    }

    /** Takes in-flight slots without a request (tests fill the server to see it shed). */
    Semaphore slots() {
        return slots;
    }

    /**
     * Graceful shutdown: stops taking score requests (503, and {@code /readyz} says draining so that a load
     * balancer moves away), waits up to the drain timeout for the requests in flight, then stops the listener
     * and closes the models. Idempotent.
     */
    @Override
    public void close() {
        if (draining && !server.isRunning()) return;
        draining = true;
        try {
            if (slots.tryAcquire(config.maxInFlight(), config.drainTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                slots.release(config.maxInFlight());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop();
        models.values().forEach(ServedModel::close);
    }
}
