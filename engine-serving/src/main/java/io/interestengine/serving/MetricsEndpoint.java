package io.interestengine.serving;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;

/** {@code /metrics} (Prometheus text) and {@code /healthz} for a process that serves nothing else (the UIC worker). */
public final class MetricsEndpoint implements AutoCloseable {
    private final WebServer server;

    private MetricsEndpoint(WebServer server) {
        this.server = server;
    }

    /** Starts listening on {@code port} (0: any free one). */
    public static MetricsEndpoint start(int port, PrometheusRegistry registry) {
        return new MetricsEndpoint(WebServer.builder().port(port).shutdownHook(false).routing(r -> r
                .get("/healthz", (req, res) -> res.send("ok"))
                .get("/metrics", (req, res) -> res.header(HeaderNames.CONTENT_TYPE,
                        PrometheusTextFormatWriter.CONTENT_TYPE)
                        .send(text(registry)))).build().start());
    }

    static byte[] text(PrometheusRegistry registry) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toByteArray();
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
