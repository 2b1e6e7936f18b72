package io.interestengine.serving;

import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.ModelInfo.FieldInfo;
import io.interestengine.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Repository paths, event workloads, HTTP calls and the score comparison shared by the serving tests. */
final class Fixtures {
    private Fixtures() {
    }

    static Path repo(String rel) {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("models"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("repository root not found from "
                + Path.of("").toAbsolutePath());
        return p.resolve(rel);
    }

    /** Each user's events in order (one id per event field), and the stream order of all events. */
    record Workload(Map<String, List<int[]>> perUser, List<String> streamOrder, List<FieldInfo> fields) {
        String json(String user, int seq) {
            return UicEvent.json(user, seq, fields, perUser.get(user).get(seq - 1));
        }

        /** The events as stream entries (JSON of {@link UicEvent}), users interleaved, each user's in order. */
        List<String> entries() {
            Map<String, Integer> next = new LinkedHashMap<>();
            List<String> out = new ArrayList<>();
            for (String u : streamOrder) {
                int seq = next.merge(u, 1, Integer::sum);
                out.add(json(u, seq));
            }
            return out;
        }
    }

    /** {@code users} users with 1 … {@code maxEvents} events each, ids drawn from each field's table. */
    static Workload workload(Model m, String prefix, int users, int maxEvents, long seed) {
        Random r = new Random(seed);
        List<FieldInfo> fields = UicEvent.eventFields(m);
        Map<String, List<int[]>> per = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String user = prefix + u;
            int n = 1 + r.nextInt(maxEvents);
            List<int[]> evs = new ArrayList<>();
            for (int e = 0; e < n; e++) {
                int[] ids = new int[fields.size()];
                for (int k = 0; k < ids.length; k++) ids[k] = 1 + r.nextInt(fields.get(k).rows() - 1);
                evs.add(ids);
                order.add(user);
            }
            per.put(user, evs);
        }
        java.util.Collections.shuffle(order, r);
        return new Workload(per, order, fields);
    }

    /** The in-process reference: the user's full history in the request, scored by a session. */
    static RankingRequest fullRequest(Model m, Workload w, String user, int[] cands, int uid) {
        RankingRequest r = m.newRankingRequest();
        List<int[]> evs = w.perUser().get(user);
        int len = evs.size();
        for (int k = 0; k < w.fields().size(); k++) {
            int[] ids = new int[len];
            for (int e = 0; e < len; e++) ids[e] = evs.get(e)[k];
            r.history(w.fields().get(k).name(), ids, len);
        }
        addUserAndCandidates(m, r, cands, uid);
        return r;
    }

    static void addUserAndCandidates(Model m, RankingRequest r, int[] cands, int uid) {
        for (FieldInfo f : m.info().fields("user")) r.user(f.name(), uid);
        for (FieldInfo f : m.info().fields("candidate")) {
            int[] ids = new int[cands.length];
            for (int c = 0; c < ids.length; c++) ids[c] = cands[c] % f.rows();
            r.candidates(f.name(), ids, ids.length);
        }
    }

    /** The JSON of a {@code user_id} request with the same user fields and candidates as {@link #fullRequest}. */
    static String userIdRequest(Model m, String user, int[] cands, int uid) {
        StringBuilder b = new StringBuilder("{\"user_id\":").append(Json.quote(user)).append(",\"user\":{");
        List<FieldInfo> uf = m.info().fields("user");
        for (int k = 0; k < uf.size(); k++) b.append(k == 0 ? ""
                : ",").append(Json.quote(uf.get(k).name())).append(':').append(uid);
        b.append("},\"candidates\":{");
        List<FieldInfo> cf = m.info().fields("candidate");
        for (int k = 0; k < cf.size(); k++) {
            b.append(k == 0 ? "" : ",").append(Json.quote(cf.get(k).name())).append(":[");
            for (int c = 0; c < cands.length; c++) b.append(c == 0 ? ""
                    : ",").append(cands[c] % cf.get(k).rows());
            b.append(']');
        }
        return b.append("}}").toString();
    }

    static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> post(int port, String path, String body) throws IOException, InterruptedException {
        return post(port, path, body, false);
    }

    /**
     * {@link #post} with {@code Expect: 100-continue}: the body goes only once the server has accepted the headers.
     * A body over the server's limit then gets its 413 before it is sent; sent whole, the server may close the
     * connection on the unread rest before the client reads the 413 ("header parser received no bytes").
     */
    static HttpResponse<String> postExpectingContinue(int port, String path, String body)
            throws IOException, InterruptedException {
        return post(port, path, body, true);
    }

    private static HttpResponse<String> post(int port, String path, String body, boolean expectContinue)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .expectContinue(expectContinue).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    static float[] scores(String body) {
        List<Object> l = (List<Object>) ((Map<String, Object>) Json.parse(body)).get("scores");
        float[] s = new float[l.size()];
        for (int k = 0; k < s.length; k++) s[k] = ((Number) l.get(k)).floatValue();
        return s;
    }

    /**
     * Scores served from the state equal the full-history scores. The state path runs the same ops on the same
     * backend but the stateful part one event at a time (and the SIMD backend in blocks of another width), so
     * sums may be reassociated: a few float ulps, far below 1e-5 on sigmoid outputs in (0, 1); the relative
     * term covers scores near 1e-3 (none is far below). A wrong or stale state moves scores by 1e-3 and more.
     */
    static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int k = 0; k < want.length; k++) {
            double tol = 1e-5 + 1e-4 * Math.abs(want[k]);
            assertTrue(Math.abs(want[k] - got[k]) <= tol, what + " candidate " + k + ": " + got[k]
                    + " vs full history " + want[k]);
        }
    }
}
