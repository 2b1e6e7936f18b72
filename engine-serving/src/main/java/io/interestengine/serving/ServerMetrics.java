package io.interestengine.serving;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The scoring server's Prometheus metrics. */
final class ServerMetrics {
    final Histogram latency;
    final Counter errors;
    final Gauge inflight;
    final Histogram store;

    ServerMetrics(PrometheusRegistry registry) {
        latency = Histogram.builder().name("ie_request_seconds").help("Score requests answered with 200, by model")
                .labelNames("model").classicExponentialUpperBounds(0.0001, 2, 18).register(registry);
        errors = Counter.builder().name("ie_errors_total")
                .help("Score requests not answered with 200, by model and kind: bad_request, numeric, unknown_model, "
                        + "unknown_user, shed, draining, state_store, internal")
                .labelNames("model", "kind").register(registry);
        inflight = Gauge.builder().name("ie_inflight_requests").help(
                "Score requests in the server now").register(registry);
        store = StoreMetrics.histogram(registry);
    }
}
