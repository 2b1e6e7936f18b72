package io.interestengine.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of a fuzz run per target and outcome ({@code ok}, or the exception's simple name), and the undocumented
 * outcomes: each is written as a reproducer (the mutated input and the stack trace) under the run's directory when
 * it has one.
 */
final class Outcomes {
    private final Map<String, Map<String, Long>> counts = new TreeMap<>();
    private final Map<String, Long> inputs = new TreeMap<>();
    private final Path reproducers;
    private int failures, kept;
    private final StringBuilder failureSummary = new StringBuilder();

    Outcomes(Path reproducers) {
        this.reproducers = reproducers;
    }

    /** One mutated input tried. */
    void input(String target) {
        inputs.merge(target, 1L, Long::sum);
    }

    void count(String target, String outcome) {
        counts.computeIfAbsent(target, k -> new TreeMap<>()).merge(outcome, 1L, Long::sum);
    }

    /**
     * An outcome that is neither a result nor a documented exception: counted and kept.
     *
     * @param files name → content of the reproducer (the mutated input and whatever it needs)
     */
    void failure(String target, String what, Throwable t, Map<String, byte[]> files) {
        failures++;
        String name = t == null ? "undocumented" : t.getClass().getSimpleName();
        count(target, "FAIL " + name);
        StringWriter sw = new StringWriter();
        sw.append(what).append('\n');
        if (t != null) t.printStackTrace(new PrintWriter(sw));
        if (failureSummary.length() < 20_000) failureSummary.append(target).append(": ").append(what).append(t == null
                ? "" : ": " + t).append('\n');
        if (reproducers == null) return;
        try {
            Path d = reproducers.resolve(target + "-" + failures);
            Files.createDirectories(d);
            for (var f : files.entrySet()) Files.write(d.resolve(f.getKey()), f.getValue());
            Files.writeString(d.resolve("failure.txt"), sw.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An input worth keeping that is not a failure (a scalar/SIMD divergence): written like a reproducer. */
    void keep(String kind, String what, Map<String, byte[]> files) {
        if (reproducers == null) return;
        kept++;
        try {
            Path d = reproducers.resolve(kind + "-" + kept);
            Files.createDirectories(d);
            for (var f : files.entrySet()) Files.write(d.resolve(f.getKey()), f.getValue());
            Files.writeString(d.resolve("note.txt"), what + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int failures() {
        return failures;
    }

    String failureSummary() {
        return failureSummary.toString();
    }

    Map<String, Map<String, Long>> counts() {
        return counts;
    }

    Map<String, Long> inputs() {
        return inputs;
    }

    String report() {
        StringBuilder b = new StringBuilder();
        for (var t : counts.entrySet()) {
            b.append(t.getKey()).append(": ").append(inputs.getOrDefault(t.getKey(), 0L)).append(" inputs;");
            for (var o : t.getValue().entrySet()) b.append(' ').append(o.getKey()).append('=').append(o.getValue());
            b.append('\n');
        }
        return b.toString();
    }
}
