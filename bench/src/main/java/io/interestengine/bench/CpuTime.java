package io.interestengine.bench;

import io.interestengine.BatchRequest;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.Session;
import io.interestengine.bench.jmh.OpBench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A companion to the JMH run for a shared machine: the same models, ops and workloads timed by this thread's
 * CPU time (ThreadMXBean), which other processes' load does not inflate the way it inflates wall-clock time.
 * Warm-up until C2 has compiled the kernels (fixed counts, checked by the allocation counter reading zero),
 * then the mean CPU time per call. Writes JSON lines to the file given as the first argument.
 */
public final class CpuTime {
    private CpuTime() {
    }

    public static void main(String[] args) throws IOException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        var amx = (com.sun.management.ThreadMXBean) mx;
        StringBuilder out = new StringBuilder();
        Path dir = Files.createTempDirectory("ie-cputime");
        io.interestengine.bench.jmh.FmaPeak peak = new io.interestengine.bench.jmh.FmaPeak();
        float[] sink = new float[1];
        double[] p = measure(mx, amx, () -> sink[0] += peak.vectorFma(), 20_000, 20_000);
        double gflops = 12.0 * 1000 * 2 * io.interestengine.bench.jmh.FmaPeak.LANES / p[0] / 1e3;
        out.append(String.format(Locale.ROOT, "{\"kind\": \"fma_peak\", \"lanes\": %d, \"cpu_gflops\": %.2f, \"wall_gflops\": %.2f, \"sink\": %.1f}%n",
                io.interestengine.bench.jmh.FmaPeak.LANES, gflops, 12.0 * 1000 * 2 * io.interestengine.bench.jmh.FmaPeak.LANES / p[1] / 1e3, sink[0]));
        for (String name : new String[]{"base", "din", "dien", "mimn"}) {
            Path m = StandardModels.model(dir, name, 42);
            for (String be : new String[]{"scalar", "simd"}) {
                try (Model mo = Model.load(m, LoadOptions.defaults().withBackend(be)); Session s = mo.newSession()) {
                    for (String w : new String[]{"ranking", "batch"}) {
                        RankingRequest rq = w.equals("ranking") ? Workloads.ranking(mo, Workloads.N, 7) : null;
                        BatchRequest bq = rq == null ? Workloads.batch(mo, Workloads.B, 7) : null;
                        float[] o = new float[Workloads.N];
                        boolean scalar = be.equals("scalar");
                        Runnable call = () -> {
                            if (rq != null) s.score(rq, o);
                            else s.score(bq, o);
                        };
                        line(out, "model", name, be, w, measure(mx, amx, call, scalar ? 20 : 500, scalar ? 10 : 200), null);
                    }
                }
            }
        }
        for (String op : new String[]{"embedding", "pool", "fc1", "fc2", "attention", "gru", "augru", "mimn", "mimn_read"}) {
            for (String be : new String[]{"scalar", "simd"}) {
                for (String w : new String[]{"ranking", "batch"}) {
                    OpBench b = new OpBench();
                    b.op = op;
                    b.backend = be;
                    b.workload = w;
                    b.setup();
                    boolean slow = be.equals("scalar") && !op.equals("embedding") && !op.equals("pool");
                    int warm = slow ? 20 : op.equals("attention") ? 500 : 5000, reps = slow ? 10 : 300;
                    line(out, "op", op, be, w, measure(mx, amx, b::run, warm, reps), OpBench.flops(op, w));
                    b.tearDown();
                }
            }
        }
        Files.writeString(Path.of(args[0]), out);
        System.out.print(out);
    }

    /**
     * {cpu µs per call, wall µs per call, bytes allocated per call} after at least {@code warm} calls and three
     * seconds of warm-up (a count alone left the first configuration measured half-compiled).
     */
    private static double[] measure(ThreadMXBean mx, com.sun.management.ThreadMXBean amx, Runnable call, int warm, int reps) {
        long until = System.nanoTime() + 3_000_000_000L;
        for (int k = 0; k < warm || System.nanoTime() < until; k++) call.run();
        long a0 = amx.getCurrentThreadAllocatedBytes(), c0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
        for (int k = 0; k < reps; k++) call.run();
        long c1 = mx.getCurrentThreadCpuTime(), t1 = System.nanoTime(), a1 = amx.getCurrentThreadAllocatedBytes();
        return new double[]{(c1 - c0) / 1e3 / reps, (t1 - t0) / 1e3 / reps, (double) (a1 - a0) / reps};
    }

    private static void line(StringBuilder out, String kind, String what, String be, String w, double[] r, double[] flops) {
        out.append(String.format(Locale.ROOT, "{\"kind\": \"%s\", \"name\": \"%s\", \"backend\": \"%s\", \"workload\": \"%s\", \"cpu_us\": %.2f, \"wall_us\": %.2f, \"alloc_bytes_per_call\": %.0f",
                kind, what, be, w, r[0], r[1], r[2]));
        if (flops != null) out.append(String.format(Locale.ROOT, ", \"performed_gflops\": %.2f, \"definition_gflops\": %.2f", flops[0] / r[0] / 1e3, flops[1] / r[0] / 1e3));
        out.append("}\n");
    }
}
