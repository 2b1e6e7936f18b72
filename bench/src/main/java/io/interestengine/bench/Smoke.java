package io.interestengine.bench;

import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.Session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * CI smoke check (well under a minute): writes the standard Base and DIN models, scores the standard ranking
 * request and batch once on the scalar and SIMD backends, and checks SIMD ≈ scalar
 * ({@code |Δ| ≤ 1e-5 + 1e-4·|ref|}: the tolerance of engine-simd's SimdVsScalarTest). Prints one wall-clock
 * time per call for orientation only; speed is measured by the JMH benchmarks. Exit status 1 on a mismatch.
 */
public final class Smoke {
    private static final int CALLS = 3;

    private Smoke() {
    }

    private static long fastest(java.util.function.Supplier<float[]> call) {
        long best = Long.MAX_VALUE;
        for (int k = 0; k < CALLS; k++) {
            long t = System.nanoTime();
            call.get();
            best = Math.min(best, System.nanoTime() - t);
        }
        return best;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("interest-engine-smoke");
        boolean ok = true;
        try {
            for (String name : new String[]{"base", "din"}) {
                Path m = StandardModels.write(dir, name, 42);
                try (Model sc = Model.load(m, LoadOptions.defaults().withBackend("scalar"));
                     Model si = Model.load(m, LoadOptions.defaults().withBackend("simd"));
                     Session a = sc.newSession(); Session b = si.newSession()) {
                    for (String w : new String[]{"ranking", "batch"}) {
                        boolean ranking = w.equals("ranking");
                        float[] want = ranking ? a.score(Workloads.ranking(sc, Workloads.N, 7)) : a.score(Workloads.batch(sc, Workloads.B, 7));
                        float[] got = ranking ? b.score(Workloads.ranking(si, Workloads.N, 7)) : b.score(Workloads.batch(si, Workloads.B, 7));
                        long scalarNs = fastest(() -> ranking ? a.score(Workloads.ranking(sc, Workloads.N, 7)) : a.score(Workloads.batch(sc, Workloads.B, 7)));
                        long simdNs = fastest(() -> ranking ? b.score(Workloads.ranking(si, Workloads.N, 7)) : b.score(Workloads.batch(si, Workloads.B, 7)));
                        double worst = 0;
                        int bad = -1;
                        for (int k = 0; k < want.length; k++) {
                            double excess = Math.abs(got[k] - want[k]) - (1e-5 + 1e-4 * Math.abs(want[k]));
                            if (excess > worst) {
                                worst = excess;
                                bad = k;
                            }
                        }
                        String verdict = bad < 0 ? "ok" : "MISMATCH at " + bad + ": simd " + got[bad] + " vs scalar " + want[bad];
                        System.out.printf("%-4s %-7s %3d scores  scalar %8.2f ms  simd %7.2f ms (fastest of %d calls, barely warm)  %s%n",
                                name, w, want.length, scalarNs / 1e6, simdNs / 1e6, CALLS, verdict);
                        ok &= bad < 0;
                    }
                }
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        if (!ok) System.exit(1);
        System.out.println("smoke: simd matches scalar");
    }
}
