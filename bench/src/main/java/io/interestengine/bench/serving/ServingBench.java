package io.interestengine.bench.serving;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.ModelHolder;
import io.interestengine.RankingRequest;
import io.interestengine.RequestJson;
import io.interestengine.bench.StandardModels;
import io.interestengine.ModelInfo.FieldInfo;
import io.interestengine.serving.RedisClusters;
import io.interestengine.serving.RedisStateStore;
import io.interestengine.serving.ScoringServer;
import io.interestengine.serving.UicEvent;
import io.interestengine.serving.UicMetrics;
import io.interestengine.serving.UicWorker;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Serving measurements, one JSON line per result on stdout:
 * <ul>
 *   <li>{@code hotswap [seconds] [threads]}: DIN ranking requests on {@code threads} threads through a
 *   {@link ModelHolder} while the model is reloaded every second; every call's scores are compared with the
 *   reference;</li>
 *   <li>{@code server [seconds]}: requests/s and p50/p99 of DIN and DIEN ranking requests (T = 100, N = 200)
 *   over HTTP at 1, 8 and 32 concurrent clients, against the same engine called in-process;</li>
 *   <li>{@code uic redis://...}: one UIC worker's events/s on DIEN (events queued before it starts), then
 *   event-to-readable latency with events arriving at a fixed rate.</li>
 * </ul>
 * Run from the repository root (bench/serving.sh does, with its Redis Cluster).
 */
public final class ServingBench {
    private static final int N = 200;

    private ServingBench() {
    }

    public static void main(String[] a) throws Exception {
        switch (a.length == 0 ? "" : a[0]) {
            case "hotswap" -> hotSwap(a.length > 1 ? Integer.parseInt(a[1]) : 60, a.length > 2
                    ? Integer.parseInt(a[2]) : 8);
            case "server" -> server(a.length > 1 ? Integer.parseInt(a[1]) : 9, a.length > 2 ? List.of(a[2].split(","))
                    : List.of("din", "dien"),
                    a.length > 3 ? Arrays.stream(a[3].split(",")).mapToInt(Integer::parseInt).toArray() : new int[]{1,
                            8, 32});
            case "uic" -> uic(a[1], a.length > 2 ? Integer.parseInt(a[2]) : 200_000, a.length > 3
                    ? Integer.parseInt(a[3]) : 10_000);
            case "uic-engine" -> uicEngineOnly(a.length > 1 ? Integer.parseInt(a[1]) : 200_000);
            default -> {
                System.err.println("usage: ServingBench hotswap [seconds] [threads] | server [seconds] [din,dien] "
                        + "[1,8,32] | uic redis://HOST:PORT,... [events] [state-cache] | uic-engine [events]");
                System.exit(2);
            }
        }
        System.exit(0);
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** A ranking request JSON: T = the model's history length, N candidates, ids from the tables. */
    static String requestJson(Model m, long seed) {
        return requestJson(m, seed, N);
    }

    static String requestJson(Model m, long seed, int candidates) {
        SplittableRandom r = new SplittableRandom(seed);
        int t = m.info().sequences().get(0).maxLength();
        StringBuilder b = new StringBuilder("{\"user\":{");
        List<FieldInfo> uf = m.info().fields("user");
        for (int k = 0; k < uf.size(); k++) b.append(k == 0 ? ""
                : ",").append('"').append(uf.get(k).name()).append("\":")
                .append(1 + r.nextInt(uf.get(k).rows() - 1));
        b.append("},\"history\":{");
        List<FieldInfo> hf = m.info().fields("history").stream().filter(FieldInfo::sent).toList();
        for (int k = 0; k < hf.size(); k++) ids(b.append(k == 0 ? ""
                : ",").append('"').append(hf.get(k).name()).append("\":"), r, t, hf.get(k));
        b.append("},\"candidates\":{");
        List<FieldInfo> cf = m.info().fields("candidate");
        for (int k = 0; k < cf.size(); k++) ids(b.append(k == 0 ? ""
                : ",").append('"').append(cf.get(k).name()).append("\":"), r, candidates, cf.get(k));
        return b.append("}}").toString();
    }

    private static void ids(StringBuilder b, SplittableRandom r, int n, FieldInfo f) {
        b.append('[');
        for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ",").append(1 + r.nextInt(f.rows() - 1));
        b.append(']');
    }

    // ---- hot swap -------------------------------------------------------------------------------------------

    static void hotSwap(int seconds, int threads) throws Exception {
        Path dir = StandardModels.model(Files.createTempDirectory("ie-hotswap"), "din", 1);
        LoadOptions opts = LoadOptions.defaults();
        String json;
        float[] want;
        try (Model m = Model.load(dir, opts); var s = m.newSession()) {
            json = requestJson(m, 3);
            RankingRequest r = RequestJson.parse(m, json).ranking();
            // The reference is taken once the scoring path is compiled: interpreted Vector API code may round
            // differently from the compiled kernels every later call runs.
            long w0 = System.nanoTime();
            while (System.nanoTime() - w0 < 5_000_000_000L) s.score(r);
            want = s.score(r);
        }
        double load0 = load();
        try (ModelHolder holder = ModelHolder.load(dir, opts)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong calls = new AtomicLong(), failed = new AtomicLong(), mismatched = new AtomicLong();
            AtomicReference<Throwable> firstFailure = new AtomicReference<>();
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ts.add(Thread.ofPlatform().start(() -> {
                    float[] out = new float[N];
                    long version = -1;
                    RankingRequest req = null;
                    while (!stop.get()) {
                        try (ModelHolder.Lease l = holder.acquire()) {
                            if (l.version() != version) {
                                req = RequestJson.parse(l.model(), json).ranking();
                                version = l.version();
                            }
                            l.session().score(req, out);
                            // Each version loads the same files on the same backend: bit-identical scores.
                            if (!Arrays.equals(out, want)) mismatched.incrementAndGet();
                            calls.incrementAndGet();
                        } catch (Throwable e) {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(null, e);
                        }
                    }
                }));
            }
            long t0 = System.nanoTime();
            int swaps = 0;
            long maxSwapMs = 0;
            // A reload starts every second on the second (fixed rate), whatever the previous one took.
            while ((swaps + 1) * 1_000_000_000L <= seconds * 1_000_000_000L) {
                long due = t0 + (swaps + 1) * 1_000_000_000L;
                while (System.nanoTime() < due) Thread.sleep(Math.max(1, (due - System.nanoTime()) / 1_000_000));
                long s0 = System.nanoTime();
                holder.reload();
                maxSwapMs = Math.max(maxSwapMs, (System.nanoTime() - s0) / 1_000_000);
                swaps++;
            }
            stop.set(true);
            for (Thread t : ts) t.join();
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("{\"bench\":\"hotswap\",\"model\":\"din\",\"backend\":\"%s\",\"threads\":%d,"
                    + "\"seconds\":%.1f,\"swaps\":%d,"
                            + "\"final_version\":%d,\"calls\":%d,\"calls_per_s\":%.0f,\"failed_calls\":%d,"
                                    + "\"mismatched_scores\":%d,"
                            + "\"max_reload_ms\":%d,\"load_avg_start\":%.2f,\"load_avg_end\":%.2f%s}%n",
                    holder.model().backendName(), threads, secs, swaps, holder.version(), calls.get(),
                            calls.get() / secs, failed.get(),
                    mismatched.get(), maxSwapMs, load0, load(),
                    firstFailure.get() == null ? "" : ",\"first_failure\":\""
                            + firstFailure.get().toString().replace("\"", "'") + "\"");
        }
    }

    // ---- server vs in-process -------------------------------------------------------------------------------

    private static void warmHttp(int port, String name, String json, WebClient web, HttpClient http, int calls)
            throws Exception {
        HttpRequest req = jdkRequest(port, name, json);
        for (int k = 0; k < calls; k++) {
            postWeb(web, scorePath(name), json);
            postJdk(http, req);
        }
    }

    private static String scorePath(String name) {
        return "/v1/models/" + name + ":score";
    }

    private static HttpRequest jdkRequest(int port, String name, String json) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + scorePath(name)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    /** One score request through Helidon's WebClient, its body read as a caller would. */
    private static void postWeb(WebClient web, String path, String json) {
        try (HttpClientResponse r = web.post(path).header(HeaderNames.CONTENT_TYPE, "application/json").submit(json)) {
            String body = r.as(String.class);
            if (r.status().code() != 200) throw new IllegalStateException(r.status() + " " + body);
        }
    }

    /** One score request through java.net.http. */
    private static void postJdk(HttpClient http, HttpRequest req) throws Exception {
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException(r.statusCode() + " " + r.body());
    }

    static void server(int seconds, List<String> names, int[] clientCounts) throws Exception {
        Path tmp = Files.createTempDirectory("ie-serving-bench");
        Map<String, Path> models = Map.of("din", StandardModels.model(tmp, "din", 1), "dien", StandardModels.model(tmp,
                "dien", 1));
        PrometheusRegistry registry = new PrometheusRegistry();
        try (ScoringServer server = ScoringServer.start(new ScoringServer.Config(0, 256, 4 << 20,
                Duration.ofSeconds(5)), models,
                LoadOptions.defaults(), null, registry)) {
            // Two clients: Helidon's WebClient blocks on the calling thread; java.net.http hands each request to
            // its selector thread and back, which on a busy 2-core machine adds scheduling delays of its own.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            WebClient web = WebClient.builder().baseUri("http://127.0.0.1:" + server.port()).build();
            for (String name : names) {
                String json;
                try (Model m = Model.load(models.get(name))) {
                    json = requestJson(m, 5);
                }
                String small;
                try (Model m = Model.load(models.get(name))) {
                    small = requestJson(m, 6, 1);
                }
                // The HTTP path (server, both clients) runs once per request: a few seconds of full-size requests
                // leave much of it to C1 or the interpreter, while the in-process path is all scoring loops that
                // C2 compiles at once. One-candidate requests bring it past C2's thresholds first.
                warmHttp(server.port(), name, small, web, http, Integer.getInteger("bench.httpWarmCalls", 12_000));
                HttpRequest req = jdkRequest(server.port(), name, json);
                try (ModelHolder holder = ModelHolder.load(models.get(name), LoadOptions.defaults())) {
                    Map<String, Call> modes = new java.util.LinkedHashMap<>();
                    modes.put("in_process", () -> {
                        try (ModelHolder.Lease l = holder.acquire()) {
                            inProcess(l, json);
                        }
                    });
                    modes.put("in_process_with_json", () -> {
                        try (ModelHolder.Lease l = holder.acquire()) {
                            RequestJson.score(l.session(), RequestJson.parse(l.model(), json));
                        }
                    });
                    // As the server runs a request: on a virtual thread of its own, with a pooled session.
                    modes.put("in_process_virtual_thread", () -> {
                        Thread t = Thread.ofVirtual().start(() -> {
                            try (ModelHolder.Lease l = holder.acquire()) {
                                RequestJson.score(l.session(), RequestJson.parse(l.model(), json));
                            }
                        });
                        t.join();
                    });
                    String path = scorePath(name);
                    modes.put("http", () -> postWeb(web, path, json));
                    modes.put("http_jdk_client", () -> postJdk(http, req));
                    // -Dbench.modes=a,b keeps only those modes (to profile one alone).
                    String only = System.getProperty("bench.modes");
                    if (only != null) modes.keySet().retainAll(List.of(only.split(",")));
                    for (int clients : clientCounts) {
                        // Modes take turns in rounds, so that load from elsewhere on a shared machine falls on each
                        // alike.
                        Map<String, List<long[]>> got = new java.util.LinkedHashMap<>();
                        Map<String, Double> loads = new java.util.HashMap<>(), cpu = new java.util.HashMap<>(),
                                callerCpu = new java.util.HashMap<>();
                        for (int round = 0; round < ROUNDS; round++) {
                            for (var e : modes.entrySet()) {
                                long warmNs = round == 0 ? 2_000_000_000L : 300_000_000L;
                                double[] cpuPerCall = new double[2];
                                got.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                                        .add(run(clients, warmNs, seconds * 1_000_000_000L / ROUNDS, e.getValue(),
                                                cpuPerCall));
                                loads.merge(e.getKey(), load() / ROUNDS, Double::sum);
                                cpu.merge(e.getKey(), cpuPerCall[0] / ROUNDS, Double::sum);
                                callerCpu.merge(e.getKey(), cpuPerCall[1] / ROUNDS, Double::sum);
                            }
                        }
                        for (var e : got.entrySet()) report(name, e.getKey(), clients, e.getValue(), seconds,
                                loads.get(e.getKey()), cpu.get(e.getKey()), callerCpu.get(e.getKey()));
                    }
                    // The server's own view: from the handler's start to the response handed to the connection.
                    var h = ((HistogramSnapshot) registry.scrape().stream().filter(
                            m -> m.getMetadata().getName().equals("ie_request_seconds"))
                            .findFirst().orElseThrow()).getDataPoints().stream().filter(
                                    d -> d.getLabels().get("model").equals(name))
                            .findFirst().orElseThrow();
                    System.out.printf("{\"bench\":\"server_handler\",\"model\":\"%s\",\"requests\":%d,"
                            + "\"mean_handler_ms\":%.3f}%n",
                            name, h.getCount(), h.getSum() / h.getCount() * 1e3);
                }
            }
        }
    }

    /** In-process with a pre-built request per version and thread, as a service filling requests directly would. */
    private static final ThreadLocal<Object[]> PREPARED = new ThreadLocal<>();

    private static void inProcess(ModelHolder.Lease l, String json) {
        Object[] p = PREPARED.get();
        if (p == null || (Long) p[0] != l.version() || p[3] != l.model()) {
            p = new Object[]{l.version(), RequestJson.parse(l.model(), json).ranking(), new float[N], l.model()};
            PREPARED.set(p);
        }
        l.session().score((RankingRequest) p[1], (float[]) p[2]);
    }

    interface Call {
        void run() throws Exception;
    }

    private static final int ROUNDS = 3;

    /**
     * Latencies (ns) of the calls made in {@code measureNs} after {@code warmNs}, over {@code clients} threads;
     * {@code cpuPerCall[0]} receives the JVM's CPU time per measured call in µs (client and server alike, both
     * being in this JVM): on a shared machine, what the work costs whatever the waits for a core add to the wall;
     * {@code cpuPerCall[1]} the calling threads' own share (in-process: the scoring; over HTTP: the client).
     */
    private static long[] run(int clients, long warmNs, long measureNs, Call call, double[] cpuPerCall)
            throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] cpuAt = new long[2];
        AtomicLong calls = new AtomicLong(), callerCpu = new AtomicLong();
        var threads = ManagementFactory.getThreadMXBean();
        long end = warmNs + measureNs;
        List<long[]> per = new ArrayList<>();
        int[] counts = new int[clients];
        AtomicReference<Throwable> fail = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        long[] t0 = new long[1];
        List<Thread> ts = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            long[] lat = new long[200_000];
            per.add(lat);
            int ci = c;
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    int n = 0;
                    long mine = -1;
                    for (;;) {
                        long s = System.nanoTime();
                        if (s - t0[0] > end) break;
                        if (s - t0[0] > warmNs && cpuAt[0] == 0) {
                            synchronized (cpuAt) {
                                if (cpuAt[0] == 0) cpuAt[0] = os.getProcessCpuTime();
                            }
                        }
                        if (s - t0[0] > warmNs && mine < 0) mine = threads.getCurrentThreadCpuTime();
                        call.run();
                        long e = System.nanoTime();
                        if (s - t0[0] > warmNs) calls.incrementAndGet();
                        if (s - t0[0] > warmNs && n < lat.length) lat[n++] = e - s;
                    }
                    counts[ci] = n;
                    if (mine >= 0) callerCpu.addAndGet(threads.getCurrentThreadCpuTime() - mine);
                } catch (Throwable e) {
                    fail.compareAndSet(null, e);
                }
            }));
        }
        t0[0] = System.nanoTime();
        go.countDown();
        for (Thread t : ts) t.join();
        cpuPerCall[0] = (os.getProcessCpuTime() - cpuAt[0]) / 1e3 / Math.max(1, calls.get());
        cpuPerCall[1] = callerCpu.get() / 1e3 / Math.max(1, calls.get());
        if (fail.get() != null) throw new IllegalStateException("call failed", fail.get());
        int total = 0;
        for (int c : counts) total += c;
        long[] all = new long[total];
        int k = 0;
        for (int c = 0; c < clients; c++) for (int i = 0; i < counts[c]; i++) all[k++] = per.get(c)[i];
        return all;
    }

    private static void report(String model, String mode, int clients, List<long[]> rounds, int seconds,
            double loadAvg, double cpuUs, double callerCpuUs) {
        long[] all = rounds.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        int n = all.length;
        System.out.printf("{\"bench\":\"server\",\"model\":\"%s\",\"mode\":\"%s\",\"clients\":%d,\"candidates\":%d,"
                + "\"requests_per_s\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"jvm_cpu_ms_per_call\":%.3f,"
                + "\"caller_cpu_ms_per_call\":%.3f,"
                + "\"calls\":%d,\"rounds\":%d,\"load_avg\":%.2f}%n",
                model, mode, clients, N, n / (double) seconds, all[n / 2] / 1e6, all[(int) (n * 0.99)] / 1e6,
                cpuUs / 1e3, callerCpuUs / 1e3, n, rounds.size(), loadAvg);
    }

    // ---- UIC ------------------------------------------------------------------------------------------------

    static void uic(String spec, int events, int stateCache) throws Exception {
        Path dien = StandardModels.model(Path.of("."), "dien", 1);
        RedisClusterClient client = RedisClusters.client(spec);
        try (Model m = Model.load(dien); RedisStateStore store = new RedisStateStore(client);
             StatefulRedisClusterConnection<String, String> conn = client.connect()) {
            List<FieldInfo> fields = UicEvent.eventFields(m);
            int users = events / 20;
            String run = Long.toString(System.nanoTime(), 36);
            String stream = "bench-events-" + run;
            // Throughput: the stream holds every event before the worker starts (a backlog after a deploy). A
            // warm-up backlog of other users goes through a worker first, untimed, so that the timed one runs
            // compiled code (on 2 cores the JIT's threads would otherwise take a large share of a short run).
            SplittableRandom r = new SplittableRandom(9);
            fill(conn, stream + "-warm", run + "-w", events / 4, users, r, fields);
            UicMetrics warm = new UicMetrics(new PrometheusRegistry());
            try (UicWorker w = new UicWorker(m, store, client, options(stream + "-warm", stateCache), warm)) {
                drain(w, warm, events / 4);
            }
            fill(conn, stream, run + "-b", events, users, r, fields);
            PrometheusRegistry reg = new PrometheusRegistry();
            UicMetrics metrics = new UicMetrics(reg);
            double load0 = load();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            try (UicWorker w = new UicWorker(m, store, client, options(stream, stateCache), metrics)) {
                // The JVM's CPU time (worker thread and the Redis client's I/O threads; not the Redis servers):
                // events per CPU-second is what one core given to the worker does, whatever else the machine runs.
                long t0 = System.nanoTime(), c0 = os.getProcessCpuTime();
                drain(w, metrics, events);
                double secs = (System.nanoTime() - t0) / 1e9, cpu = (os.getProcessCpuTime() - c0) / 1e9;
                System.out.printf("{\"bench\":\"uic_throughput\",\"model\":\"dien\",\"backend\":\"%s\","
                        + "\"workers\":1,\"state_cache\":%d,\"users\":%d,\"events\":%d,\"seconds\":%.2f,"
                        + "\"events_per_s\":%.0f,\"jvm_cpu_s\":%.2f,\"events_per_jvm_cpu_s\":%.0f,"
                        + "\"load_avg_start\":%.2f,\"load_avg_end\":%.2f}%n",
                        m.backendName(), stateCache, users, events, secs, events / secs, cpu, events / cpu, load0,
                        load());
            }
            // Latency: events arrive at a steady rate; from the entry's time in the stream to the state written.
            String stream2 = stream + "-lat";
            PrometheusRegistry reg2 = new PrometheusRegistry();
            UicMetrics m2 = new UicMetrics(reg2);
            AtomicBoolean stop = new AtomicBoolean();
            int rate = 2000, secs = 10, total = rate * secs;
            try (UicWorker w = new UicWorker(m, store, client, options(stream2, stateCache), m2)) {
                Thread worker = Thread.ofPlatform().start(() -> w.run(stop::get));
                int[] seq = new int[users];
                long t0 = System.nanoTime();
                for (int e = 0; e < total; e++) {
                    long due = t0 + e * 1_000_000_000L / rate;
                    // Sleeping, not spinning: on a small machine a spinning producer takes a core from the worker.
                    for (long left; (left = due - System.nanoTime()) > 0;) java.util.concurrent.locks.LockSupport
                            .parkNanos(left);
                    int u = r.nextInt(users);
                    if (seq[u] >= 90) u = e % users;
                    int[] ids = new int[fields.size()];
                    for (int k = 0; k < ids.length; k++) ids[k] = 1 + r.nextInt(fields.get(k).rows() - 1);
                    conn.async().xadd(stream2, UicEvent.FIELD, UicEvent.json(run + "-l" + u, ++seq[u], fields, ids));
                }
                while (m2.appliedCount() < total) Thread.sleep(10);
                stop.set(true);
                worker.join();
            }
            HistogramSnapshot.HistogramDataPointSnapshot h = ((HistogramSnapshot) reg2.scrape().stream()
                    .filter(s -> s.getMetadata().getName().equals(
                            "ie_uic_event_to_state_seconds")).findFirst().orElseThrow())
                    .getDataPoints().getFirst();
            System.out.printf("{\"bench\":\"uic_latency\",\"model\":\"dien\",\"state_cache\":%d,\"rate_per_s\":%d,"
                    + "\"events\":%d,\"p50_ms_at_most\":%.1f,"
                            + "\"p99_ms_at_most\":%.1f,\"mean_ms\":%.2f,\"load_avg\":%.2f}%n",
                    stateCache, rate, total, quantile(h, 0.5) * 1e3, quantile(h, 0.99) * 1e3,
                            h.getSum() / h.getCount() * 1e3, load());
        } finally {
            client.shutdown();
        }
    }

    /** Queues {@code events} events of {@code users} users (at most 90 each, in sequence) on {@code stream}. */
    private static void fill(StatefulRedisClusterConnection<String, String> conn, String stream, String prefix,
            int events, int users, SplittableRandom r, List<FieldInfo> fields) throws Exception {
        int[] next = new int[users];
        List<RedisFuture<String>> fs = new ArrayList<>();
        for (int e = 0; e < events; e++) {
            int u = r.nextInt(users);
            if (next[u] >= 90) u = e % users;
            int[] ids = new int[fields.size()];
            for (int k = 0; k < ids.length; k++) ids[k] = 1 + r.nextInt(fields.get(k).rows() - 1);
            fs.add(conn.async().xadd(stream, UicEvent.FIELD, UicEvent.json(prefix + u, ++next[u], fields, ids)));
            if (fs.size() == 2000) {
                for (RedisFuture<String> f : fs) f.get();
                fs.clear();
            }
        }
        for (RedisFuture<String> f : fs) f.get();
    }

    /** Polls until {@code events} are applied; every event is new, so anything but "applied" is a failure. */
    private static void drain(UicWorker w, UicMetrics metrics, int events) {
        while (metrics.appliedCount() < events) {
            w.poll();
            if (metrics.duplicateCount() + metrics.deadLetterCount() > 0) {
                throw new IllegalStateException("events not applied");
            }
        }
    }

    /**
     * The engine's share of a UIC event, without Redis: restore the user's state from bytes, advance it by the
     * event, serialise it again (what the worker does per user and batch when each user has one event in it).
     */
    static void uicEngineOnly(int events) throws Exception {
        Path dien = StandardModels.model(Path.of("."), "dien", 1);
        try (Model m = Model.load(dien); var s = m.newSession()) {
            List<FieldInfo> fields = UicEvent.eventFields(m);
            int users = events / 20;
            byte[][] states = new byte[users][];
            int[] len = new int[users];
            SplittableRandom r = new SplittableRandom(9);
            int[] ids = new int[fields.size()];
            long[] ns = new long[3];
            // Thread CPU time as well as wall time: on a shared machine the wall clock also counts the time this
            // thread waits for a core, which says nothing about the work per event.
            var mx = ManagementFactory.getThreadMXBean();
            long[] cpu = new long[3];
            // As the worker does: one empty state, made once (building it runs the whole user-scope graph).
            var empty = s.emptyState();
            double load0 = load();
            long t0 = System.nanoTime(), c0 = mx.getCurrentThreadCpuTime();
            for (int e = 0; e < events; e++) {
                int u = r.nextInt(users);
                if (len[u] >= 90) u = e % users;
                for (int k = 0; k < ids.length; k++) ids[k] = 1 + r.nextInt(fields.get(k).rows() - 1);
                long a0 = System.nanoTime(), b0 = mx.getCurrentThreadCpuTime();
                var st = states[u] == null ? empty : io.interestengine.UserState.fromBytes(m, states[u]);
                long a1 = System.nanoTime(), b1 = mx.getCurrentThreadCpuTime();
                st = s.advance(st, io.interestengine.UserState.Overflow.SLIDE, ids);
                long a2 = System.nanoTime(), b2 = mx.getCurrentThreadCpuTime();
                states[u] = st.toBytes();
                ns[0] += a1 - a0;
                ns[1] += a2 - a1;
                ns[2] += System.nanoTime() - a2;
                cpu[0] += b1 - b0;
                cpu[1] += b2 - b1;
                cpu[2] += mx.getCurrentThreadCpuTime() - b2;
                len[u]++;
            }
            double secs = (System.nanoTime() - t0) / 1e9, cpuSecs = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
            int bytes = 0;
            for (byte[] b : states) bytes += b == null ? 0 : b.length;
            System.out.printf("{\"bench\":\"uic_engine_only\",\"model\":\"dien\",\"backend\":\"%s\",\"events\":%d,"
                    + "\"events_per_s\":%.0f,\"events_per_cpu_s\":%.0f,"
                    + "\"restore_us\":%.1f,\"advance_us\":%.1f,\"serialise_us\":%.1f,"
                    + "\"restore_cpu_us\":%.1f,\"advance_cpu_us\":%.1f,\"serialise_cpu_us\":%.1f,"
                    + "\"mean_state_bytes\":%d,\"load_avg_start\":%.2f,\"load_avg_end\":%.2f}%n",
                    m.backendName(), events, events / secs, events / cpuSecs, ns[0] / 1e3 / events,
                    ns[1] / 1e3 / events, ns[2] / 1e3 / events, cpu[0] / 1e3 / events, cpu[1] / 1e3 / events,
                    cpu[2] / 1e3 / events, bytes / users, load0, load());
        }
    }

    private static UicWorker.Options options(String stream, int stateCache) {
        var d = UicWorker.Options.defaults(stream, "bench");
        return new UicWorker.Options(d.stream(), d.group(), d.consumer(), d.deadLetter(), d.batch(), d.claimIdle(),
                d.gapTimeout(), stateCache);
    }

    /** The upper bound of the histogram bucket that holds quantile q (entry times have 1 ms resolution anyway). */
    private static double quantile(HistogramSnapshot.HistogramDataPointSnapshot h, double q) {
        long want = (long) Math.ceil(q * h.getCount());
        var b = h.getClassicBuckets();
        long cum = 0;
        for (int i = 0; i < b.size(); i++) {
            cum += b.getCount(i);
            if (cum >= want) return b.getUpperBound(i);
        }
        return Double.POSITIVE_INFINITY;
    }
}
