package io.interestengine.fuzz;

import io.interestengine.BackendUnavailableException;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RequestJson;
import io.interestengine.Session;
import io.interestengine.spi.Backend;
import io.interestengine.Backends;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code soak [--threads N] [--minutes M] [--models DIR] [--out FILE]}: every bundled model on every backend that
 * can run here, N threads (default 8) for M minutes (default 10), each call compared bit for bit with a one-thread
 * reference, while the heap, RSS, open file descriptors and mappings are sampled every second.
 *
 * <p>The reference is taken twice on one thread: cold (the first calls, interpreter and early JIT tiers) and warm
 * (after a warm-up). Threads are compared with the warm one; a cold reference that differs from the warm one is
 * reported (kernels whose results depend on the JIT tier), not counted as a mismatch. Exit code 1 on any
 * mismatch or exception.
 */
public final class Soak {
    private static final int[] CANDIDATES = {1, 5, 20, 64};

    private Soak() {
    }

    /** One model on one backend with its requests and their reference scores. */
    private record Case(String name, Model model, List<String> requests, float[][] cold, float[][] warm) {
        /**
         * Whether the one-thread results may depend on the JIT tier: the SIMD backend's are (the library's vector
         * exp and lane sums differ before and after C2; a model whose few reference requests happened to agree cold
         * and warm still showed 6e-8 differences across threads in a CI run), and so is any backend whose cold and
         * warm references differ. The scalar backend is held to bit-identity.
         */
        boolean tierDependent() {
            if (name.endsWith("/simd")) return true;
            for (int r = 0; r < requests.size(); r++) if (!Arrays.equals(cold[r], warm[r])) return true;
            return false;
        }
    }

    /**
     * Where results depend on the JIT tier, a thread may run a kernel at another tier than the reference did: such a
     * mismatch is reported with its size and fails the run only beyond this bound (the peer benchmark's tolerance).
     * Elsewhere any mismatch fails.
     */
    static final double TIER_TOLERANCE = 1e-4;

    /** The command's entry: returns the exit code. */
    public static int run(String[] args) throws IOException {
        return run(args, System.out);
    }

    static int run(String[] args, PrintStream out) throws IOException {
        Options o = Options.parse(args);
        int threads = (int) o.number("threads", 8);
        double minutes = o.number("minutes", 10);
        Path models = Path.of(o.get("models", Seeds.findModels().toString()));
        Quiet.backendSelection();
        List<Case> cases = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        report.append("soak: ").append(threads).append(" threads, ").append(minutes).append(" minutes, models under ").append(models)
                .append(", started ").append(java.time.Instant.now()).append('\n');
        try {
            for (Seeds.Seed s : Seeds.load(models, Integer.MAX_VALUE).models()) {
                for (Backend b : Backends.registered()) {
                    try {
                        Model m = Model.load(s.dir(), LoadOptions.defaults().withBackend(b.name()));
                        cases.add(new Case(s.name() + "/" + b.name(), m, requests(s.request()), null, null));
                    } catch (BackendUnavailableException e) {
                        report.append("  ").append(s.name()).append('/').append(b.name()).append(": skipped (").append(e.getMessage()).append(")\n");
                    }
                }
            }
            long totalNanos = (long) (minutes * 60e9);
            long warmNanos = Math.max(2_000_000_000L, totalNanos / 10);
            List<Case> ready = new ArrayList<>();
            for (Case c : cases) ready.add(new Case(c.name, c.model, c.requests, reference(c), null));
            warmUp(ready, warmNanos / Math.max(1, ready.size()));
            cases.clear();
            for (Case c : ready) cases.add(new Case(c.name, c.model, c.requests, c.cold, reference(c)));
            for (Case c : cases) {
                int differ = 0;
                for (int r = 0; r < c.requests.size(); r++) if (!Arrays.equals(c.cold[r], c.warm[r])) differ++;
                if (differ > 0) {
                    report.append("  ").append(c.name).append(": cold-tier reference differs from the warm one on ").append(differ).append(" of ")
                            .append(c.requests.size()).append(" requests (results depend on the JIT tier)\n");
                }
            }
            Result res = soak(cases, threads, totalNanos - warmNanos, out);
            report.append(res.describe());
            out.print(report);
            String file = o.get("out", null);
            if (file != null) {
                Path f = Path.of(file);
                if (f.getParent() != null) Files.createDirectories(f.getParent());
                Files.writeString(f, report);
            }
            return res.failed() ? 1 : 0;
        } finally {
            for (Case c : cases) c.model.close();
        }
    }

