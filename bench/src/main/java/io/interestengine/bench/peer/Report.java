package io.interestengine.bench.peer;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Rows of the peer comparison and their three renderings: a table, JSON records (one per model × workload × runtime) and an SVG chart of the ratios to ONNX Runtime. */
final class Report {
    record Row(String model, String workload, String runtime, int rows, String status, double p50us, double p99us,
               double perSecond, double maxRelErr, String note) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final int threads;
    private final boolean quick;
    private final String command, clock;

    Report(int threads, boolean quick, String command, String clock) {
        this.threads = threads;
        this.quick = quick;
        this.command = command;
        this.clock = clock;
    }

    void timed(String model, Workload w, String runtime, long[] ns, double err) {
        long[] s = ns.clone();
        Arrays.sort(s);
        double p50 = s[s.length / 2] / 1e3, p99 = s[Math.min(s.length - 1, (int) Math.ceil(s.length * 0.99) - 1)] / 1e3;
        double mean = Arrays.stream(s).average().orElse(0) / 1e9;
        // Throughput in scored rows (candidates or samples) per second, so that ranking and batch read alike.
        rows.add(new Row(model, w.name, runtime, w.rows, "ok", p50, p99, w.rows / mean, err, s.length + " calls"));
    }

    void failed(String model, Workload w, String runtime, double err) {
        rows.add(new Row(model, w.name, runtime, w.rows, "failed", Double.NaN, Double.NaN, Double.NaN, err,
                String.format(Locale.ROOT, "scores disagree with the scalar reference: max rel err %.3g > %.0e", err, PeerBench.MAX_REL_ERR)));
    }

    void skipped(String model, Workload w, String runtime, String why) {
        rows.add(new Row(model, w.name, runtime, w.rows, "skipped", Double.NaN, Double.NaN, Double.NaN, Double.NaN, why));
    }

    boolean anyFailed() {
        return rows.stream().anyMatch(r -> r.status.equals("failed"));
    }

    private double ortP50(Row r) {
        for (Row o : rows) {
            if (o.model.equals(r.model) && o.workload.equals(r.workload) && o.runtime.equals("onnxruntime") && o.status.equals("ok")) return o.p50us;
        }
        return Double.NaN;
    }

    void print(PrintStream out) {
        out.printf(Locale.ROOT, "%-8s %-8s %-17s %6s %11s %11s %13s %9s %9s  %s%n", "model", "workload", "runtime", "rows", "p50 us", "p99 us", "rows/s", "vs ORT", "rel err", "");
        for (Row r : rows) {
            if (!r.status.equals("ok")) {
                out.printf(Locale.ROOT, "%-8s %-8s %-17s %6d %s: %s%n", r.model, r.workload, r.runtime, r.rows, r.status.toUpperCase(Locale.ROOT), r.note);
                continue;
            }
            out.printf(Locale.ROOT, "%-8s %-8s %-17s %6d %11.1f %11.1f %13.0f %8.2fx %9.1e%n", r.model, r.workload, r.runtime, r.rows,
                    r.p50us, r.p99us, r.perSecond, ortP50(r) / r.p50us, r.maxRelErr);
        }
        out.println("vs ORT: ONNX Runtime's p50 latency divided by the runtime's (higher is faster); threads " + threads);
    }

    private static String num(double d) {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : "null";
    }

    private static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    String json(String workload) {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"date\": ").append(str(ZonedDateTime.now().toString())).append(",\n");
        b.append("  \"command\": ").append(str(command)).append(",\n");
        b.append("  \"clock\": ").append(str(clock)).append(",\n");
        b.append("  \"load_average\": ").append(num(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())).append(",\n");
        b.append("  \"jvm\": ").append(str(System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))).append(",\n");
        b.append("  \"flags\": ").append(str(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()))).append(",\n");
        b.append("  \"machine\": ").append(str(machine())).append(",\n");
        b.append("  \"records\": [");
        String sep = "\n";
        for (Row r : rows) {
            if (!r.workload.equals(workload)) continue;
            b.append(sep).append("    {\"model\": ").append(str(r.model)).append(", \"workload\": ").append(str(r.workload))
                    .append(", \"runtime\": ").append(str(r.runtime)).append(", \"threads\": ").append(threads)
                    .append(", \"rows\": ").append(r.rows).append(", \"status\": ").append(str(r.status))
                    .append(", \"p50_us\": ").append(num(r.p50us)).append(", \"p99_us\": ").append(num(r.p99us))
                    .append(", \"per_second\": ").append(num(r.perSecond)).append(", \"max_rel_err\": ").append(num(r.maxRelErr))
                    .append(", \"ratio_to_ort\": ").append(num(ortP50(r) / r.p50us))
                    .append(", \"note\": ").append(str(r.note == null ? "" : r.note)).append('}');
            sep = ",\n";
        }
        return b.append("\n  ]\n}\n").toString();
    }

    static String machine() {
        String cpu = "unknown cpu";
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    cpu = l.substring(l.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the OS name below still says where it ran
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cpus, " + System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }

    /** Horizontal bars of the speed ratio to ONNX Runtime (p50), one per model × workload × engine runtime; a line marks 1×. */
    String svg(String date) {
        List<Row> bars = new ArrayList<>();
        for (Row r : rows) if (r.status.equals("ok") && !r.runtime.equals("onnxruntime") && Double.isFinite(ortP50(r))) bars.add(r);
        double max = 1;
        for (Row r : bars) max = Math.max(max, ortP50(r) / r.p50us);
        int left = 260, width = 460, bh = 18, top = 50, h = top + bars.size() * (bh + 6) + 40;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", left + width + 80, h));
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"14\">interest-engine vs ONNX Runtime (p50 speed ratio, %d thread%s), %s</text>%n", threads, threads == 1 ? "" : "s", date));
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"38\" fill=\"#555\">%s</text>%n", esc(machine())));
        for (int k = 0; k < bars.size(); k++) {
            Row r = bars.get(k);
            double ratio = ortP50(r) / r.p50us;
            int y = top + k * (bh + 6);
            int wpx = (int) Math.round(width * ratio / max);
            String color = r.runtime.endsWith("scalar") ? "#b0b0b0" : r.runtime.endsWith("cuda") ? "#76b900" : "#3b75c4";
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s %s %s</text>%n", left - 8, y + 13, esc(r.model), r.workload, esc(r.runtime)));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n", left, y, Math.max(wpx, 1), bh, color));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%.2fx</text>%n", left + wpx + 4, y + 13, ratio));
        }
        int one = left + (int) Math.round(width / max);
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d33\" stroke-dasharray=\"4,3\"/>%n", one, top - 6, one, h - 30));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#d33\">1x = ONNX Runtime</text>%n", one + 4, h - 16));
        return s.append("</svg>\n").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
