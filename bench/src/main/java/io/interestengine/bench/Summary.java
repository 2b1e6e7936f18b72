package io.interestengine.bench;

import io.interestengine.bench.jmh.FmaPeak;
import io.interestengine.bench.jmh.OpBench;
import io.interestengine.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a JMH JSON result file and writes a Markdown summary: SIMD/scalar speed-up per model, workload and
 * op (ratios taken within the one run), the measured FMA peak, and each compute op's GFLOP/s and share of
 * that peak. Usage: {@code Summary results.json summary.md}.
 */
public final class Summary {
    private Summary() {
    }

    public static void main(String[] args) throws IOException {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> runs = (List<Map<String, Object>>) Json.parse(Files.readString(Path.of(args[0])));
        Map<String, double[]> score = new LinkedHashMap<>();
        String unit = "";
        for (Map<String, Object> r : runs) {
            String bench = ((String) r.get("benchmark")).replaceFirst(".*\\.jmh\\.", "");
            @SuppressWarnings("unchecked")
            Map<String, Object> params = (Map<String, Object>) r.getOrDefault("params", Map.of());
            @SuppressWarnings("unchecked")
            Map<String, Object> pm = (Map<String, Object>) r.get("primaryMetric");
            StringBuilder key = new StringBuilder(bench);
            for (var e : new java.util.TreeMap<>(params).entrySet()) key.append(' ').append(e.getKey()).append('=').append(e.getValue());
            double err = pm.get("scoreError") instanceof Number n && !Double.isNaN(n.doubleValue()) ? n.doubleValue() : 0;
            score.put(key.toString(), new double[]{((Number) pm.get("score")).doubleValue(), err});
            unit = (String) pm.get("scoreUnit");
        }
        StringBuilder md = new StringBuilder("# JMH summary\n\nSource: `" + Path.of(args[0]).getFileName() + "`. All ratios from this one run.\n\n");
        double peak = Double.NaN;
        double[] fma = score.get("FmaPeak.vectorFma");
        if (fma != null) {
            peak = 2.0 * FmaPeak.LANES / fma[0];
            md.append(String.format(Locale.ROOT, "FMA peak (Vector API, %d lanes, one thread): **%.1f GFLOP/s** (%.4f ns per vector FMA)%n%n", FmaPeak.LANES, peak, fma[0]));
        }
        md.append("| benchmark | scalar (us/op) | simd (us/op) | speed-up |\n|---|---|---|---|\n");
        for (var e : score.entrySet()) {
            String k = e.getKey();
            if (!k.contains("backend=scalar")) continue;
            double[] si = score.get(k.replace("backend=scalar", "backend=simd"));
            if (si == null) continue;
            md.append(String.format(Locale.ROOT, "| %s | %.1f ± %.1f | %.1f ± %.1f | %.1f× |%n", k.replace(" backend=scalar", ""),
                    e.getValue()[0], e.getValue()[1], si[0], si[1], e.getValue()[0] / si[0]));
        }
        md.append("\n| op (simd) | workload | us/op | performed GFLOP/s | % of FMA peak | definition-equivalent GFLOP/s |\n|---|---|---|---|---|---|\n");
        for (var e : score.entrySet()) {
            String k = e.getKey();
            if (!k.startsWith("OpBench") || !k.contains("backend=simd")) continue;
            String op = param(k, "op"), w = param(k, "workload");
            double[] fl = OpBench.flops(op, w);
            if (fl == null) continue;
            double us = e.getValue()[0];
            double perf = fl[0] / us / 1e3, def = fl[1] / us / 1e3;
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.0f%% | %.1f |%n", op, w, us, perf, 100 * perf / peak, def));
        }
        md.append("\nUnit of the JMH scores: ").append(unit).append(" (FmaPeak: ns per vector FMA).\n");
        Files.writeString(Path.of(args[1]), md);
        System.out.print(md);
    }

    private static String param(String key, String name) {
        for (String p : key.split(" ")) if (p.startsWith(name + "=")) return p.substring(name.length() + 1);
        return null;
    }
}