    /** The demo request cut to several candidate counts and history lengths. */
    private static List<String> requests(String demo) {
        List<String> out = new ArrayList<>();
        for (int n : CANDIDATES) out.add(Seeds.cut(demo, n));
        out.add(Seeds.cut(cutHistory(demo), 7));
        return out;
    }

    private static String cutHistory(String request) {
        @SuppressWarnings("unchecked") Map<String, Object> doc = (Map<String,
                Object>) io.interestengine.json.Json.parse(request);
        Object h = doc.get("history");
        if (h instanceof Map<?, ?> hist) {
            for (Object k : new ArrayList<>(hist.keySet())) {
                @SuppressWarnings("unchecked") Map<Object, Object> hm = (Map<Object, Object>) hist;
                List<?> l = (List<?>) hm.get(k);
                hm.put(k, new ArrayList<>(l.subList(0, l.size() / 3)));
            }
        }
        return JsonText.write(doc);
    }

    private static float[][] reference(Case c) {
        float[][] ref = new float[c.requests.size()][];
        try (Session s = c.model.newSession()) {
            for (int r = 0; r < ref.length; r++) ref[r] = RequestJson.score(s, RequestJson.parse(c.model,
                    c.requests.get(r)));
        }
        return ref;
    }

    private static void warmUp(List<Case> cases, long nanosEach) {
        for (Case c : cases) {
            try (Session s = c.model.newSession()) {
                List<RequestJson.Parsed> ps = new ArrayList<>();
                for (String q : c.requests) ps.add(RequestJson.parse(c.model, q));
                long end = System.nanoTime() + nanosEach;
                while (System.nanoTime() < end) for (RequestJson.Parsed p : ps) RequestJson.score(s, p);
            }
        }
    }

    private record Result(long nanos, LongAdder calls, LongAdder mismatches, Map<String, double[]> mismatchByCase,
                          ConcurrentLinkedQueue<String> errors, List<ProcessStats> samples, List<Case> cases) {
        boolean failed() {
            if (!errors.isEmpty()) return true;
            for (Case c : cases) {
                double[] m = mismatchByCase.get(c.name);
                if (m != null && (!c.tierDependent() || m[1] > TIER_TOLERANCE)) return true;
            }
            return false;
        }

        String describe() {
            StringBuilder b = new StringBuilder();
            b.append(String.format("  %d calls in %.1f s (%.0f calls/s), %d mismatches with the one-thread reference, %d exceptions%n",
                    calls.sum(), nanos / 1e9, calls.sum() / (nanos / 1e9), mismatches.sum(), errors.size()));
            for (Case c : cases) {
                double[] m = mismatchByCase.get(c.name);
                if (m == null) continue;
                b.append(String.format("    %s: %d mismatches, max |difference| %.3g (%s)%n", c.name, (long) m[0], m[1],
                        c.tierDependent() ? "JIT-tier dependent kernels; fails beyond "
                                + TIER_TOLERANCE : "fails the run"));
            }
            for (String e : errors.stream().limit(10).toList()) b.append("    ").append(e).append('\n');
            if (!samples.isEmpty()) {
                ProcessStats first = samples.get(0), last = samples.get(samples.size() - 1);
                long maxRss = samples.stream().mapToLong(ProcessStats::rssBytes).max().orElse(-1);
                int maxFds = samples.stream().mapToInt(ProcessStats::fds).max().orElse(-1);
                int maxMaps = samples.stream().mapToInt(ProcessStats::mappings).max().orElse(-1);
                b.append("  after warm-up: ").append(first.describe()).append('\n');
                b.append("  at the end:    ").append(last.describe()).append('\n');
                b.append(String.format("  RSS growth %.2f%% (max %.1f MiB), fds %d -> %d (max %d), mappings %d -> %d (max %d), %d samples%n",
                        100.0 * (last.rssBytes() - first.rssBytes()) / first.rssBytes(), maxRss / 1048576.0,
                                first.fds(), last.fds(), maxFds,
                        first.mappings(), last.mappings(), maxMaps, samples.size()));
            }
            return b.toString();
        }
    }

