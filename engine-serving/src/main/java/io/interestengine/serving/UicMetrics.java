package io.interestengine.serving;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The UIC worker's Prometheus metrics: events by outcome, event-to-state latency, state store latency. */
public final class UicMetrics {
    private final Counter events;
    private final Counter conflicts;
    private final Histogram eventToState;
    private final Histogram store;

    public UicMetrics(PrometheusRegistry registry) {
        events = Counter.builder().name("ie_uic_events_total")
                .help("Events handled, by outcome: applied, duplicate (applied before), dead_letter, deferred "
                        + "(waiting for a predecessor)")
                .labelNames("outcome").register(registry);
        conflicts = Counter.builder().name("ie_uic_write_conflicts_total")
                .help("State writes refused because another writer moved the user's state first").register(registry);
        eventToState = Histogram.builder().name("ie_uic_event_to_state_seconds")
                .help("From the event's entry in the stream to its user's state written (readable by scoring)")
                .classicUpperBounds(0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15,
                        0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10).register(registry);
        store = StoreMetrics.histogram(registry);
    }

    void applied(long latencyMs) {
        events.labelValues("applied").inc();
        eventToState.observe(Math.max(0, latencyMs) / 1e3);
    }

    void duplicate() {
        events.labelValues("duplicate").inc();
    }

    void deadLetter() {
        events.labelValues("dead_letter").inc();
    }

    void deferred() {
        events.labelValues("deferred").inc();
    }

    void conflict() {
        conflicts.inc();
    }

    void storeGet(long ns, int users) {
        store.labelValues("get_batch").observe(ns / 1e9);
    }

    void storeCas(long ns, int users) {
        store.labelValues("cas_batch").observe(ns / 1e9);
    }

    /** Events applied so far. */
    public long appliedCount() {
        return (long) events.labelValues("applied").get();
    }

    /** Events found applied before (redelivered) so far. */
    public long duplicateCount() {
        return (long) events.labelValues("duplicate").get();
    }

    /** Events dead-lettered so far. */
    public long deadLetterCount() {
        return (long) events.labelValues("dead_letter").get();
    }
}
