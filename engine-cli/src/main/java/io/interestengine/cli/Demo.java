package io.interestengine.cli;

import io.interestengine.internal.Internals;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.ModelInfo;
import io.interestengine.RequestJson;
import io.interestengine.RankingRequest;
import io.interestengine.Session;
import io.interestengine.UserState;
import io.interestengine.graph.Field;
import io.interestengine.json.Json;
import io.interestengine.json.Node;
import io.interestengine.serving.Warmup;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code demo}: loads every bundled example model, scores its demo request (one user, N candidates), and prints
 * the user's history categories beside the top candidates, the backend and the latency.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Score the bundled example models and print the top candidates.")
final class Demo implements Callable<Integer> {
    private static final List<String> ORDER = List.of("base", "din", "dien", "mimn");
    /** Held here: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    private static final java.util.logging.Logger ENGINE_LOG = java.util.logging.Logger.getLogger("io.interestengine");

    @Option(names = "--models", paramLabel = "DIR", description = "directory of example models (default: models)")
    Path models = Path.of("models");

    @Option(names = "--backend", paramLabel = "B", description = "auto|scalar|simd|cuda (default: auto)")
    String backend = "auto";

    @Override
    public Integer call() throws IOException {
        return run(models, backend, System.out);
    }

    static int run(Path root, String backend, PrintStream out) throws IOException {
        if (!Files.isDirectory(root)) {
            out.println("no models directory at " + root.toAbsolutePath() + " (run from the repository root, or pass --models DIR)");
            return 1;
        }
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = new ArrayList<>(s.filter(d -> Files.exists(d.resolve("model.json")) && Files.exists(d.resolve("demo_request.json"))).toList());
        }
        dirs.sort(Comparator.comparingInt((Path d) -> {
            int i = ORDER.indexOf(d.getFileName().toString());
            return i < 0 ? ORDER.size() : i;
        }).thenComparing(Path::toString));
        if (dirs.isEmpty()) {
            out.println("no example models under " + root + " (each needs model.json and demo_request.json)");
            return 1;
        }
        LoadOptions opts = LoadOptions.defaults().withBackend(backend);
        // The demo prints each model's backend report itself; the engine's log line would say it a second time.
        ENGINE_LOG.setLevel(java.util.logging.Level.WARNING);
        out.println("interest-engine demo: " + dirs.size() + " bundled models, one ranking request each");
        for (Path d : dirs) one(d, opts, out);
        return 0;
    }

    private static void one(Path dir, LoadOptions opts, PrintStream out) throws IOException {
        String reqText = Files.readString(dir.resolve("demo_request.json")).strip();
        Map<String, Object> vocab = Files.exists(dir.resolve("vocab.json")) ? asMap(Json.parse(Files.readString(dir.resolve("vocab.json")))) : Map.of();
        try (Model model = Model.load(dir, opts); Session session = model.newSession()) {
            out.println();
            ModelInfo info = model.info();
            out.println("== " + dir.getFileName() + ": " + info.name() + (info.reference().isEmpty() ? "" : " (" + info.reference() + ")"));
            out.println("   " + model.selectionReport());
            RequestJson.Parsed p = RequestJson.parse(model, reqText);
            int n = p.size();
            float[] scores = RequestJson.score(session, p);

            Node req = new Node(Json.parse(reqText), "", IllegalArgumentException::new);
            List<Field> hist = Internals.graph(model).fields(Field.Group.HISTORY);
            List<Field> cand = Internals.graph(model).fields(Field.Group.CANDIDATE);
            long[] itemCat = longs(vocab.get("item_category"));
            List<String> catNames = strings(vocab.get("category_names"));
            Map<String, Integer> histCats = new LinkedHashMap<>();
            int events = 0;
            if (!hist.isEmpty() && req.has("history")) {
                // The history holds item ids (a field on the candidates' item table) or, in the family examples,
                // category ids only (a field on the candidates' category table): name the category either way.
                String itemTable = cand.get(0).isDense() ? null : cand.get(0).table().name();
                Field first = hist.get(0);
                boolean items = itemTable == null || first.table().name().equals(itemTable);
                List<Node> h = req.get("history").get(first.name()).list();
                events = h.size();
                for (Node id : h) {
                    String name = items ? category(id.integer(), itemCat, catNames) : categoryName(id.integer(), catNames);
                    histCats.merge(name, 1, Integer::sum);
                }
            }
            List<Map.Entry<String, Integer>> hc = new ArrayList<>(histCats.entrySet());
            hc.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
            StringBuilder hs = new StringBuilder();
            for (int k = 0; k < Math.min(6, hc.size()); k++) hs.append(k == 0 ? "" : ", ").append(hc.get(k).getKey()).append(" x").append(hc.get(k).getValue());
            out.println("   user history: " + events + " events; categories: " + (hs.isEmpty() ? "(none)" : hs));

            List<Node> candIds = req.get("candidates").get(cand.get(0).name()).list();
            Integer[] order = new Integer[n];
            for (int c = 0; c < n; c++) order[c] = c;
            Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
            int top = Math.min(10, n), inHistory = 0;
            out.println("   top " + top + " of " + n + " candidates:");
            for (int k = 0; k < top; k++) {
                int c = order[k];
                long item = candIds.get(c).integer();
                String cat = category(item, itemCat, catNames);
                boolean seen = histCats.containsKey(cat);
                if (seen) inHistory++;
                out.printf("   %2d. item %-6d %-18s %.4f%s%n", k + 1, item, cat, scores[c], seen ? "   (category in history)" : "");
            }
            if (!histCats.isEmpty()) out.println("   " + inHistory + " of the top " + top + " are in categories from the user's history");

            float[] buf = new float[n];
            var r = p.ranking();
            // the kernels compiled before the timing
            Warmup.run(() -> session.score(r, buf));
            long[] t = new long[500];
            for (int k = 0; k < t.length; k++) {
                long s0 = System.nanoTime();
                session.score(r, buf);
                t[k] = System.nanoTime() - s0;
            }
            Arrays.sort(t);
            out.printf("   latency (%d candidates, %d history events, backend %s): p50 %.3f ms, p99 %.3f ms over %d requests%n",
                    n, events, model.backendName(), t[t.length / 2] / 1e6, t[(int) (t.length * 0.99)] / 1e6, t.length);
            if (!hist.isEmpty() && req.has("history")) stateDemo(session, req, r, scores, hist, out);
        }
    }

    /**
     * Write on event, read on request: the user's state is advanced one behavior at a time (as a User Interest
     * Center would on each click), serialised and restored, then read by the same request's candidates.
     */
    private static void stateDemo(Session session, Node req, RankingRequest r, float[] full, List<Field> hist, PrintStream out) {
        List<Field> sent = hist.stream().filter(f -> !f.isDerived()).toList();
        List<List<Node>> cols = new ArrayList<>();
        for (Field f : sent) cols.add(req.get("history").get(f.name()).list());
        int events = cols.get(0).size();
        String why = session.incrementalAdvance();
        UserState st = session.emptyState();
        int[] ev = new int[sent.size()];
        long t0 = System.nanoTime();
        for (int e = 0; e < events; e++) {
            for (int k = 0; k < ev.length; k++) ev[k] = (int) cols.get(k).get(e).integer();
            st = session.advance(st, ev);
        }
        long advanceNs = System.nanoTime() - t0;
        byte[] bytes = st.toBytes();
        UserState restored = UserState.fromBytes(session.model(), bytes);
        float[] fromState = new float[full.length];
        session.score(restored, r, fromState);
        double maxDiff = 0;
        for (int c = 0; c < full.length; c++) maxDiff = Math.max(maxDiff, Math.abs(fromState[c] - full[c]));
        out.printf("   user state: %d events advanced one at a time (%.3f ms in all%s), %d bytes serialised;%n"
                        + "   scoring the request from the restored state: max |score - full-history score| = %.2g%n",
                events, advanceNs / 1e6, why == null ? "" : "; each event recomputes the window: " + why, bytes.length, maxDiff);
    }

    private static String categoryName(long c, List<String> names) {
        return names != null && c >= 0 && c < names.size() ? names.get((int) c) : "category " + c;
    }

    private static String category(long item, long[] itemCat, List<String> names) {
        if (itemCat == null || item < 0 || item >= itemCat.length) return "item " + item;
        int c = (int) itemCat[(int) item];
        return names != null && c >= 0 && c < names.size() ? names.get(c) : "category " + c;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : Map.of();
    }

    private static long[] longs(Object o) {
        if (!(o instanceof List<?> l)) return null;
        long[] a = new long[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = ((Number) l.get(i)).longValue();
        return a;
    }

    private static List<String> strings(Object o) {
        if (!(o instanceof List<?> l)) return null;
        return l.stream().map(String::valueOf).toList();
    }
}
