package io.interestengine.fuzz;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code fuzz [--minutes M] [--seed S] [--models DIR] [--out DIR]}: mutates the bundled model directories, their
 * request lines and user states for M minutes (default 1) and prints the outcomes by target and exception. Inputs
 * with an undocumented outcome are written as reproducers under the output directory (printed at the start); the
 * exit code is 1 when there is any.
 */
public final class Fuzz {
    /** Work per round, by cost: one model load on two backends is worth about ten request lines or fifty states. */
    static final int REQUESTS_PER_ROUND = 10, STATES_PER_ROUND = 50;

    private Fuzz() {
    }

    /** The command's entry: returns the exit code. */
    public static int run(String[] args) throws IOException {
        return run(args, System.out);
    }

    static int run(String[] args, PrintStream out) throws IOException {
        Options o = Options.parse(args);
        double minutes = o.number("minutes", 1);
        long seed = (long) o.number("seed", System.currentTimeMillis());
        Path models = Path.of(o.get("models", Seeds.findModels().toString()));
        Path dir = Path.of(o.get("out", "target/fuzz-" + seed));
        Files.createDirectories(dir);
        out.println("fuzz: seed " + seed + ", " + minutes + " minutes over " + models + "; reproducers under "
                + dir.toAbsolutePath());
        Path scratch = Files.createTempDirectory("engine-fuzz");
        long end = System.nanoTime() + (long) (minutes * 60e9), nextReport = System.nanoTime() + 60_000_000_000L;
        Instant start = Instant.now();
        try (Fuzzer f = new Fuzzer(Seeds.load(models, 3), seed, scratch, dir)) {
            while (System.nanoTime() < end) {
                round(f);
                if (System.nanoTime() > nextReport) {
                    out.print(f.outcomes.report());
                    nextReport += 60_000_000_000L;
                }
            }
            String report = summary(f, seed, start);
            out.print(report);
            Files.writeString(dir.resolve("summary.txt"), report);
            return f.outcomes.failures() == 0 ? 0 : 1;
        } finally {
            deleteTree(scratch);
        }
    }

    static void round(Fuzzer f) {
        f.model();
        for (int k = 0; k < REQUESTS_PER_ROUND; k++) f.request();
        for (int k = 0; k < STATES_PER_ROUND; k++) f.state();
    }

    static String summary(Fuzzer f, long seed, Instant start) {
        return "seed " + seed + ", started " + start + ", ended " + Instant.now() + "\n" + f.outcomes.report()
                + "scalar vs simd on mutated models that both scored: " + f.compared + " compared, " + f.diverged
                + " differ by more than " + Fuzzer.divergenceBound() + ", largest difference " + f.maxDivergence
                + " (with weights within " + Fuzzer.WELL_SCALED + ": " + f.maxWellScaledDivergence + ")\n"
                + "undocumented outcomes: " + f.outcomes.failures() + "\n" + f.outcomes.failureSummary();
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
