package io.interestengine.cuda;

import io.interestengine.testkit.Presets;
import io.interestengine.testkit.RandomRequests;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.Session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * GPU machine harness: every random-model variant (together they launch gather, pool, concat, binary, dense
 * SIMT and TF32, attention, output; the GRU and MIMN kernels run in the DIEN/MIMN golden tests and GpuBench)
 * is first checked against the scalar reference at the tail sizes, and only then timed (ranking request of 200 candidates, launch by launch and graph-replayed).
 * A variant that disagrees is reported as failed and not timed.
 *
 * <pre>java ... io.interestengine.cuda.KernelHarness OUT_DIR</pre>
 */
public final class KernelHarness {
    private KernelHarness() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results");
        Files.createDirectories(out);
        String why = CudaBackend.unavailableReason();
        List<String> recs = new ArrayList<>();
        Path tmp = Files.createTempDirectory("ie-harness");
        for (Presets.Variant s : Presets.variants()) {
            for (boolean tf32 : new boolean[]{false, true}) {
                String name = s.name() + (tf32 ? "+tf32" : "");
                if (why != null) {
                    recs.add("{\"variant\": \"" + name + "\", \"status\": \"skipped\", \"reason\": " + q(why) + "}");
                    continue;
                }
                Path dir = Presets.variant(s, 42).write(tmp.resolve(name));
                if (tf32) System.setProperty("interestengine.cuda.tf32", "true");
                try {
                    Compare.model(dir, s, "cuda", tf32 ? Compare.TF32_RTOL : Compare.RTOL, tf32 ? Compare.TF32_ATOL : Compare.ATOL);
                    StringBuilder r = new StringBuilder("{\"variant\": \"" + name + "\", \"status\": \"ok\"");
                    for (String graphs : new String[]{"false", "true"}) {
                        System.setProperty("interestengine.cuda.graphs", graphs);
                        try (Model m = Model.load(dir, LoadOptions.defaults().withBackend("cuda")); Session ss = m.newSession()) {
                            RankingRequest req = RandomRequests.ranking(m, 200, s.T(), 9);
                            float[] o = new float[200];
                            Timing t = Timing.of(() -> ss.score(req, o), 1.0, 2.0);
                            r.append(", \"ranking200_").append(graphs.equals("true") ? "graph" : "launches").append("\": {").append(t.json(200)).append('}');
                        } finally {
                            System.clearProperty("interestengine.cuda.graphs");
                        }
                    }
                    recs.add(r.append('}').toString());
                    System.out.println("[harness] " + name + ": agrees with scalar, timed");
                } catch (AssertionError | RuntimeException e) {
                    recs.add("{\"variant\": \"" + name + "\", \"status\": \"failed\", \"error\": " + q(String.valueOf(e)) + "}");
                    System.out.println("[harness] " + name + ": FAILED " + e);
                } finally {
                    System.clearProperty("interestengine.cuda.tf32");
                }
            }
        }
        String json = "{\n\"date\": \"" + java.time.OffsetDateTime.now() + "\",\n\"device\": " + q(why == null ? deviceName() : "none: " + why)
                + ",\n\"java\": \"" + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + "\",\n\"records\": [\n  "
                + String.join(",\n  ", recs) + "\n]\n}\n";
        Files.writeString(out.resolve("kernel-harness.json"), json);
        System.out.println("wrote " + out.resolve("kernel-harness.json"));
        if (json.contains("\"failed\"")) System.exit(1);
    }

    static String deviceName() {
        try (Driver d = new NativeDriver(CudaDriver.DEVICE)) {
            return d.deviceName();
        }
    }

    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
