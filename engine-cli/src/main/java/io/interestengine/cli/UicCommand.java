package io.interestengine.cli;

import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.serving.MetricsEndpoint;
import io.interestengine.serving.RedisClusters;
import io.interestengine.serving.RedisStateStore;
import io.interestengine.serving.UicMetrics;
import io.interestengine.serving.UicWorker;
import io.lettuce.core.cluster.RedisClusterClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code uic}: a User Interest Center worker until SIGTERM/SIGINT (it finishes its round and stops). */
@Command(name = "uic", mixinStandardHelpOptions = true, sortOptions = false,
        description = "User Interest Center worker: applies behaviour events from a Redis Stream to user states in "
                + "Redis Cluster.")
final class UicCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "model directory")
    Path model;

    @Option(names = "--state", required = true, paramLabel = "redis://HOST:PORT[,...]",
            description = "Redis Cluster (states and stream)")
    String state;

    @Option(names = "--events", required = true, paramLabel = "STREAM", description = "events stream key")
    String events;

    @Option(names = "--group", paramLabel = "G", description = "consumer group (default: uic)")
    String group = "uic";

    @Option(names = "--consumer", paramLabel = "NAME",
            description = "this worker's consumer name; keep it across restarts (default: pid@host)")
    String consumer = ManagementFactory.getRuntimeMXBean().getName();

    @Option(names = "--dead-letter", paramLabel = "STREAM", description = "dead-letter stream (default: STREAM:dead)")
    String deadLetter;

    @Option(names = "--batch", paramLabel = "N", description = "entries per read (default: 512)")
    int batch = 512;

    @Option(names = "--claim-idle-ms", paramLabel = "MS",
            description = "claim other consumers' entries pending this long (default: 30000)")
    long claimIdleMs = 30_000;

    @Option(names = "--state-cache", paramLabel = "USERS",
            description = "users' states kept in memory after writing them, which skips reading them back (default: "
                    + "10000)")
    int stateCache = 10_000;

    @Option(names = "--backend", paramLabel = "B", description = "auto|scalar|simd|cuda (default: auto)")
    String backend = "auto";

    @Option(names = "--metrics-port", paramLabel = "P",
            description = "serve /metrics and /healthz on this port (default: none)")
    Integer metricsPort;

    @Override
    public Integer call() throws InterruptedException {
        var opts = new UicWorker.Options(events, group, consumer, deadLetter == null ? events + ":dead" : deadLetter,
                batch,
                Duration.ofMillis(claimIdleMs), Duration.ofMinutes(5), stateCache);
        PrometheusRegistry registry = new PrometheusRegistry();
        RedisClusterClient client = RedisClusters.client(state);
        CountDownLatch done = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.set(true);
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try (Model m = Model.load(model, LoadOptions.defaults().withBackend(backend));
             RedisStateStore store = new RedisStateStore(client);
             UicWorker worker = new UicWorker(m, store, client, opts, new UicMetrics(registry));
             MetricsEndpoint metrics = metricsPort == null ? null : MetricsEndpoint.start(metricsPort, registry)) {
            System.err.println("uic worker " + consumer + ": model " + m.info().name() + " (" + m.fingerprint()
                    + "), stream "
                    + events + ", group " + group);
            worker.run(stop::get);
        } finally {
            client.shutdown();
            done.countDown();
        }
        return 0;
    }

}
