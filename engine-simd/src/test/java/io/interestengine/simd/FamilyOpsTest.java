package io.interestengine.simd;

import io.interestengine.graph.Activation;
import io.interestengine.graph.AfmOp;
import io.interestengine.graph.CinOp;
import io.interestengine.graph.CrossMixOp;
import io.interestengine.graph.CrossOp;
import io.interestengine.graph.FlattenOp;
import io.interestengine.graph.FmOp;
import io.interestengine.graph.InnerProductOp;
import io.interestengine.graph.Layer;
import io.interestengine.graph.Op;
import io.interestengine.graph.OuterProductOp;
import io.interestengine.graph.ReduceSumOp;
import io.interestengine.graph.ResidualOp;
import io.interestengine.graph.Scope;
import io.interestengine.graph.SelfAttentionOp;
import io.interestengine.graph.SumOp;
import io.interestengine.graph.Value;
import io.interestengine.spi.DeviceSession;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The deep recommendation family's ops on SIMD against the reference kernels, and the reference kernels against
 * a double-precision re-computation written here from the formulas of docs/FORMAT.md (so a wrong index or layout in
 * the reference fails too). Field counts 2, 3, 7 and widths 1, 3, 8, 13, 17, 33 hit every lane tail at 128, 256 and
 * 512 bits; each case runs as a ranking request (user and candidate fields mixed, one user), a batch (users =
 * candidates, identity row map), two users with an interleaved row map, and all-user fields (user-scope output),
 * and the first three again with 37 rows, so that kernels vectorised across rows hit full blocks and every row tail.
 *
 * <p>Tolerances: inputs are N(0, 1) and weights N(0, 1/fan-in), so every output is a sum of at most a few thousand
 * terms of magnitude O(1)–O(10). Reordered fp32 sums (lanes, GEMM tiles, the user/candidate split, the split
 * softmax) differ from the reference by at most n·2⁻²⁴·Σ|terms|; {@link #TOL} (1e-4 + 1e-4·|x|) covers that with a
 * margin of ~10 at these sizes, and is far below what a wrong index produces (O(1)). Sum and flatten keep the
 * reference's order and are compared exactly. Against the double re-computation the reference itself carries
 * fp32 rounding of the same order, so the same tolerance holds.
 */
class FamilyOpsTest {
    private static final int[] WIDTHS = {1, 3, 8, 13, 17, 33};
    private static final int[] FIELDS = {2, 3, 7};
    private static final Arenas.Tol TOL = Arenas.rel(1e-4, 1e-4);

    /** Users, candidates and row map of one request shape. */
    record Shape(String name, int users, int cands, int[] rowMap, boolean allUser) {
    }

    private static final Shape[] SHAPES = {
            new Shape("ranking", 1, 5, new int[]{0, 0, 0, 0, 0}, false),
            new Shape("batch", 4, 4, new int[]{0, 1, 2, 3}, false),
            new Shape("two users", 2, 5, new int[]{0, 1, 1, 0, 1}, false),
            new Shape("user only", 3, 3, new int[]{0, 1, 2}, true),
            // 37 rows: kernels that vector across rows (or block them by 4) run full blocks and a tail at every width
            new Shape("ranking 37", 1, 37, rowMap(37, 1), false),
            new Shape("batch 37", 37, 37, rowMap(37, 37), false),
            new Shape("three users 37", 3, 37, rowMap(37, 3), false),
    };

    /** Row r's user: r itself when there are as many users as rows, else users interleaved unevenly. */
    private static int[] rowMap(int rows, int users) {
        int[] m = new int[rows];
        for (int r = 0; r < rows; r++) m[r] = users == rows ? r : (r * 7 + r / 5) % users;
        return m;
    }

    /** The fields of a case: field i is user scope when {@code i % 3 == 1} (or always, in the user-only shape). */
    static List<Value> fields(int F, int k, Shape s) {
        List<Value> v = new ArrayList<>();
        for (int i = 0; i < F; i++) v.add(Value.vector("x" + i, s.allUser || i % 3 == 1 ? Scope.USER : Scope.CANDIDATE, k));
        return v;
    }

    static Scope scopeOf(List<Value> in) {
        for (Value v : in) if (v.scope() == Scope.CANDIDATE) return Scope.CANDIDATE;
        return Scope.USER;
    }

    static float[] rnd(Random r, double std, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * std);
        return a;
    }

    /** Binds one op on both sessions at the same offsets, runs both, compares them and checks the reference. */
    interface Reference {
        /** Expected output row {@code r} from the inputs (read through {@code in}). */
        double[] row(Inputs in, int r);
    }

    /** The inputs of one output row as doubles, user-scope ones through the row map. */
    record Inputs(float[] f, List<Value> vals, int[] offs, Shape shape, Scope out) {
        double[] get(int idx, int r) {
            Value v = vals.get(idx);
            int row = v.scope() == Scope.USER && out == Scope.CANDIDATE ? shape.rowMap[r] : r;
            double[] d = new double[v.rowSize()];
            for (int j = 0; j < d.length; j++) d[j] = f[offs[idx] + row * v.rowSize() + j];
            return d;
        }
    }

    /**
     * Arena offsets of {@code op}'s inputs, one after another from float 3 (so that a kernel writing before its
     * value shows), and at the end the first float after them.
     */
    static int[] inputOffsets(Op op, int users, int cands) {
        List<Value> in = op.inputs();
        int[] offs = new int[in.size() + 1];
        int off = 3;
        for (int i = 0; i < in.size(); i++) {
            offs[i] = off;
            off += (in.get(i).scope() == Scope.USER ? users : cands) * in.get(i).rowSize();
        }
        offs[in.size()] = off;
        return offs;
    }

    static void check(String what, Op op, Shape s, Reference ref, boolean exact, long seed) {
        List<Value> in = op.inputs();
        int[] offs = inputOffsets(op, s.users(), s.cands());
        int off = offs[in.size()];
        Value out = op.out();
        int outOff = off + 1, outRows = out.scope() == Scope.USER ? s.users : s.cands;
        int floats = outOff + outRows * out.width() + 5;
        try (Arenas a = new Arenas(0, false, floats, s.rowMap.length + 2, s.users, s.cands, seed, 1, op)) {
            a.ints(1, s.rowMap);
            for (DeviceSession ds : new DeviceSession[]{a.scalar, a.simd}) {
                Arenas.At at = a.new At().v(out, outOff).rowMap(1);
                for (int i = 0; i < in.size(); i++) at.v(in.get(i), offs[i]);
                ds.bind(op, at).run(s.users, s.cands);
            }
            String w = what + " (" + s.name + ")";
            a.assertClose(w + " SIMD vs scalar", exact ? Arenas.exact() : TOL);
            float[] f = a.scalarF();
            Inputs inputs = new Inputs(f, in, offs, s, out.scope());
            for (int r = 0; r < outRows; r++) {
                double[] e = ref.row(inputs, r);
                for (int j = 0; j < e.length; j++) {
                    double got = f[outOff + r * out.width() + j];
                    if (!(Math.abs(got - e[j]) <= 1e-4 + 1e-4 * Math.abs(e[j]))) {
                        fail(w + ": reference kernel row " + r + " [" + j + "] is " + got + ", the formula gives " + e[j]);
                    }
                }
            }
        }
    }

    static double dot(double[] a, int ao, double[] b, int bo, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    @Test
    void sumReduceSumAndFlatten() {
        Random r = new Random(1);
        for (Shape s : SHAPES) {
            for (int w : WIDTHS) {
                for (int n : new int[]{1, 3}) {
                    List<Value> in = fields(Math.max(n, 2), w, s).subList(0, n);
                    SumOp op = new SumOp(Value.vector("y", scopeOf(in), w), in);
                    check("sum n=" + n + " w=" + w, op, s, (x, row) -> {
                        double[] y = new double[w];
                        for (int i = 0; i < n; i++) {
                            double[] v = x.get(i, row);
                            for (int j = 0; j < w; j++) y[j] += v[j];
                        }
                        return y;
                    }, true, r.nextLong());
                }
                Value v = fields(2, w, s).get(0);
                check("reduce_sum w=" + w, new ReduceSumOp(Value.vector("y", v.scope(), 1), v), s, (x, row) -> {
                    double t = 0;
                    for (double e : x.get(0, row)) t += e;
                    return new double[]{t};
                }, false, r.nextLong());
                Value seq = Value.sequence("sq", v.scope(), 3, w, null);
                check("flatten w=" + w, new FlattenOp(Value.vector("y", v.scope(), 3 * w), seq), s, (x, row) -> x.get(0, row), true, r.nextLong());
            }
        }
    }

    @Test
    void fmAndBiInteraction() {
        Random r = new Random(2);
        for (Shape s : SHAPES) {
            for (int F : FIELDS) {
                for (int k : WIDTHS) {
                    List<Value> in = fields(F, k, s);
                    for (boolean bi : new boolean[]{false, true}) {
                        FmOp op = new FmOp(Value.vector("y", scopeOf(in), bi ? k : 1), in, bi);
                        check((bi ? "bi_interaction" : "fm") + " F=" + F + " k=" + k, op, s, (x, row) -> {
                            double[] y = new double[bi ? k : 1];
                            for (int c = 0; c < k; c++) {
                                double sum = 0, sq = 0;
                                for (int i = 0; i < F; i++) {
                                    double v = x.get(i, row)[c];
                                    sum += v;
                                    sq += v * v;
                                }
                                y[bi ? c : 0] += 0.5 * (sum * sum - sq);
                            }
                            return y;
                        }, false, r.nextLong());
                    }
                }
            }
        }
    }

    @Test
    void innerAndOuterProducts() {
        Random r = new Random(3);
        for (Shape s : SHAPES) {
            for (int F : FIELDS) {
                for (int k : WIDTHS) {
                    List<Value> in = fields(F, k, s);
                    int P = F * (F - 1) / 2;
                    for (boolean reduce : new boolean[]{true, false}) {
                        InnerProductOp op = new InnerProductOp(Value.vector("y", scopeOf(in), reduce ? P : P * k), in, reduce);
                        check("inner_product F=" + F + " k=" + k + " reduce=" + reduce, op, s, (x, row) -> {
                            double[] y = new double[reduce ? P : P * k];
                            int p = 0;
                            for (int i = 0; i < F; i++) {
                                for (int j = i + 1; j < F; j++, p++) {
                                    double[] a = x.get(i, row), b = x.get(j, row);
                                    for (int c = 0; c < k; c++) y[reduce ? p : p * k + c] += a[c] * b[c];
                                }
                            }
                            return y;
                        }, false, r.nextLong());
                    }
                    for (OuterProductOp.KernelType t : OuterProductOp.KernelType.values()) {
                        float[] K = rnd(r, 1 / Math.sqrt(k), switch (t) {
                            case MAT -> k * P * k;
                            case VEC -> P * k;
                            case NUM -> P;
                        });
                        OuterProductOp op = new OuterProductOp(Value.vector("y", scopeOf(in), P), in, t, K);
                        check("outer_product " + t + " F=" + F + " k=" + k, op, s, (x, row) -> {
                            double[] y = new double[P];
                            int p = 0;
                            for (int i = 0; i < F; i++) {
                                for (int j = i + 1; j < F; j++, p++) {
                                    double[] a = x.get(i, row), b = x.get(j, row);
                                    for (int c = 0; c < k; c++) {
                                        switch (t) {
                                            case MAT -> {
                                                for (int e = 0; e < k; e++) y[p] += b[c] * K[(c * P + p) * k + e] * a[e];
                                            }
                                            case VEC -> y[p] += a[c] * b[c] * K[p * k + c];
                                            case NUM -> y[p] += a[c] * b[c] * K[p];
                                        }
                                    }
                                }
                            }
                            return y;
                        }, false, r.nextLong());
                    }
                }
            }
        }
    }

    @Test
    void afm() {
        Random r = new Random(4);
        // one field too: no pair, the attention-weighted sum is empty
        int[] fields = java.util.stream.IntStream.concat(java.util.stream.IntStream.of(1), Arrays.stream(FIELDS))
                .toArray();
        for (Shape s : SHAPES) {
            for (int F : fields) {
                for (int k : WIDTHS) {
                    for (int A : new int[]{1, 5, 17}) {
                        List<Value> in = fields(F, k, s);
                        float[] W = rnd(r, 1 / Math.sqrt(k), k * A), b = rnd(r, 0.3, A), h = rnd(r, 1 / Math.sqrt(A), A), pp = rnd(r, 1, k);
                        AfmOp op = new AfmOp(Value.vector("y", scopeOf(in), 1), in, A, W, b, h, pp);
                        int P = F * (F - 1) / 2;
                        check("afm F=" + F + " k=" + k + " a=" + A, op, s, (x, row) -> {
                            double[][] bp = new double[P][k];
                            double[] l = new double[P];
                            int p = 0;
                            for (int i = 0; i < F; i++) {
                                for (int j = i + 1; j < F; j++, p++) {
                                    for (int c = 0; c < k; c++) bp[p][c] = x.get(i, row)[c] * x.get(j, row)[c];
                                    for (int a = 0; a < A; a++) {
                                        double t = b[a];
                                        for (int c = 0; c < k; c++) t += bp[p][c] * W[c * A + a];
                                        l[p] += Math.max(0, t) * h[a];
                                    }
                                }
                            }
                            double max = Double.NEGATIVE_INFINITY, z = 0, o = 0;
                            for (double v : l) max = Math.max(max, v);
                            for (double v : l) z += Math.exp(v - max);
                            for (int q = 0; q < P; q++) for (int c = 0; c < k; c++) o += Math.exp(l[q] - max) / z * bp[q][c] * pp[c];
                            return new double[]{o};
                        }, false, r.nextLong());
                    }
                }
            }
        }
    }

    @Test
    void crossAndCrossMix() {
        Random r = new Random(5);
        for (Shape s : SHAPES) {
            if (s.allUser) continue;
            for (int d : WIDTHS) {
                Value x0 = Value.vector("x0", Scope.CANDIDATE, d);
                for (boolean matrix : new boolean[]{false, true}) {
                    int L = 3;
                    float[] K = rnd(r, 1 / Math.sqrt(d), L * d * (matrix ? d : 1)), B = rnd(r, 0.1, L * d);
                    CrossOp op = new CrossOp(Value.vector("y", Scope.CANDIDATE, d), x0, matrix, L, K, B);
                    check("cross " + (matrix ? "matrix" : "vector") + " d=" + d, op, s, (x, row) -> {
                        double[] a = x.get(0, row), xl = a.clone();
                        for (int l = 0; l < L; l++) {
                            double[] nx = new double[d];
                            if (matrix) {
                                for (int i = 0; i < d; i++) {
                                    double t = B[l * d + i];
                                    for (int j = 0; j < d; j++) t += K[(l * d + i) * d + j] * xl[j];
                                    nx[i] = a[i] * t + xl[i];
                                }
                            } else {
                                double t = 0;
                                for (int j = 0; j < d; j++) t += xl[j] * K[l * d + j];
                                for (int i = 0; i < d; i++) nx[i] = a[i] * t + B[l * d + i] + xl[i];
                            }
                            xl = nx;
                        }
                        return xl;
                    }, false, r.nextLong());
                }
                int L = 2, E = 3, R = 4;
                float[] U = rnd(r, 0.5, L * E * d * R), V = rnd(r, 1 / Math.sqrt(d), L * E * d * R), C = rnd(r, 0.5, L * E * R * R);
                float[] G = rnd(r, 1 / Math.sqrt(d), E * d), B = rnd(r, 0.1, L * d);
                CrossMixOp op = new CrossMixOp(Value.vector("y", Scope.CANDIDATE, d), x0, L, E, R, U, V, C, G, B);
                check("cross_mix d=" + d, op, s, (x, row) -> {
                    double[] a = x.get(0, row), xl = a.clone();
                    for (int l = 0; l < L; l++) {
                        double[] g = new double[E], nx = xl.clone();
                        double[][] o = new double[E][d];
                        for (int e = 0; e < E; e++) {
                            int le = l * E + e;
                            for (int j = 0; j < d; j++) g[e] += G[e * d + j] * xl[j];
                            double[] v = new double[R], cv = new double[R];
                            for (int q = 0; q < R; q++) {
                                for (int j = 0; j < d; j++) v[q] += V[(le * d + j) * R + q] * xl[j];
                                v[q] = Math.tanh(v[q]);
                            }
                            for (int q = 0; q < R; q++) {
                                for (int j = 0; j < R; j++) cv[q] += C[(le * R + q) * R + j] * v[j];
                                cv[q] = Math.tanh(cv[q]);
                            }
                            for (int i = 0; i < d; i++) {
                                double u = 0;
                                for (int q = 0; q < R; q++) u += U[(le * d + i) * R + q] * cv[q];
                                o[e][i] = a[i] * (u + B[l * d + i]);
                            }
                        }
                        double max = Double.NEGATIVE_INFINITY, z = 0;
                        for (double v : g) max = Math.max(max, v);
                        for (double v : g) z += Math.exp(v - max);
                        for (int e = 0; e < E; e++) for (int i = 0; i < d; i++) nx[i] += Math.exp(g[e] - max) / z * o[e][i];
                        xl = nx;
                    }
                    return xl;
                }, false, r.nextLong());
            }
        }
    }

    @Test
    void residual() {
        Random r = new Random(6);
        for (Shape s : SHAPES) {
            if (s.allUser) continue;
            for (int d : WIDTHS) {
                for (int H : new int[]{1, 9, 33}) {
                    float[] W1 = rnd(r, 1 / Math.sqrt(d), H * d), B1 = rnd(r, 0.1, H), W2 = rnd(r, 1 / Math.sqrt(H), d * H), B2 = rnd(r, 0.1, d);
                    Value x0 = Value.vector("x0", Scope.CANDIDATE, d);
                    ResidualOp op = new ResidualOp(Value.vector("y", Scope.CANDIDATE, d), x0, new Layer("i", d, H, W1, B1, new Activation.Relu()),
                            new Layer("o", H, d, W2, B2, Activation.LINEAR));
                    check("residual d=" + d + " h=" + H, op, s, (x, row) -> {
                        double[] a = x.get(0, row), h = new double[H], y = new double[d];
                        for (int o = 0; o < H; o++) h[o] = Math.max(0, dot(weightRow(W1, o, d), 0, a, 0, d) + B1[o]);
                        for (int o = 0; o < d; o++) y[o] = Math.max(0, a[o] + dot(weightRow(W2, o, H), 0, h, 0, H) + B2[o]);
                        return y;
                    }, false, r.nextLong());
                }
            }
        }
    }

    private static double[] weightRow(float[] w, int o, int in) {
        double[] d = new double[in];
        for (int j = 0; j < in; j++) d[j] = w[o * in + j];
        return d;
    }

    @Test
    void cin() {
        Random r = new Random(7);
        for (Shape s : SHAPES) {
            for (int m : FIELDS) {
                for (int k : WIDTHS) {
                    for (boolean split : new boolean[]{true, false}) {
                        for (Activation act : new Activation[]{new Activation.Relu(), Activation.LINEAR, new Activation.Tanh(), null}) {
                            List<Value> in = fields(m, k, s);
                            int[] sizes = {6, 5};
                            List<Layer> layers = new ArrayList<>();
                            int h = m, width = 0;
                            for (int i = 0; i < sizes.length; i++) {
                                int size = sizes[i];
                                Activation a = act != null ? act : new Activation.PRelu(rnd(r, 0.3, size));
                                layers.add(new Layer("c" + i, h * m, size, rnd(r, 1 / Math.sqrt(h * m), size * h * m), rnd(r, 0.1, size), a));
                                boolean last = i == sizes.length - 1;
                                h = split && !last ? size / 2 : size;
                                width += split && !last ? size / 2 : size;
                            }
                            CinOp op = new CinOp(Value.vector("y", scopeOf(in), width), in, split, layers);
                            int w = width;
                            check("cin m=" + m + " k=" + k + " split=" + split + " act=" + layers.get(0).activation(), op, s, (x, row) -> {
                                double[][] x0 = new double[m][];
                                for (int j = 0; j < m; j++) x0[j] = x.get(j, row);
                                double[][] hid = x0;
                                double[] out = new double[w];
                                int col = 0;
                                for (int i = 0; i < layers.size(); i++) {
                                    Layer l = layers.get(i);
                                    int hh = hid.length;
                                    double[][] y = new double[l.out()][k];
                                    for (int o = 0; o < l.out(); o++) {
                                        for (int c = 0; c < k; c++) {
                                            double t = l.bias()[o];
                                            for (int a = 0; a < hh; a++) for (int j = 0; j < m; j++) t += l.weight()[o * hh * m + a * m + j] * hid[a][c] * x0[j][c];
                                            y[o][c] = Activation.apply(l.activation(), o, (float) t);
                                        }
                                    }
                                    boolean last = i == layers.size() - 1;
                                    int from = split && !last ? l.out() / 2 : 0;
                                    for (int o = from; o < l.out(); o++) for (int c = 0; c < k; c++) out[col + o - from] += y[o][c];
                                    col += l.out() - from;
                                    hid = java.util.Arrays.copyOf(y, split && !last ? l.out() / 2 : l.out());
                                }
                                return out;
                            }, false, r.nextLong());
                        }
                    }
                }
            }
        }
    }

    @Test
    void selfAttention() {
        Random r = new Random(8);
        for (Shape s : SHAPES) {
            for (int F : FIELDS) {
                for (int d : new int[]{1, 3, 8, 16, 33}) {
                    for (int heads : new int[]{1, 2, 3}) {
                        if (d % heads != 0) continue;
                        for (boolean scaling : new boolean[]{false, true}) {
                            List<Value> in = fields(F, d, s);
                            List<SelfAttentionOp.Weights> layers = new ArrayList<>();
                            double std = 1 / Math.sqrt(d);
                            layers.add(new SelfAttentionOp.Weights(rnd(r, std, d * d), rnd(r, std, d * d), rnd(r, std, d * d), rnd(r, std, d * d)));
                            layers.add(new SelfAttentionOp.Weights(rnd(r, std, d * d), rnd(r, std, d * d), rnd(r, std, d * d), null));
                            SelfAttentionOp op = new SelfAttentionOp(Value.vector("y", scopeOf(in), F * d), in, heads, scaling, layers);
                            int dh = d / heads;
                            check("self_attention F=" + F + " d=" + d + " heads=" + heads + " scaling=" + scaling, op, s, (x, row) -> {
                                double[][] X = new double[F][];
                                for (int i = 0; i < F; i++) X[i] = x.get(i, row);
                                for (SelfAttentionOp.Weights w : layers) {
                                    double[][] q = mm(X, w.query(), d), kk = mm(X, w.key(), d), v = mm(X, w.value(), d);
                                    double[][] res = w.res() == null ? null : mm(X, w.res(), d), y = new double[F][d];
                                    for (int h = 0; h < heads; h++) {
                                        for (int i = 0; i < F; i++) {
                                            double[] sc = new double[F];
                                            double max = Double.NEGATIVE_INFINITY, z = 0;
                                            for (int j = 0; j < F; j++) {
                                                sc[j] = dot(q[i], h * dh, kk[j], h * dh, dh) / (scaling ? Math.sqrt(dh) : 1);
                                                max = Math.max(max, sc[j]);
                                            }
                                            for (int j = 0; j < F; j++) z += Math.exp(sc[j] - max);
                                            for (int c = h * dh; c < (h + 1) * dh; c++) for (int j = 0; j < F; j++) y[i][c] += Math.exp(sc[j] - max) / z * v[j][c];
                                        }
                                    }
                                    for (int i = 0; i < F; i++) for (int c = 0; c < d; c++) y[i][c] = Math.max(0, y[i][c] + (res == null ? 0 : res[i][c]));
                                    X = y;
                                }
                                double[] out = new double[F * d];
                                for (int i = 0; i < F; i++) System.arraycopy(X[i], 0, out, i * d, d);
                                return out;
                            }, false, r.nextLong());
                        }
                    }
                }
            }
        }
    }

    /** {@code X·W}, W {@code [d, d]} row-major. */
    private static double[][] mm(double[][] X, float[] W, int d) {
        double[][] y = new double[X.length][d];
        for (int i = 0; i < X.length; i++) for (int c = 0; c < d; c++) for (int j = 0; j < d; j++) y[i][c] += X[i][j] * W[j * d + c];
        return y;
    }
}
