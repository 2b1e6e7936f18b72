package io.interestengine.serving;

import io.interestengine.Model;
import io.interestengine.ModelInfo;
import io.interestengine.ModelHolder;
import io.interestengine.RankingRequest;
import io.interestengine.json.Json;

import java.util.Arrays;
import java.util.List;

/** One model the server serves under a name: its holder (hot swap), warm-up and metadata. */
final class ServedModel implements AutoCloseable {
    private static final int WARM_CANDIDATES = 200;
    final String name;
    final ModelHolder holder;

    ServedModel(String name, ModelHolder holder) {
        this.name = name;
        this.holder = holder;
    }

    /**
     * Scores a synthetic request (row 0 of every table, a half-full history, 200 candidates) until the JIT has
     * compiled the scoring path ({@link Warmup}): the first real requests then see steady-state latency.
     */
    void warm() {
        try (ModelHolder.Lease l = holder.acquire()) {
            RankingRequest r = synthetic(l.model());
            float[] out = new float[WARM_CANDIDATES];
            Warmup.run(() -> l.session().score(r, out));
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
