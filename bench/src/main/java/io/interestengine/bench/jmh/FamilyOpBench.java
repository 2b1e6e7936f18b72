package io.interestengine.bench.jmh;

import io.interestengine.Backends;
import io.interestengine.LoadOptions;
import io.interestengine.bench.Workloads;
import io.interestengine.graph.Activation;
import io.interestengine.graph.CinOp;
import io.interestengine.graph.CrossOp;
import io.interestengine.graph.Field;
import io.interestengine.graph.FmOp;
import io.interestengine.graph.Layer;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
import io.interestengine.graph.Scope;
import io.interestengine.graph.SelfAttentionOp;
import io.interestengine.graph.SequenceGroup;
import io.interestengine.graph.Value;
import io.interestengine.spi.Backend;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.DeviceModel;
import io.interestengine.spi.DeviceSession;
import io.interestengine.spi.PlanLayout;
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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The deep recommendation family's ops alone at standard sizes, bound through the backend SPI like {@link OpBench}
 * on the ranking workload (one user, N = 200 candidates; the user fields are the first 13 of 26) and the batch
 * workload (B = 200 samples): {@code fm} over 26 fields of k = 10 (DeepFM on Criteo); {@code cross} matrix and
 * vector, 3 layers on d = 26·16 + 13 = 429 (DCN); {@code cin} layer sizes (128, 128), split half, relu, over 26
 * fields of k = 10 (xDeepFM); {@code self_attention} 3 layers, 2 heads, residual, over 26 fields of d = 16 (AutoInt).
 * Inputs and weights are Gaussian.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@org.openjdk.jmh.annotations.State(org.openjdk.jmh.annotations.Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FamilyOpBench {
    @Param({"fm", "cross_matrix", "cross_vector", "cin", "self_attention"})
    public String op;
    @Param({"scalar", "simd"})
    public String backend;
    @Param({"ranking", "batch"})
    public String workload;

    private DeviceModel dm;
    private DeviceSession ds;
    private Step step;
    private int users, cands;

    static final int FIELDS = 26, USER_FIELDS = 13, DENSE = 13;

    static float[] rnd(SplittableRandom r, double std, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * std);
        return a;
    }

    static List<Value> fields(int k) {
        List<Value> v = new ArrayList<>();
        for (int i = 0; i < FIELDS; i++) v.add(Value.vector("f" + i, i < USER_FIELDS ? Scope.USER : Scope.CANDIDATE, k));
        return v;
    }

    static Op build(String op, SplittableRandom r) {
        switch (op) {
            case "fm" -> {
                return new FmOp(Value.vector("y", Scope.CANDIDATE, 1), fields(10), false);
            }
            case "cross_matrix", "cross_vector" -> {
                int d = FIELDS * 16 + DENSE, L = 3;
                boolean m = op.equals("cross_matrix");
                return new CrossOp(Value.vector("y", Scope.CANDIDATE, d), Value.vector("x0", Scope.CANDIDATE, d), m, L,
                        rnd(r, 1 / Math.sqrt(d), L * d * (m ? d : 1)), rnd(r, 0.1, L * d));
            }
            case "cin" -> {
                int m = FIELDS, h = m, width = 0;
                int[] sizes = {128, 128};
                List<Layer> layers = new ArrayList<>();
                for (int i = 0; i < sizes.length; i++) {
                    layers.add(new Layer("c" + i, h * m, sizes[i], rnd(r, 1 / Math.sqrt(h * m), sizes[i] * h * m), rnd(r, 0.1, sizes[i]),
                            new Activation.Relu()));
                    boolean last = i == sizes.length - 1;
                    h = last ? sizes[i] : sizes[i] / 2;
                    width += h;
                }
                return new CinOp(Value.vector("y", Scope.CANDIDATE, width), fields(10), true, layers);
            }
            case "self_attention" -> {
                int d = 16;
                List<SelfAttentionOp.Weights> w = new ArrayList<>();
                for (int l = 0; l < 3; l++) {
                    w.add(new SelfAttentionOp.Weights(rnd(r, 0.25, d * d), rnd(r, 0.25, d * d), rnd(r, 0.25, d * d), rnd(r, 0.25, d * d)));
                }
                return new SelfAttentionOp(Value.vector("y", Scope.CANDIDATE, FIELDS * d), fields(d), 2, false, w);
            }
            default -> throw new IllegalArgumentException("op " + op);
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom r = new SplittableRandom(42);
        Op target = build(op, r);
        ModelGraph g = new ModelGraph("family_op_bench", "", "", 2, Map.of(), List.<Field>of(), List.<SequenceGroup>of(), Map.of(),
                List.of(target), null);
        boolean ranking = workload.equals("ranking");
        users = ranking ? 1 : Workloads.B;
        cands = ranking ? Workloads.N : Workloads.B;
        Map<String, Integer> offs = new HashMap<>();
        int off = 0;
        for (Value v : target.inputs()) {
            offs.put(v.name(), off);
            off += (v.scope() == Scope.USER ? users : cands) * v.rowSize();
        }
        int inputs = off;
        offs.put(target.out().name(), off);
        off += cands * target.out().rowSize();
        int rowMapOff = 0, ints = cands, maxU = users, maxC = cands;
        Bindings bind = new Bindings() {
            public ModelGraph graph() {
                return g;
            }

            public int off(Value v) {
                return offs.get(v.name());
            }

            public int idsOff(Field f) {
                return 0;
            }

            public int lengthsOff(SequenceGroup s) {
                return 0;
            }

            public int rowMapOff() {
                return rowMapOff;
            }

            public int maxRows(Scope s) {
                return s == Scope.USER ? maxU : maxC;
            }
        };
        PlanLayout layout = new PlanLayout(g, off, ints, ints, users, cands, bind);
        Backend b = Backends.registered().stream().filter(x -> x.name().equals(backend)).findFirst().orElseThrow();
        b.probe();
        dm = b.load(g, LoadOptions.defaults());
        ds = dm.openSession(layout);
        float[] f = ds.stagingFloats();
        for (int k = 0; k < inputs; k++) f[k] = (float) (r.nextGaussian() * 0.5);
        int[] in = ds.stagingInts();
        for (int c = 0; c < cands; c++) in[rowMapOff + c] = ranking ? 0 : c;
        ds.upload(ints, 0, off);
        step = ds.bind(target, bind);
    }

    @Benchmark
    public void run() {
        step.run(users, cands);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ds.close();
        dm.close();
    }
}
