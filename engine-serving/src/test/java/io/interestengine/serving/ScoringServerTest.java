package io.interestengine.serving;

import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RequestJson;
import io.interestengine.Session;
import io.interestengine.UserState;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scoring server over HTTP with the in-memory state store: answers, statuses, metrics, shedding, drain. */
class ScoringServerTest {
    private static final Path DIN = Fixtures.repo("models/din"), DIEN = Fixtures.repo("models/dien");
    private static MemoryStateStore store;
    private static ScoringServer server;
    private static int port;

    @BeforeAll
    static void start() {
        store = new MemoryStateStore();
        server = ScoringServer.start(new ScoringServer.Config(0, 2, 1 << 20, Duration.ofSeconds(5)),
                Map.of("din", DIN, "dien", DIEN), LoadOptions.defaults(), store, new PrometheusRegistry());
        port = server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void scoresEqualInProcessScoring() throws Exception {
        String req = Files.readString(DIN.resolve("demo_request.json")).strip();
        float[] want;
        try (Model m = Model.load(DIN); Session s = m.newSession()) {
            want = RequestJson.score(s, RequestJson.parse(m, req));
        }
        var res = Fixtures.post(port, "/v1/models/din:score", req);
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("application/json", res.headers().firstValue("content-type").orElse(""));
        // Same backend, same weights, same request: the server must not change a bit (Float.toString round-trips).
        assertArrayEquals(want, Fixtures.scores(res.body()));
    }

    @Test
    void scoresByUserIdFromTheStore() throws Exception {
        String req = Files.readString(DIEN.resolve("demo_request.json")).strip();
        try (Model m = Model.load(DIEN); Session s = m.newSession()) {
            RequestJson.Parsed full = RequestJson.parse(m, req);
            float[] want = s.score(full.ranking());
            UserState st = s.buildState(full.ranking());
            assertTrue(store.compareAndSet(m.fingerprint(), "u-42", 0, 7, st.toBytes()));
            String byId = req.replaceFirst("\"history\"\\s*:\\s*\\{[^}]*\\},?", "").replaceFirst("\\{",
                    "{\"user_id\":\"u-42\",");
            assertTrue(!byId.contains("history"), byId);
            var res = Fixtures.post(port, "/v1/models/dien:score", byId);
            assertEquals(200, res.statusCode(), res.body());
            assertTrue(res.body().contains("\"state_seq\":7"), res.body());
            Fixtures.assertClose(want, Fixtures.scores(res.body()), "user u-42");

            var unknown = Fixtures.post(port, "/v1/models/dien:score", byId.replace("u-42", "u-43"));
            assertEquals(404, unknown.statusCode(), unknown.body());
            assertTrue(unknown.body().contains("no state for user 'u-43'"), unknown.body());
            var both = Fixtures.post(port, "/v1/models/dien:score", req.replaceFirst("\\{", "{\"user_id\":\"u-42\","));
            assertEquals(400, both.statusCode(), both.body());
        }
    }

    @Test
    void badRequestsGet400WithTheEnginesMessage() throws Exception {
        String req = Files.readString(DIN.resolve("demo_request.json")).strip();
        var malformed = Fixtures.post(port, "/v1/models/din:score", "{\"user\":");
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.body().contains("invalid JSON"), malformed.body());
        var unknownField = Fixtures.post(port, "/v1/models/din:score", req.replaceFirst("\"uid\"", "\"user_age\""));
        assertEquals(400, unknownField.statusCode());
        assertTrue(unknownField.body().contains("user_age"), unknownField.body());
        var outOfRange = Fixtures.post(port, "/v1/models/din:score", req.replaceFirst("(\"mid\"\\s*:\\s*\\[)\\d+",
                "$199999"));
        assertEquals(400, outOfRange.statusCode(), outOfRange.body());
        assertTrue(outOfRange.body().contains("99999"), outOfRange.body());
        var tooBig = Fixtures.postExpectingContinue(port, "/v1/models/din:score", " ".repeat(2 << 20) + req);
        assertEquals(413, tooBig.statusCode());
        // The server still answers after every one of these.
        assertEquals(200, Fixtures.post(port, "/v1/models/din:score", req).statusCode());
    }

