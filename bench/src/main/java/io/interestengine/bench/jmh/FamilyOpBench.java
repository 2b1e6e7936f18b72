package io.interestengine.bench.jmh;

import io.interestengine.Backends;
import io.interestengine.LoadOptions;
import io.interestengine.bench.Workloads;
import io.interestengine.graph.Activation;
import io.interestengine.graph.AfmOp;
import io.interestengine.graph.CrossMixOp;
import io.interestengine.graph.FlattenOp;
import io.interestengine.graph.InnerProductOp;
import io.interestengine.graph.OuterProductOp;
import io.interestengine.graph.ReduceSumOp;
import io.interestengine.graph.ResidualOp;
import io.interestengine.graph.SumOp;
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
 * fields of k = 10 (xDeepFM); {@code self_attention} 3 layers, 2 heads, residual, over 26 fields of d = 16 (AutoInt);
 * {@code bi_interaction} over 26 fields of k = 10 (NFM); {@code inner_product} (reduced) and {@code outer_product}
 * with kernel mat, vec and num over 26 fields of k = 10 (PNN, 325 pairs); {@code afm} over 26 fields of k = 10 with
 * DeepCTR-Torch's default attention factor 4 (AFM without the attention net is exported as {@code fm});
 * {@code cross_mix} 2 layers, 4 experts of rank 32 on d = 429 (DCNMix's defaults); {@code residual} one unit
 * 429→256→429 (Deep Crossing); {@code sum} the linear part's 26 one-wide logits (13 per user);
 * {@code reduce_sum} of a 500-wide row (I-AutoRec's hidden layer times the item's decoder row); {@code flatten}
 * a 50 × 16 sequence (a plain copy on both backends). Inputs and weights are Gaussian.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@org.openjdk.jmh.annotations.State(org.openjdk.jmh.annotations.Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FamilyOpBench {
    @Param({"fm", "bi_interaction", "inner_product", "outer_product_mat", "outer_product_vec", "outer_product_num",
            "afm", "cross_matrix", "cross_vector", "cross_mix", "cin", "self_attention", "residual", "sum",
            "reduce_sum", "flatten"})
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

    static final int K = 10, PAIRS = FIELDS * (FIELDS - 1) / 2, D = FIELDS * 16 + DENSE;

    static Layer layer(String name, SplittableRandom r, int in, int out, Activation act) {
        return new Layer(name, in, out, rnd(r, 1 / Math.sqrt(in), in * out), rnd(r, 0.1, out), act);
    }

    static Op build(String op, SplittableRandom r) {
        switch (op) {
            case "fm" -> {
                return new FmOp(Value.vector("y", Scope.CANDIDATE, 1), fields(K), false);
            }
            case "bi_interaction" -> {
                return new FmOp(Value.vector("y", Scope.CANDIDATE, K), fields(K), true);
            }
            case "inner_product" -> {
                return new InnerProductOp(Value.vector("y", Scope.CANDIDATE, PAIRS), fields(K), true);
            }
            case "outer_product_mat", "outer_product_vec", "outer_product_num" -> {
                String type = op.substring(op.lastIndexOf('_') + 1).toUpperCase();
                OuterProductOp.KernelType t = OuterProductOp.KernelType.valueOf(type);
                int n = switch (t) {
                    case MAT -> K * PAIRS * K;
                    case VEC -> PAIRS * K;
                    case NUM -> PAIRS;
                };
                return new OuterProductOp(Value.vector("y", Scope.CANDIDATE, PAIRS), fields(K), t, rnd(r, 0.3, n));
            }
            case "afm" -> {
                int a = 4;
                return new AfmOp(Value.vector("y", Scope.CANDIDATE, 1), fields(K), a, rnd(r, 0.3, K * a),
                        rnd(r, 0.1, a), rnd(r, 0.5, a), rnd(r, 0.3, K));
            }
            case "cross_mix" -> {
                int L = 2, E = 4, R = 32;
                return new CrossMixOp(Value.vector("y", Scope.CANDIDATE, D), Value.vector("x0", Scope.CANDIDATE, D),
                        L, E, R, rnd(r, 1 / Math.sqrt(R), L * E * D * R), rnd(r, 1 / Math.sqrt(D), L * E * D * R),
                        rnd(r, 1 / Math.sqrt(R), L * E * R * R), rnd(r, 1 / Math.sqrt(D), E * D), rnd(r, 0.1, L * D));
            }
            case "residual" -> {
                int h = 256;
                return new ResidualOp(Value.vector("y", Scope.CANDIDATE, D), Value.vector("x0", Scope.CANDIDATE, D),
                        layer("res.inner", r, D, h, new Activation.Relu()),
                        layer("res.outer", r, h, D, Activation.LINEAR));
            }
            case "sum" -> {
                return new SumOp(Value.vector("y", Scope.CANDIDATE, 1), fields(1));
            }
            case "reduce_sum" -> {
                return new ReduceSumOp(Value.vector("y", Scope.CANDIDATE, 1), Value.vector("x", Scope.CANDIDATE, 500));
            }
            case "flatten" -> {
                return new FlattenOp(Value.vector("y", Scope.CANDIDATE, 50 * 16),
                        Value.sequence("x", Scope.CANDIDATE, 50, 16, null));
            }
            case "cross_matrix", "cross_vector" -> {
                int d = D, L = 3;
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
        int rowMapOff = 0, ints = cands;
        Bindings bind = new FixedBindings(g, v -> offs.get(v.name()), 0, 0, rowMapOff, users, cands);
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
