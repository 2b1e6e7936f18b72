package io.interestengine.bench.jmh;

import io.interestengine.internal.Internals;
import io.interestengine.Backends;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.bench.StandardModels;
import io.interestengine.bench.Workloads;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
import io.interestengine.graph.AttentionOp;
import io.interestengine.graph.DenseOp;
import io.interestengine.graph.EmbeddingOp;
import io.interestengine.graph.GruOp;
import io.interestengine.graph.MimnOp;
import io.interestengine.graph.MimnReadOp;
import io.interestengine.graph.PoolOp;
import io.interestengine.graph.Scope;
import io.interestengine.graph.Value;
import io.interestengine.spi.Backend;
import io.interestengine.spi.DeviceModel;
import io.interestengine.spi.DeviceSession;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.PlanLayout;
import java.util.HashMap;
import java.util.Map;
import io.interestengine.spi.Step;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Each op alone, bound through the backend SPI on a workspace of its own, on the ranking workload (one user,
 * N = 200 candidates, a full history) and the batch workload (B = 200 samples, lengths in [1, T]): from the
 * standard DIN (T = 100) the embedding gather of a history, masked sum pooling, the MLP's first two dense
 * layers and attention; from the bundled DIEN (T = 100) the interest extractor GRU and the AUGRU; from the
 * bundled MIMN (T = 50) the memory network over the history and the read for each candidate. The inputs are
 * Gaussian (attention weights uniform in [0, 1]); a MIMN read's state input is then an arbitrary finite state.
 * {@link #flops} gives the floating-point work each performs, for GFLOP/s against {@link FmaPeak}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@org.openjdk.jmh.annotations.State(org.openjdk.jmh.annotations.Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OpBench {
    @Param({"embedding", "pool", "fc1", "fc2", "attention", "gru", "augru", "mimn", "mimn_read"})
    public String op;
    @Param({"scalar", "simd"})
    public String backend;
    @Param({"ranking", "batch"})
    public String workload;

    private Path dir;
    private Model model;
    private DeviceModel dm;
    private DeviceSession ds;
    private Step step;
    private int users, cands;

    /** The graph value each op writes. */
    static String outName(String op) {
        return switch (op) {
            case "embedding" -> "h_mid";
            case "pool" -> "his_sum";
            case "fc1", "fc2", "attention" -> op.equals("attention") ? "att" : op;
            case "gru" -> "ext";
            case "augru" -> "interest";
            case "mimn" -> "mimn_state";
            case "mimn_read" -> "read_out";
            default -> throw new IllegalArgumentException("op " + op);
        };
    }

    /** The model each op is taken from: DIEN's interest extractor GRU and AUGRU, MIMN's memory and read. */
    static String modelOf(String op) {
        return switch (op) {
            case "gru", "augru" -> "dien";
            case "mimn", "mimn_read" -> "mimn";
            default -> "din";
        };
    }

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("ie-opbench");
        model = Model.load(StandardModels.model(dir, modelOf(op), 42), LoadOptions.defaults().withBackend("scalar"));
        ModelGraph g = Internals.graph(model);
        Op target = g.ops().stream().filter(o -> o.out().name().equals(outName(op))).findFirst().orElseThrow();
        if (target instanceof GruOp gr && (gr.cell().in() != DIEN_GRU_IN || gr.cell().hidden() != DIEN_GRU_HIDDEN || g.sequences().get(0).maxLength() != StandardModels.T)) {
            throw new IllegalStateException("models/dien's " + op + " is " + gr.cell().in() + "→" + gr.cell().hidden() + " over T = " + g.sequences().get(0).maxLength()
                    + ", but flops() counts " + DIEN_GRU_IN + "→" + DIEN_GRU_HIDDEN + " over " + StandardModels.T + ": update the constants");
        }
        boolean ranking = workload.equals("ranking");
        int T = g.sequences().get(0).maxLength();
        users = ranking ? 1 : Workloads.B;
        cands = ranking ? Workloads.N : Workloads.B;
        // Workspace: every input of the op, then its output; ints: ids [users·T], lengths [users], row map [cands].
        int off = 0;
        int[] inOff = new int[target.inputs().size()];
        for (int k = 0; k < inOff.length; k++) {
            inOff[k] = off;
            off += capacity(target.inputs().get(k));
        }
        int outOff = off;
        int[] outs = new int[target.outputs().size()];
        for (int k = 0; k < outs.length; k++) {
            outs[k] = off;
            off += capacity(target.outputs().get(k));
        }
        int idsOff = 0, lengthsOff = users * T, rowMapOff = lengthsOff + users, ints = rowMapOff + cands;
        Map<String, Integer> offs = new HashMap<>();
        for (int k = 0; k < inOff.length; k++) offs.put(target.inputs().get(k).name(), inOff[k]);
        for (int k = 0; k < outs.length; k++) offs.put(target.outputs().get(k).name(), outs[k]);
        // the values of the ops reading the output: SIMD writes an embedding read by one concatenation straight into it
        for (Op o : g.ops()) {
            if (o.inputs().contains(target.out()) && !offs.containsKey(o.out().name())) {
                offs.put(o.out().name(), off);
                off += capacity(o.out());
            }
        }
        Bindings bind = new FixedBindings(g, v -> offs.get(v.name()), idsOff, lengthsOff, rowMapOff, users, cands);
        PlanLayout layout = new PlanLayout(g, off, ints, ints, users, cands, bind);
        Backend b = Backends.registered().stream().filter(x -> x.name().equals(backend)).findFirst().orElseThrow();
        b.probe();
        dm = b.load(g, LoadOptions.defaults());
        ds = dm.openSession(layout);
        SplittableRandom r = new SplittableRandom(5);
        float[] f = ds.stagingFloats();
        for (int k = 0; k < off; k++) f[k] = (float) (r.nextGaussian() * 0.5);
        // attention weights (AUGRU's second input) in [0, 1], as softmax outputs are
        if (target instanceof GruOp gr && gr.attention() != null) {
            for (int k = inOff[1]; k < inOff[1] + capacity(gr.attention()); k++) f[k] = (float) r.nextDouble();
        }
        int[] in = ds.stagingInts();
        int[] lens = ranking ? new int[]{T} : Workloads.batchLengths(users, T, 7);
        for (int k = 0; k < users * T; k++) in[idsOff + k] = r.nextInt(StandardModels.ITEMS);
        System.arraycopy(lens, 0, in, lengthsOff, users);
        for (int c = 0; c < cands; c++) in[rowMapOff + c] = ranking ? 0 : c;
        ds.upload(ints, 0, off);
        step = ds.bind(target, bind);
    }

    private int capacity(Value v) {
        return (v.scope() == Scope.USER ? users : cands) * v.rowSize();
    }

    @Benchmark
    public void run() {
        step.run(users, cands);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        ds.close();
        dm.close();
        model.close();
        Cleanup.delete(dir);
    }

    /** The bundled DIEN's GRU sizes (input, hidden), checked at setup against the model. */
    static final int DIEN_GRU_IN = 36, DIEN_GRU_HIDDEN = 36;

    /**
     * Floating-point operations of one run (an FMA counts 2): {@code performed} as the SIMD kernels compute
     * (attention with its first layer split and padded positions skipped), {@code definition} as the op is
     * defined (attention's MLP over {@code [q, k, q−k, q⊙k]} at every real position). Null for the data-movement ops.
     */
    public static double[] flops(String op, String workload) {
        boolean ranking = workload.equals("ranking");
        int T = StandardModels.T, d = 2 * StandardModels.DIM, h1 = StandardModels.ATTENTION[0], h2 = StandardModels.ATTENTION[1];
        int rows = ranking ? Workloads.N : Workloads.B;
        int in1 = StandardModels.DIM + 4 * d;
        return switch (op) {
            case "fc1" -> new double[]{2.0 * rows * in1 * StandardModels.MLP[0], 2.0 * rows * in1 * StandardModels.MLP[0]};
            case "fc2" -> new double[]{2.0 * rows * StandardModels.MLP[0] * StandardModels.MLP[1], 2.0 * rows * StandardModels.MLP[0] * StandardModels.MLP[1]};
            case "attention" -> {
                int[] lens = ranking ? null : Workloads.batchLengths(rows, T, 7);
                double perf = 0, def = 0;
                for (int r = 0; r < rows; r++) {
                    int len = ranking ? T : lens[r];
                    double mlpTail = 2.0 * len * (h1 * h2 + h2);
                    double query = 2.0 * d * h1 + d * h1;
                    double keySide = ranking ? (r == 0 ? 2.0 * T * d * h1 : 0) : 2.0 * len * d * h1;
                    perf += keySide + query + 2.0 * len * d * h1 + mlpTail + 2.0 * T * d;
                    def += 2.0 * len * 4 * d * h1 + mlpTail + 2.0 * T * d;
                }
                yield new double[]{perf, def};
            }
            case "gru", "augru" -> {
                // per real step of a row: the three gate blocks over [x, h], 2·3H·(W + H); AUGRU over a ranking
                // request's shared history computes the input side once (T steps) instead of once per candidate
                int W = DIEN_GRU_IN, H = DIEN_GRU_HIDDEN, gruRows = op.equals("gru") && ranking ? 1 : rows;
                int[] lens = ranking ? null : Workloads.batchLengths(gruRows, T, 7);
                double def = 0;
                for (int r = 0; r < gruRows; r++) def += 2.0 * (ranking ? T : lens[r]) * 3 * H * (W + H);
                double perf = op.equals("augru") && ranking ? 2.0 * T * 3 * H * W + gruRows * 2.0 * T * 3 * H * H : def;
                yield new double[]{perf, def};
            }
            default -> null;
        };
    }
}
