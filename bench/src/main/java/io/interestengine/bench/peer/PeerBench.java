package io.interestengine.bench.peer;

import io.interestengine.internal.Internals;
import io.interestengine.BackendUnavailableException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ./engine bench}: every model under {@code models/} that has a {@code model.onnx}, on the engine's backends
 * and on ONNX Runtime, over the ranking workload (one user, T = the model's history length, N candidates) and the
 * batch workload (B independent samples), in one process. Each runtime's scores are checked against the scalar
 * reference before it is timed; a runtime that disagrees is reported as failed, not timed.
 *
 * <pre>
 * ./engine bench [--quick] [--models DIR] [--out DIR] [--threads K] [--n 200] [--batch 256] [--backends scalar,simd,cuda]
 * </pre>
 */
public final class PeerBench {
    /**
     * Agreement bar against the scalar reference. Every runtime computes the same fp32 function in another order
     * (blocked sums, fused multiply-adds, other exp implementations): that moves a probability by ~1e-6 relative.
     * A semantic difference (a mask, a normalisation, a layout) moves it by 1e-3 or more.
     */
    static final double MAX_REL_ERR = 1e-4;

    private PeerBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = parse(argv);
        // Backend selection is logged at INFO for services; here it would drown the table.
        java.util.logging.Logger.getLogger("io.interestengine").setLevel(java.util.logging.Level.WARNING);
        boolean quick = a.containsKey("quick");
        Path models = Path.of(a.getOrDefault("models", "models"));
        Path outDir = Path.of(a.getOrDefault("out", "bench/results"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "1"));
        int n = Integer.parseInt(a.getOrDefault("n", "200"));
        int b = Integer.parseInt(a.getOrDefault("batch", quick ? "64" : "256"));
        List<String> backends = Arrays.asList(a.getOrDefault("backends", "scalar,simd,cuda").split(","));
        // Per runtime and workload: warm-up and measuring budgets in milliseconds.
        long measureMs = a.containsKey("seconds") ? (long) (Double.parseDouble(a.get("seconds")) * 1000) : quick ? 700 : 6000;
        long warmMs = quick ? 300 : Math.max(300, measureMs / 3);
        int rounds = Integer.parseInt(a.getOrDefault("rounds", quick ? "1" : "3"));
        List<String> workloads = Arrays.asList(a.getOrDefault("workloads", "ranking,batch").split(","));
        for (String wl : workloads) {
            if (!wl.equals("ranking") && !wl.equals("batch")) throw new IllegalArgumentException("--workloads " + wl + ": ranking or batch");
        }
        int[] intra = Arrays.stream(a.getOrDefault("intra", "1").split(",")).mapToInt(Integer::parseInt).toArray();
        boolean cpuClock = a.getOrDefault("clock", "wall").equals("cpu");
        if (!cpuClock && !a.getOrDefault("clock", "wall").equals("wall")) throw new IllegalArgumentException("--clock: wall or cpu");
        if (cpuClock && (threads > 1 || Arrays.stream(intra).anyMatch(t -> t > 1))) {
            throw new IllegalArgumentException("--clock cpu times the calling thread only: use it with one thread");
        }
        if (cpuClock) CLOCK = java.lang.management.ManagementFactory.getThreadMXBean()::getCurrentThreadCpuTime;

        // --ort off times the engine alone, on model directories with or without a model.onnx.
        boolean ort = !a.getOrDefault("ort", "on").equals("off");
        List<Path> dirs;
        try (Stream<Path> s = Files.list(models)) {
            dirs = s.filter(d -> Files.exists(d.resolve("model.json")) && (!ort || Files.exists(d.resolve("model.onnx")))).sorted().toList();
        }
        if (a.containsKey("only")) {
            List<String> only = Arrays.asList(a.get("only").split(","));
            for (String o : only) {
                if (dirs.stream().noneMatch(d -> d.getFileName().toString().equals(o))) {
                    throw new IllegalArgumentException("--only " + o + ": no model directory of that name with a model.onnx under " + models);
                }
            }
            dirs = dirs.stream().filter(d -> only.contains(d.getFileName().toString())).toList();
        }
        if (dirs.isEmpty()) {
            System.err.println("no model with a model.onnx under " + models.toAbsolutePath()
                    + " (make them with: /usr/bin/python3 tools/reference/export_onnx.py models/*)");
            System.exit(1);
        }
        Report report = new Report(threads, quick, "./engine bench " + String.join(" ", argv), cpuClock ? "thread cpu time" : "wall");
        for (Path dir : dirs) {
            String model = dir.getFileName().toString();
            for (boolean ranking : new boolean[]{true, false}) {
                if (!workloads.contains(ranking ? "ranking" : "batch")) continue;
                Workload w;
                try (var probe = io.interestengine.Model.load(dir, io.interestengine.LoadOptions.defaults().withBackend("scalar"))) {
                    w = ranking ? Workload.ranking(Internals.graph(probe), n) : Workload.batch(Internals.graph(probe), b);
                }
                float[] ref = null;
                Path inputs = Path.of(a.getOrDefault("inputs", "bench/target/peer-inputs"));
                List<Runner> runners = new ArrayList<>();
                for (String backend : backends) {
                    for (int t : intra) {
                        try {
                            runners.add(new EngineRunner(dir, backend, w, t));
                        } catch (BackendUnavailableException e) {
                            report.skipped(model, w, "engine-" + backend, e.getMessage());
                        }
                    }
                }
                if (ort) runners.add(new OrtRunner(dir.resolve("model.onnx"), w, threads));
                // Agreement first, then every runtime warmed, then `rounds` rounds that time each runtime in
                // turn: on a shared machine a burst of load then hits all runtimes alike, not one of them.
                List<Runner> agreed = new ArrayList<>();
                List<Double> errs = new ArrayList<>();
                try {
                    for (Runner r : runners) {
                        r.run();
                        if (ref == null) {
                            ref = r.scores().clone();
                            // The same inputs and reference scores for the PyTorch script (tools/reference/bench_torch.py).
                            Files.createDirectories(inputs);
                            Files.writeString(inputs.resolve(model + "-" + w.name + ".json"), w.json(ref, r.runtime()));
                        }
                        double err = maxRelErr(ref, r.scores());
                        if (!(err <= MAX_REL_ERR)) {
                            report.failed(model, w, r.runtime(), err);
                            continue;
                        }
                        agreed.add(r);
                        errs.add(err);
                    }
                    for (Runner r : agreed) time(r, warmMs, 0);
                    List<List<long[]>> samples = new ArrayList<>();
                    for (Runner r : agreed) samples.add(new ArrayList<>());
                    for (int round = 0; round < rounds; round++) {
                        for (int k = 0; k < agreed.size(); k++) samples.get(k).add(time(agreed.get(k), 0, measureMs / rounds));
                    }
                    for (int k = 0; k < agreed.size(); k++) {
                        report.timed(model, w, agreed.get(k).runtime(), concat(samples.get(k)), errs.get(k));
                    }
                } finally {
                    for (Runner r : runners) r.close();
                }
            }
        }
        report.print(System.out);
        Files.createDirectories(outDir);
        String date = LocalDate.now().toString() + (a.containsKey("tag") ? "-" + a.get("tag") : "");
        for (String wl : workloads) {
            Path p = outDir.resolve(date + "-" + wl + (quick ? "-quick" : "") + ".json");
            Files.writeString(p, report.json(wl));
            System.out.println("wrote " + p);
        }
        Path svg = outDir.resolve(date + "-peer" + (quick ? "-quick" : "") + ".svg");
        Files.writeString(svg, report.svg(date));
        System.out.println("wrote " + svg);
        if (report.anyFailed()) {
            // A runtime that disagrees with the scalar reference is a bug in it (or in an export), not a slow row.
            System.err.println("FAILED: some runtime's scores disagree with the scalar reference (see the table)");
            System.exit(2);
        }
    }

    /** Largest {@code |a − ref| / max(|ref|, 1e-6)}: scores are probabilities, so the floor only guards exact zeros. */
    static double maxRelErr(float[] ref, float[] a) {
        double m = 0;
        for (int k = 0; k < ref.length; k++) {
            double e = Math.abs((double) a[k] - ref[k]) / Math.max(Math.abs(ref[k]), 1e-6);
            if (!(e <= m)) m = e;
        }
        return m;
    }

    private static long[] concat(List<long[]> parts) {
        long[] all = new long[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /**
     * What a call's time is read from: wall time by default; with {@code --clock cpu} the calling thread's CPU time,
     * which other processes' load does not inflate on a shared machine (every runtime then runs on the caller alone:
     * the engine with one thread, ONNX Runtime with one intra-op thread, which it runs on the caller).
     */
    private static java.util.function.LongSupplier CLOCK = System::nanoTime;

    private static long[] time(Runner r, long warmMs, long measureMs) throws Exception {
        long end = System.nanoTime() + warmMs * 1_000_000;
        while (System.nanoTime() < end) r.run();
        long[] ns = new long[1 << 16];
        int k = 0;
        end = System.nanoTime() + measureMs * 1_000_000;
        while (k < ns.length && (k < 10 || System.nanoTime() < end)) {
            long t0 = CLOCK.getAsLong();
            r.run();
            ns[k++] = CLOCK.getAsLong() - t0;
        }
        return Arrays.copyOf(ns, k);
    }

    static final String USAGE = """
            usage: ./engine bench [--quick] [--only NAME,...] [--threads K] [--n 200] [--batch 256]
                                  [--backends scalar,simd,cuda] [--models models] [--out bench/results] [--inputs DIR] [--tag NAME] [--rounds 3]
                                  [--workloads ranking,batch] [--intra 1,2] [--clock wall|cpu] [--seconds 6] [--ort on|off]
              Times every models/* with a model.onnx in the engine and in ONNX Runtime (CPU) on the ranking request
              (one user, T events, N candidates) and a batch of independent samples; each runtime is checked
              against the scalar backend first. --only keeps the named model directories (e.g. --only din,mimn).
              Each runtime is timed in --rounds turns, interleaved with the others (--seconds, 6 by default, in all per runtime,
              after a third of that in warm-up).
              --intra times the engine at each intra-request thread count (runtime engine-simd-2t for 2).
              --ort off times the engine alone (model directories need no model.onnx then).
              --clock cpu reads the calling thread's CPU time instead of wall time (one thread only).
              Writes OUT/<date>[-NAME]-{ranking,batch}.json and OUT/<date>[-NAME]-peer.svg.
            """;
    private static final java.util.Set<String> KEYS = java.util.Set.of("quick", "only", "threads", "n", "batch", "backends", "models", "out", "inputs", "tag", "rounds",
            "workloads", "intra", "clock", "seconds", "ort");

    private static Map<String, String> parse(String[] argv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int k = 0; k < argv.length; k++) {
            String s = argv[k];
            if (s.equals("--help") || s.equals("-h")) {
                System.out.print(USAGE);
                System.exit(0);
            }
            if (!s.startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + s + "'\n" + USAGE);
            String key = s.substring(2);
            if (!KEYS.contains(key)) throw new IllegalArgumentException("unknown option --" + key + "\n" + USAGE);
            if (key.equals("quick")) m.put(key, "true");
            else if (k + 1 < argv.length) m.put(key, argv[++k]);
            else throw new IllegalArgumentException("--" + key + " needs a value");
        }
        return m;
    }
}
