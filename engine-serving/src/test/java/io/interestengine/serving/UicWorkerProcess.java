package io.interestengine.serving;

import io.interestengine.Model;
import io.lettuce.core.cluster.RedisClusterClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A UIC worker in a process of its own, for the test that kills one with SIGKILL.
 * Arguments: cluster spec, model directory, stream, consumer name.
 */
public final class UicWorkerProcess {
    private UicWorkerProcess() {
    }

    public static void main(String[] a) {
        RedisClusterClient client = RedisClusters.client(a[0]);
        var o = new UicWorker.Options(a[2], "uic", a[3], a[2] + ":dead", 16, Duration.ofSeconds(30),
                Duration.ofMinutes(5), 1000);
        try (Model m = Model.load(Path.of(a[1])); RedisStateStore store = new RedisStateStore(client);
             UicWorker w = new UicWorker(m, store, client, o, new UicMetrics(new PrometheusRegistry()))) {
            w.run(() -> false);
        }
    }
}