    private static Result soak(List<Case> cases, int threads, long nanos, PrintStream out) {
        LongAdder calls = new LongAdder(), mismatches = new LongAdder();
        Map<String, double[]> byCase = new TreeMap<>();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        List<ProcessStats> samples = new ArrayList<>();
        AtomicLong seeds = new AtomicLong(2026);
        long start = System.nanoTime(), end = start + nanos;
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> worker(cases, new SplittableRandom(seeds.getAndIncrement()), end, calls,
                    mismatches, byCase, errors),
                    "soak-" + t);
            th.start();
            ts.add(th);
        }
        long nextLog = start + 60_000_000_000L;
        while (System.nanoTime() < end) {
            samples.add(ProcessStats.sample());
            if (System.nanoTime() > nextLog) {
                out.printf("  %.0f s: %d calls, %d mismatches, %s%n", (System.nanoTime() - start) / 1e9, calls.sum(),
                        mismatches.sum(),
                        samples.get(samples.size() - 1).describe());
                nextLog += 60_000_000_000L;
            }
            try {
                Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Thread th : ts) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        samples.add(ProcessStats.sample());
        return new Result(System.nanoTime() - start, calls, mismatches, byCase, errors, samples, cases);
    }

    private static void worker(List<Case> cases, SplittableRandom r, long end, LongAdder calls, LongAdder mismatches,
                               Map<String, double[]> byCase, ConcurrentLinkedQueue<String> errors) {
        // Each thread owns a session and parsed requests per case, reused for every call.
        Session[] sessions = new Session[cases.size()];
        RequestJson.Parsed[][] parsed = new RequestJson.Parsed[cases.size()][];
        try {
            for (int c = 0; c < cases.size(); c++) {
                Case k = cases.get(c);
                sessions[c] = k.model.newSession();
                parsed[c] = new RequestJson.Parsed[k.requests.size()];
                for (int q = 0; q < parsed[c].length; q++) parsed[c][q] = RequestJson.parse(k.model, k.requests.get(q));
            }
            float[] out = new float[1024];
            while (System.nanoTime() < end) {
                int c = r.nextInt(cases.size());
                Case k = cases.get(c);
                int q = r.nextInt(parsed[c].length);
                RequestJson.Parsed p = parsed[c][q];
                int n = p.ranking() != null ? sessions[c].score(p.ranking(), out) : sessions[c].score(p.batch(), out);
                calls.increment();
                float[] ref = k.warm[q];
                boolean same = n == ref.length;
                for (int i = 0; same
                        && i < n; i++) same = Float.floatToRawIntBits(out[i]) == Float.floatToRawIntBits(ref[i]);
                if (!same) {
                    mismatches.increment();
                    double d = n == ref.length ? 0 : Double.POSITIVE_INFINITY;
                    for (int i = 0; i < Math.min(n, ref.length); i++) d = Math.max(d, Math.abs(out[i] - ref[i]));
                    synchronized (byCase) {
                        double[] m = byCase.computeIfAbsent(k.name, x -> new double[2]);
                        m[0]++;
                        m[1] = Math.max(m[1], d);
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            errors.add(Thread.currentThread().getName() + ": " + e);
        } finally {
            for (Session s : sessions) if (s != null) s.close();
        }
    }
}
