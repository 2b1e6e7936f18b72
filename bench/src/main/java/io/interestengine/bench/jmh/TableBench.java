package io.interestengine.bench.jmh;

import io.interestengine.Backends;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.format.SafeTensors;
import io.interestengine.graph.EmbeddingOp;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Scope;
import io.interestengine.graph.Table;
import io.interestengine.internal.Internals;
import io.interestengine.spi.Backend;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.DeviceModel;
import io.interestengine.spi.DeviceSession;
import io.interestengine.spi.PlanLayout;
import io.interestengine.spi.Step;
import io.interestengine.testkit.TableForms;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The embedding gather of one large table in each stored form (F32, F16, BF16, I8), memory-mapped or copied:
 * {@code B·T} = 25,600 random ids per call (a batch of 256 histories of 100), through the backend's embedding kernel
 * alone. The model (one table of {@code rows × dim}, Gaussian values) is generated under {@code java.io.tmpdir}
 * ({@code ie-tablebench-<rows>x<dim>/<form>}) on first use and reused, never kept in the repository. Each fork prints
 * one {@code TABLEBENCH} line with the memory after loading and after the run: Java heap used (after a GC), the
 * table's bytes, and the process's resident anonymous and file-backed memory ({@code /proc/self/status}).
 * Sampled time: on a shared machine the median of many calls says more than a mean that one descheduled call moves.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@org.openjdk.jmh.annotations.State(org.openjdk.jmh.annotations.Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TableBench {
    static final int B = 256, T = 100;

    @Param({"F32", "F16", "BF16", "I8"})
    public String form;
    @Param({"10000000"})
    public int rows;
    @Param({"18"})
    public int dim;
    @Param({"true", "false"})
    public boolean mmap;
    @Param({"simd"})
    public String backend;

    private Model model;
    private DeviceModel dm;
    private DeviceSession ds;
    private Step step;
    private String loaded;
    private Table table;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        Path dir = modelDir(rows, dim, form);
        long t0 = System.nanoTime();
        model = Model.load(dir, LoadOptions.defaults().withBackend("scalar").withMmapTables(mmap));
        long loadMs = (System.nanoTime() - t0) / 1_000_000;
        ModelGraph g = Internals.graph(model);
        EmbeddingOp op = (EmbeddingOp) g.ops().get(0);
        table = op.field().table();
        int outOff = 0, floats = B * T * dim, idsOff = 0, lengthsOff = B * T, rowMapOff = lengthsOff + B;
        int ints = rowMapOff + B;
        Bindings bind = new FixedBindings(g, v -> outOff, idsOff, lengthsOff, rowMapOff, B, B);
        Backend b = Backends.registered().stream().filter(x -> x.name().equals(backend)).findFirst().orElseThrow();
        b.probe();
        dm = b.load(g, LoadOptions.defaults());
        ds = dm.openSession(new PlanLayout(g, floats, ints, ints, B, B, bind));
        int[] in = ds.stagingInts();
        SplittableRandom r = new SplittableRandom(7);
        for (int k = 0; k < B * T; k++) in[idsOff + k] = r.nextInt(rows);
        for (int u = 0; u < B; u++) in[lengthsOff + u] = T;
        for (int c = 0; c < B; c++) in[rowMapOff + c] = c;
        ds.upload(ints, 0, 0);
        step = ds.bind(op, bind);
        loaded = "loadMs=" + loadMs + " " + memory();
    }

    @Benchmark
    public void gather() {
        step.run(B, B);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println("TABLEBENCH form=" + form + " rows=" + rows + " dim=" + dim + " mmap=" + mmap
                + " backend=" + backend
                + " tableBytes=" + (table.data().byteSize() + (table.scales() == null ? 0 : table.scales().byteSize()))
                + " | after load: " + loaded + " | after run: " + memory());
        ds.close();
        dm.close();
        model.close();
    }

    /** Heap used after a GC, and the resident anonymous and file-backed memory, in MiB. */
    static String memory() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heap = rt.totalMemory() - rt.freeMemory();
        String anon = "?", file = "?";
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("RssAnon:")) anon = mib(l);
                if (l.startsWith("RssFile:")) file = mib(l);
            }
        } catch (IOException e) {
            // not Linux: the resident sizes stay unknown
        }
        return "heapUsedMiB=" + (heap >> 20) + " rssAnonMiB=" + anon + " rssFileMiB=" + file;
    }

    private static String mib(String statusLine) {
        return String.valueOf(Long.parseLong(statusLine.replaceAll("[^0-9]", "")) / 1024);
    }

    /** The model directory of one form, generated (F32 first, then converted) when absent. */
    static synchronized Path modelDir(int rows, int dim, String form) throws IOException {
        Path base = Path.of(System.getProperty("java.io.tmpdir"), "ie-tablebench2-" + rows + "x" + dim);
        Path f32 = base.resolve("F32"), dir = base.resolve(form);
        if (!Files.exists(f32.resolve("weights.safetensors"))) writeF32(f32, rows, dim);
        if (!Files.exists(dir.resolve("weights.safetensors"))) TableForms.rewrite(f32, dir, form, false);
        return dir;
    }

    /**
     * One history field gathered from table t ([rows, dim], N(0, 0.1)); a tiny head so that the model is valid. The
     * history is max-pooled: a sum pooling would let SIMD fuse the F32 gather into it and bind the measured
     * embedding to nothing ({@code SimdGatherPool}).
     */
    private static void writeF32(Path dir, int rows, int dim) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("model.json"), """
                {"format_version": 1,
                 "tables": {"t": {"tensor": "emb.t", "rows": %d, "dim": %d}},
                 "fields": {"history": {"max_length": %d, "fields": [{"name": "h", "table": "t"}]},
                            "candidate": [{"name": "c", "table": "t"}]},
                 "graph": [{"op": "embedding", "out": "eh", "field": "h"},
                           {"op": "max_pool", "out": "p", "in": "eh"},
                           {"op": "embedding", "out": "ec", "field": "c"},
                           {"op": "mul", "out": "m", "in": ["p", "ec"]},
                           {"op": "dense", "out": "y", "in": "m", "weight": "w"}],
                 "output": {"in": "y", "type": "sigmoid"}}
                """.formatted(rows, dim, T));
        try (Arena a = Arena.ofConfined()) {
            long n = (long) rows * dim;
            MemorySegment t = a.allocate(4 * n, 64);
            SplittableRandom r = new SplittableRandom(3);
            for (long k = 0; k < n; k++) t.setAtIndex(Table.F32, k, (float) (r.nextGaussian() * 0.1));
            MemorySegment w = a.allocate(4L * dim, 64);
            for (int k = 0; k < dim; k++) w.setAtIndex(Table.F32, k, (float) (r.nextGaussian() * 0.1));
            SafeTensors.write(dir.resolve("weights.safetensors"), List.of(
                    new SafeTensors.Blob("emb.t", SafeTensors.DType.F32, new long[]{rows, dim}, t),
                    new SafeTensors.Blob("w", SafeTensors.DType.F32, new long[]{1, dim}, w)));
        }
    }
}
