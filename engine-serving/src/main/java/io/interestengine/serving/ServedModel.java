package io.interestengine.serving;

import io.interestengine.Model;
import io.interestengine.ModelInfo;
import io.interestengine.ModelHolder;
import io.interestengine.RankingRequest;
import io.interestengine.json.Json;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;

/** One model the server serves under a name: its holder (hot swap), warm-up and metadata. */
final class ServedModel implements AutoCloseable {
    private static final int WARM_CANDIDATES = 200, WARM_CALLS = 300;
    /**
     * Warm-up runs at least WARM_CALLS calls and WARM_MIN_NS, until the JIT has compiled nothing for WARM_QUIET_NS,
     * at most WARM_NS.
     */
    private static final long WARM_MIN_NS = 500_000_000L, WARM_QUIET_NS = 300_000_000L, WARM_NS = 5_000_000_000L;
    final String name;
    final ModelHolder holder;

    ServedModel(String name, ModelHolder holder) {
        this.name = name;
        this.holder = holder;
    }

    /**
     * Scores a synthetic request (row 0 of every table, a half-full history, 200 candidates) until the JIT has
     * compiled the scoring path: the first real requests then see steady-state latency. A count of calls is not
     * enough: in a fresh JVM the DeepFM example still took 0.21 ms a request after 300 calls and after half a
     * second, and 0.036 ms after 3 s. So the warm-up runs until the JVM's total compilation time has not moved for
     * 0.3 s (at least 300 calls and 0.5 s, at most 5 s; without compilation-time monitoring, the minimum alone).
     */
    void warm() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean watch = jit != null && jit.isCompilationTimeMonitoringSupported();
        long t0 = System.nanoTime(), quietSince = t0, compiled = watch ? jit.getTotalCompilationTime() : 0;
        try (ModelHolder.Lease l = holder.acquire()) {
            RankingRequest r = synthetic(l.model());
            float[] out = new float[WARM_CANDIDATES];
            for (int k = 0; ; k++) {
                long now = System.nanoTime(), t = now - t0;
                if (watch) {
                    long c = jit.getTotalCompilationTime();
                    if (c != compiled) {
                        compiled = c;
                        quietSince = now;
                    }
                }
                boolean quiet = !watch || now - quietSince >= WARM_QUIET_NS;
                if (t >= WARM_NS || k >= WARM_CALLS && t >= WARM_MIN_NS && quiet) break;
                l.session().score(r, out);
            }
        }
    }

    static RankingRequest synthetic(Model m) {
        RankingRequest r = m.newRankingRequest();
        ModelInfo info = m.info();
        for (ModelInfo.FieldInfo f : info.fields()) {
            if (!f.sent()) continue;
            switch (f.group()) {
                case "user" -> {
                    if (f.denseWidth() > 0) r.userDense(f.name(), new float[f.denseWidth()]);
                    else r.user(f.name(), 0);
                }
                case "history" -> {
                    int len = Math.max(1, info.sequences().stream().filter(s -> s.name().equals(f.sequence()))
                            .findFirst().orElseThrow().maxLength() / 2);
                    r.history(f.name(), new int[len], len);
                }
                default -> {
                    if (f.denseWidth() > 0) r.candidateDense(f.name(), new float[f.denseWidth() * WARM_CANDIDATES],
                            WARM_CANDIDATES);
                    else r.candidates(f.name(), new int[WARM_CANDIDATES], WARM_CANDIDATES);
                }
            }
        }
        return r;
    }

    String describe() {
        Model m = holder.model();
        StringBuilder b = new StringBuilder("{\"name\":").append(Json.quote(name))
                .append(",\"model\":").append(Json.quote(m.info().name()))
                .append(",\"reference\":").append(Json.quote(m.info().reference()))
                .append(",\"fingerprint\":").append(Json.quote(m.fingerprint()))
                .append(",\"version\":").append(holder.version())
                .append(",\"directory\":").append(Json.quote(holder.directory().toString()))
                .append(",\"backend\":").append(Json.quote(m.backendName()))
                .append(",\"backend_selection\":").append(Json.quote(m.selectionReport()))
                .append(",\"sequences\":[").append(String.join(",", m.info().sequences().stream()
                        .map(q -> "{\"name\":" + Json.quote(q.name()) + ",\"max_length\":" + q.maxLength() + ",\"mask\":"
                                + Json.quote(q.mask()) + "}").toList())).append(']');
        String err = holder.lastReloadError();
        if (err != null) b.append(",\"last_reload_error\":").append(Json.quote(err));
        b.append(",\"fields\":{");
        String[] groups = {"user", "history", "candidate"};
        for (int g = 0; g < groups.length; g++) {
            List<String> names = m.info().fields(groups[g]).stream().filter(ModelInfo.FieldInfo::sent)
                    .map(ModelInfo.FieldInfo::name).toList();
            b.append(g == 0 ? "" : ",").append(Json.quote(groups[g])).append(":[");
            b.append(String.join(",", Arrays.asList(names.stream().map(Json::quote).toArray(String[]::new))));
            b.append(']');
        }
        return b.append("}}").toString();
    }

    @Override
    public void close() {
        holder.close();
    }
}
