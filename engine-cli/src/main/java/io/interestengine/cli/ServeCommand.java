package io.interestengine.cli;

import io.interestengine.LoadOptions;
import io.interestengine.serving.MemoryStateStore;
import io.interestengine.serving.RedisStateStore;
import io.interestengine.serving.ScoringServer;
import io.interestengine.serving.StateStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code serve}: the HTTP/JSON scoring server until SIGTERM/SIGINT, then a graceful drain. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"HTTP/JSON scoring server: POST /v1/models/NAME:score, GET /v1/models/NAME, /healthz, /readyz, "
                + "/metrics (docs/SERVING.md)."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "NAME=DIR",
            description = "a model to serve (repeat for more)")
    Map<String, Path> models = new LinkedHashMap<>();

    @Option(names = "--port", paramLabel = "P", description = "TCP port (default: 8080; 0: any free one)")
    int port = 8080;

    @Option(names = "--backend", paramLabel = "B", description = "auto|scalar|simd|cuda (default: auto)")
    String backend = "auto";

    @Option(names = "--state", paramLabel = "STORE",
            description = "user state store for user_id requests: redis://host:port[,host:port...] (Redis Cluster) "
                    + "or memory")
    String state;

    @Option(names = "--max-inflight", paramLabel = "N",
            description = "score requests held at once; more get 503 (default: 64)")
    int maxInFlight = 64;

    @Option(names = "--max-body-bytes", paramLabel = "N", description = "largest request body (default: 4194304)")
    long maxBody = 4 << 20;

    @Option(names = "--drain-seconds", paramLabel = "S",
            description = "how long shutdown waits for requests in flight (default: 30)")
    int drainSeconds = 30;

    @Override
    public Integer call() throws InterruptedException {
        StateStore store = StateStores.open(state);
        ScoringServer server;
        try {
            server = ScoringServer.start(new ScoringServer.Config(port, maxInFlight, maxBody,
                    Duration.ofSeconds(drainSeconds)),
                    models, LoadOptions.defaults().withBackend(backend), store, new PrometheusRegistry());
        } catch (RuntimeException e) {
            if (store != null) store.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("draining (up to " + drainSeconds + " s)...");
            server.close();
            if (store != null) store.close();
            stopped.countDown();
        }));
        System.err.println("serving " + String.join(", ", models.keySet()) + " on port " + server.port()
                + (state == null ? "" : " with state store " + state));
        stopped.await();
        return 0;
    }

    /** Opens the store named by {@code --state}. */
    static final class StateStores {
        private StateStores() {
        }

        static StateStore open(String spec) {
            if (spec == null) return null;
            if (spec.equals("memory")) return new MemoryStateStore();
            return RedisStateStore.connect(spec);
        }
    }
}