    @Test
    void unknownModelsAndMethodsGet404() throws Exception {
        var res = Fixtures.post(port, "/v1/models/nope:score", "{}");
        assertEquals(404, res.statusCode());
        assertTrue(res.body().contains("no model 'nope'") && res.body().contains("din"), res.body());
        assertEquals(404, Fixtures.post(port, "/v1/models/din:predict", "{}").statusCode());
        assertEquals(404, Fixtures.get(port, "/v1/models/nope").statusCode());
    }

    @Test
    void metadataHealthAndMetrics() throws Exception {
        var meta = Fixtures.get(port, "/v1/models/din");
        assertEquals(200, meta.statusCode());
        try (Model m = Model.load(DIN)) {
            assertTrue(meta.body().contains("\"fingerprint\":\"" + m.fingerprint() + "\""), meta.body());
            assertTrue(meta.body().contains("\"backend\":\"" + m.backendName() + "\""), meta.body());
        }
        assertTrue(meta.body().contains("backend_selection"), meta.body());
        assertEquals(200, Fixtures.get(port, "/healthz").statusCode());
        assertEquals(200, Fixtures.get(port, "/readyz").statusCode());
        Fixtures.post(port, "/v1/models/din:score", Files.readString(DIN.resolve("demo_request.json")));
        Fixtures.post(port, "/v1/models/din:score", "[");
        String metrics = Fixtures.get(port, "/metrics").body();
        for (String want : new String[]{"ie_request_seconds_bucket{model=\"din\"",
                "ie_errors_total{kind=\"bad_request\",model=\"din\"}",
                "ie_inflight_requests", "ie_state_store_seconds"}) {
            assertTrue(metrics.contains(want), want + " in\n" + metrics);
        }
    }

    @Test
    void reloadSwapsTheModelUnderTheSameName() throws Exception {
        long before = versionOf(Fixtures.get(port, "/v1/models/din").body());
        var res = Fixtures.post(port, "/v1/models/din:reload", "");
        assertEquals(200, res.statusCode(), res.body());
        assertEquals(before + 1, versionOf(res.body()));
        var scored = Fixtures.post(port, "/v1/models/din:score", Files.readString(DIN.resolve("demo_request.json")));
        assertTrue(scored.body().contains("\"version\":" + (before + 1)), scored.body());
    }

    private static long versionOf(String json) {
        return ((Number) ((Map<?, ?>) io.interestengine.json.Json.parse(json)).get("version")).longValue();
    }

    @Test
    void overloadIsShedWith503() throws Exception {
        String req = Files.readString(DIN.resolve("demo_request.json"));
        server.slots().acquire(2);
        try {
            var res = Fixtures.post(port, "/v1/models/din:score", req);
            assertEquals(503, res.statusCode(), res.body());
            assertEquals("1", res.headers().firstValue("retry-after").orElse(""));
        } finally {
            server.slots().release(2);
        }
        assertEquals(200, Fixtures.post(port, "/v1/models/din:score", req).statusCode());
    }

    /** Shutdown waits for the request in flight, answers 503 meanwhile and says draining on /readyz. */
    @Test
    void shutdownDrainsInFlightRequests() throws Exception {
        try (ScoringServer s = ScoringServer.start(ScoringServer.Config.defaults(0), Map.of("din", DIN),
                LoadOptions.defaults(),
                null, new PrometheusRegistry())) {
            String req = Files.readString(DIN.resolve("demo_request.json"));
            s.slots().acquire();
            Thread closer = Thread.ofPlatform().start(s::close);
            Thread.sleep(300);
            assertTrue(closer.isAlive(), "close waits for the request in flight");
            assertEquals(503, Fixtures.get(s.port(), "/readyz").statusCode());
            var res = Fixtures.post(s.port(), "/v1/models/din:score", req);
            assertEquals(503, res.statusCode());
            assertTrue(res.body().contains("draining"), res.body());
            s.slots().release();
            closer.join(5000);
            assertTrue(!closer.isAlive(), "close finished once the request returned");
        }
    }
}
