package io.interestengine.serving;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The state store latency histogram, shared by the server and the worker (one registration per registry). */
final class StoreMetrics {
    private StoreMetrics() {
    }

    static synchronized Histogram histogram(PrometheusRegistry registry) {
        return Histogram.builder().name("ie_state_store_seconds").help("State store calls by operation")
                .labelNames("op").classicExponentialUpperBounds(0.0001, 2, 16).register(registry);
    }
}
