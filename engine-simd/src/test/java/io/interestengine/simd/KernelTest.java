package io.interestengine.simd;

import io.interestengine.format.Tensor;
import io.interestengine.graph.Activation;
import io.interestengine.graph.Field;
import io.interestengine.graph.Layer;
import io.interestengine.graph.MimnLayout;
import io.interestengine.graph.AttentionOp;
import io.interestengine.graph.BinaryOp;
import io.interestengine.graph.ConcatOp;
import io.interestengine.graph.DenseOp;
import io.interestengine.graph.EmbeddingOp;
import io.interestengine.graph.GruCell;
import io.interestengine.graph.GruOp;
import io.interestengine.graph.MimnOp;
import io.interestengine.graph.MimnReadOp;
import io.interestengine.graph.PoolOp;
import io.interestengine.graph.Scope;
import io.interestengine.graph.Table;
import io.interestengine.graph.Value;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Every SIMD kernel against the scalar reference, op by op, on sizes that hit every loop tail (1, 3, 13, 17,
 * 100, 207, 1000: below, at and across one vector of 4, 8 and 16 lanes and the 4-row register tile). Run by
 * the build once per vector width (the surefire executions set -XX:MaxVectorSize and
 * -Dinterestengine.simd.bits), so each run checks one species.
 */
class KernelTest {
    static final int[] SIZES = {1, 3, 13, 17, 100, 207, 1000};
    /** fp32 unit roundoff. */
    static final double U = 0x1p-24;

    @BeforeAll
    static void species() {
        System.out.println("KernelTest: " + Vec.bits() + "-bit float vectors (" + Vec.L + " lanes)");
    }

    static Activation[] activations(int width, Random r) {
        float[] al = vec(width, r), a = vec(width, r), c = vec(width, r);
        return new Activation[]{Activation.LINEAR, new Activation.Relu(), new Activation.Sigmoid(), new Activation.Tanh(),
                new Activation.PRelu(al), new Activation.Dice(al, a, c)};
    }

    static float[] vec(int n, Random r) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) v[k] = (float) r.nextGaussian();
        return v;
    }

    /** Weights ~ N(0, 1/in), so that activations stay O(1) through stacked layers as in trained models. */
    static Layer layer(String name, int in, int out, Activation act, Random r) {
        float[] w = new float[in * out];
        double s = 1 / Math.sqrt(in);
        for (int k = 0; k < w.length; k++) w[k] = (float) (r.nextGaussian() * s);
        return new Layer(name, in, out, w, vec(out, r), act);
    }

    @Test
    void denseMatchesScalarOnEveryTail() {
        Random r = new Random(1);
        int[][] shapes = {{1, 1}, {3, 13}, {13, 3}, {17, 17}, {100, 207}, {207, 100}, {1000, 3}, {3, 1000}, {144, 80}, {36, 1}};
        int k = 0;
        for (int[] sh : shapes) {
            for (int rows : new int[]{1, 3, 13, 17, 100}) {
                if ((long) rows * sh[0] * sh[1] > 3_000_000) continue;
                Activation act = activations(sh[1], r)[k++ % 6];
                dense(sh[0], sh[1], rows, act, r.nextLong());
            }
        }
    }

    /**
     * Weights scaled by up to 1e6 (what a corrupted or mutated model holds): the two backends may then differ by far
     * more than 1e-3 in absolute terms, but never by more than the same bound relative to Σ|w·x| as above. That is
     * the whole explanation of scalar/SIMD divergence on such models: fp32 sums in different orders, whose difference
     * scales with the terms' magnitudes, not with the result's (a large bias or cancelling products).
     */
    @Test
    void denseStaysWithinTheSummationBoundForHugeWeights() {
        Random r = new Random(6);
        for (float scale : new float[]{1e3f, 1e6f}) {
            for (int[] sh : new int[][]{{13, 3}, {144, 80}, {207, 100}}) dense(sh[0], sh[1], 17, activations(sh[1],
                    r)[r.nextInt(6)], r.nextLong(), scale);
        }
    }

    private void dense(int in, int out, int rows, Activation act, long seed) {
        dense(in, out, rows, act, seed, 1f);
    }

    private void dense(int in, int out, int rows, Activation act, long seed, float scale) {
        Random r = new Random(seed);
        Layer l = layer("fc", in, out, act, r);
        if (scale != 1f) {
            for (int k = 0; k < l.weight().length; k++) l.weight()[k] *= scale;
            for (int k = 0; k < l.bias().length; k++) l.bias()[k] *= scale;
        }
        Value x = Value.vector("x", Scope.CANDIDATE, in), y = Value.vector("y", Scope.CANDIDATE, out);
        DenseOp op = new DenseOp(y, x, l);
        int xOff = 5, yOff = xOff + rows * in;
        try (Arenas a = new Arenas(0, false, yOff + rows * out + 7, 1, 1, rows, seed, 1, op)) {
            // Per output, Σ|w·x| + |b|: the scale of the rounding error of a fp32 dot product in any order.
            float[] f = a.scalarF();
            double[] mag = new double[rows * out];
            for (int i = 0; i < rows; i++) {
                for (int o = 0; o < out; o++) {
                    double m = Math.abs(l.bias()[o]);
                    for (int j = 0; j < in; j++) m += Math.abs(l.weight()[o * in + j] * f[xOff + i * in + j]);
                    mag[i * out + o] = m;
                }
            }
            a.dense(a.scalar, op, xOff, yOff).run(1, rows);
            a.dense(a.simd, op, xOff, yOff).run(1, rows);
            // Two summation orders of `in` products differ by at most ~2·in·u·Σ|w·x| (rigorous) and in practice
            // by a few √in·u·Σ|w·x|; 8·√in·u·Σ|w·x| keeps a wide margin while a wrong weight or a lost term
            // (an error of order |w·x|) fails. The activations are 1-Lipschitz or less except Dice (≤ ~1.1)
            // and PReLU with |α| ≤ 4, hence the factor 4 more; plus a few ulps of the vector exp/tanh.
            String what = "dense " + in + "→" + out + " × " + rows + " rows, " + act.getClass().getSimpleName();
            a.assertClose(what, (i, e) -> {
                if (i < yOff || i >= yOff + rows * out) return 0.0;
                return 32 * Math.sqrt(in) * U * mag[i - yOff] + 4 * U * Math.abs(e) + 1e-7;
            });
        }
    }

    @Test
    void attentionMatchesScalarRankingAndBatch() {
        Random r = new Random(2);
        int[][] dims = {{1, 1}, {3, 3}, {13, 17}, {17, 13}, {36, 100}, {18, 207}, {4, 1000}};
        int k = 0;
        for (int[] dt : dims) {
            int d = dt[0], T = dt[1];
            for (int variant = 0; variant < 4; variant++) {
                List<Layer> layers = new ArrayList<>();
                int[] hidden = switch (variant) {
                    case 0 -> new int[]{80, 40};
                    case 1 -> new int[]{};
                    case 2 -> new int[]{17};
                    default -> new int[]{13, 3, 100};
                };
                int in = 4 * d;
                for (int h : hidden) {
                    layers.add(layer("att" + layers.size(), in, h, activations(h, r)[(k++ % 5) + 1], r));
                    in = h;
                }
                layers.add(layer("att_out", in, 1, Activation.LINEAR, r));
                AttentionOp.Normalization norm = variant % 2 == 0 ? AttentionOp.Normalization.SOFTMAX : AttentionOp.Normalization.RAW;
                boolean mask = variant != 3, weights = variant == 2, left = variant == 1;
                float scale = variant == 0 ? (float) (1 / Math.sqrt(d)) : 1f;
                int n = T >= 207 ? 3 : 17;
                attention(d, T, layers, norm, scale, mask, weights, left, true, n, r.nextLong());
                attention(d, T, layers, norm, scale, mask, weights, left, false, n, r.nextLong());
            }
        }
    }

    private void attention(int d, int T, List<Layer> layers, AttentionOp.Normalization norm, float scale, boolean mask, boolean weights,
                           boolean left, boolean ranking, int n, long seed) {
        Scope ks = ranking ? Scope.USER : Scope.CANDIDATE;
        Value q = Value.vector("q", Scope.CANDIDATE, d), k = Value.sequence("k", ks, T, d, mask ? Arenas.grp(T, left) : null);
        Value out = weights ? Value.sequence("w", Scope.CANDIDATE, T, 1, null) : Value.vector("o", Scope.CANDIDATE, d);
        AttentionOp op = new AttentionOp(out, q, k, layers, norm, scale, mask, weights);
        int users = ranking ? 1 : n;
        int qOff = 3, kOff = qOff + n * d, oOff = kOff + users * T * d, end = oOff + n * out.rowSize() + 5;
        int lengthsOff = 0, rowMapOff = n;
        Random r = new Random(seed);
        try (Arenas a = new Arenas(T, left, end, 2 * n, n, n, seed, 1, op)) {
            int[] lens = new int[n], map = new int[n];
            for (int u = 0; u < users; u++) lens[u] = switch (u % 4) { case 0 -> T; case 1 -> 0; default -> r.nextInt(T + 1); };
            if (ranking) lens[0] = r.nextInt(T + 1);
            for (int c = 0; c < n; c++) map[c] = ranking ? 0 : c;
            a.ints(lengthsOff, lens);
            a.ints(rowMapOff, map);
            a.attention(a.scalar, op, qOff, kOff, oOff, lengthsOff, rowMapOff).run(users, n);
            a.attention(a.simd, op, qOff, kOff, oOff, lengthsOff, rowMapOff).run(users, n);
            // fp32 through up to four stacked layers of width ≤ 144 (each a differently ordered sum, see the
            // dense test, ~1e-6 relative with O(1) activations), the split first layer (regrouped sums), vector
            // exp, then softmax over ≤ 1000 positions: 1e-4 relative plus 2e-5 absolute holds them with room;
            // a wrong position, mask or weight moves outputs by O(1/T) or more.
            String what = "attention d=" + d + " T=" + T + " layers=" + layers.size() + " " + norm + " mask=" + mask + " weights=" + weights
                    + " left=" + left + (ranking ? " ranking" : " batch") + " n=" + n;
            a.assertClose(what, Arenas.rel(1e-4, 2e-5));
        }
    }

    static GruCell gruWeights(boolean tf, int in, int h, Random r) {
        double s = 1 / Math.sqrt(in + h);
        if (tf) {
            return new GruCell(true, in, h, gauss(2 * h * (in + h), s, r), gauss(2 * h, 0.5, r), gauss(h * (in + h), s, r), gauss(h, 0.5, r),
                    null, null, null, null);
        }
        return new GruCell(false, in, h, null, null, null, null, gauss(3 * h * in, s, r), gauss(3 * h, 0.5, r), gauss(3 * h * h, s, r), gauss(3 * h, 0.5, r));
    }

    static float[] gauss(int n, double s, Random r) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) v[k] = (float) (r.nextGaussian() * s);
        return v;
    }

    @Test
    void gruMatchesScalarEveryFormAndCell() {
        Random r = new Random(7);
        int[][] dims = {{1, 1, 3}, {3, 13, 17}, {17, 3, 1}, {36, 36, 100}, {13, 17, 13}};
        for (int[] dim : dims) {
            int in = dim[0], H = dim[1], T = dim[2];
            for (boolean tf : new boolean[]{true, false}) {
                for (GruOp.AttentionForm form : GruOp.AttentionForm.values()) {
                    boolean seq = form.ordinal() % 2 == 0, ranking = form.ordinal() % 3 != 0;
                    gru(in, H, T, tf, form, seq, ranking, ranking ? 45 : 37, gruWeights(tf, in, H, r), r.nextLong());
                }
            }
        }
    }

    private void gru(int in, int H, int T, boolean tf, GruOp.AttentionForm form, boolean seq, boolean ranking, int n, GruCell w, long seed) {
        // Ranking: DIEN's interest evolution, a candidate-scope GRU over the user's sequence with per-candidate
        // attention; batch: one user per row. 45 and 37 rows cross a block of SimdGru.BLOCK (8) rows, and the
        // batch's mixed lengths exercise the order by decreasing length.
        Scope scope = Scope.CANDIDATE;
        Value x = Value.sequence("x", ranking ? Scope.USER : Scope.CANDIDATE, T, in, Arenas.grp(T, form == GruOp.AttentionForm.AGRU));
        Value att = form == GruOp.AttentionForm.NONE ? null : Value.sequence("a", Scope.CANDIDATE, T, 1, null);
        Value out = seq ? Value.sequence("h", scope, T, H, x.group()) : Value.vector("h", scope, H);
        GruOp op = new GruOp(out, x, att, form, w, seq);
        int users = ranking ? 1 : n;
        int xOff = 2, aOff = xOff + users * T * in, oOff = aOff + n * T, end = oOff + n * out.rowSize() + 3;
        Random r = new Random(seed);
        try (Arenas a = new Arenas(T, form == GruOp.AttentionForm.AGRU, end, 2 * n, n, n, seed, 1, op)) {
            // attention weights in [0, 1], as softmax outputs are
            for (int k = 0; k < n * T; k++) a.scalarF()[aOff + k] = a.simdF()[aOff + k] = r.nextFloat();
            int[] lens = new int[n], map = new int[n];
            for (int u = 0; u < users; u++) lens[u] = switch (u % 4) { case 0 -> T; case 1 -> 0; case 2 -> 1; default -> r.nextInt(T + 1); };
            if (ranking) lens[0] = 1 + r.nextInt(T);
            for (int c = 0; c < n; c++) map[c] = ranking ? 0 : c;
            a.ints(0, lens);
            a.ints(n, map);
            int attOff = att == null ? -1 : aOff;
            a.gru(a.scalar, op, xOff, attOff, oOff, 0, n).run(users, n);
            a.gru(a.simd, op, xOff, attOff, oOff, 0, n).run(users, n);
            // Per step: dot products of in+H ≤ 72 terms in another order (~1e-6 relative), vector exp/tanh
            // (a few ulps), carried through up to 100 contracting steps (gates in (0, 1) damp old errors):
            // 1e-4 relative plus 1e-5 absolute; a wrong gate, weight block or form changes states by O(0.1).
            a.assertClose("gru in=" + in + " H=" + H + " T=" + T + (tf ? " tf " : " torch ") + form + (seq ? " sequence" : " final")
                    + (ranking ? " ranking" : " batch"), Arenas.rel(1e-4, 1e-5));
        }
    }

    @Test
    void embeddingGatherIsExact() {
        Random r = new Random(3);
        try (Arena arena = Arena.ofConfined()) {
            for (int dim : SIZES) {
                int rows = 37, n = 13, T = 3;
                MemorySegment seg = arena.allocate((long) rows * dim * 4);
                for (long i = 0; i < (long) rows * dim; i++) seg.setAtIndex(Tensor.F32, i, (float) r.nextGaussian());
                Table t = Table.f32("t", rows, dim, seg, -1);
                Field fc = new Field("c", Field.Group.CANDIDATE, t, 0, null, null, 0, null);
                Field fh = new Field("h", Field.Group.HISTORY, t, 0, null, null, 1, Arenas.grp(T, false));
                EmbeddingOp ec = new EmbeddingOp(Value.vector("ec", Scope.CANDIDATE, dim), fc);
                EmbeddingOp eh = new EmbeddingOp(Value.sequence("eh", Scope.USER, T, dim, fh.seq()), fh);
                int users = 2, cOff = 1, hOff = cOff + n * dim, end = hOff + users * T * dim + 3;
                try (Arenas a = new Arenas(T, false, end, n + users * T, users, n, r.nextLong(), 1, ec, eh)) {
                    int[] ids = new int[n + users * T];
                    for (int k = 0; k < ids.length; k++) ids[k] = k == 0 ? rows - 1 : r.nextInt(rows);
                    a.ints(0, ids);
                    for (var s : List.of(a.scalar, a.simd)) {
                        a.embedding(s, ec, 0, cOff).run(users, n);
                        a.embedding(s, eh, n, hOff).run(users, n);
                    }
                    // A gather is a copy: bit-identical.
                    a.assertClose("embedding dim " + dim, Arenas.exact());
                }
            }
        }
    }

    @Test
    void poolIsExact() {
        Random r = new Random(4);
        for (int w : SIZES) {
            for (int T : new int[]{1, 3, 17, 100}) {
                if (w * T > 30_000) continue;
                for (int mode = 0; mode < 4; mode++) {
                    boolean mean = mode % 2 == 1, masked = mode >= 2;
                    Value in = Value.sequence("h", Scope.USER, T, w, Arenas.grp(T, mode == 2)), out = Value.vector("p", Scope.USER, w);
                    PoolOp op = new PoolOp(out, in, mean, masked, mode == 3 ? 1e-8f : 0f);
                    int users = 5, inOff = users, outOff = inOff + users * T * w;
                    try (Arenas a = new Arenas(T, mode == 2, outOff + users * w + 2, users, users, users, r.nextLong(), 1, op)) {
                        int[] lens = {T, 0, 1, r.nextInt(T + 1), T / 2};
                        a.ints(0, lens);
                        a.pool(a.scalar, op, inOff, outOff, 0).run(users, users);
                        a.pool(a.simd, op, inOff, outOff, 0).run(users, users);
                        // Each lane sums the positions in the reference's order and divides once: bit-identical.
                        a.assertClose("pool w=" + w + " T=" + T + " mean=" + mean + " masked=" + masked, Arenas.exact());
                    }
                }
            }
        }
    }

    @Test
    void elementwiseAndConcatAreExact() {
        Random r = new Random(5);
        for (int w : SIZES) {
            int n = 13;
            Value u = Value.vector("u", Scope.USER, w), c = Value.vector("c", Scope.CANDIDATE, w);
            Value s1 = Value.sequence("s1", Scope.USER, 3, w, Arenas.grp(3, false)), s2 = Value.sequence("s2", Scope.USER, 3, 3, Arenas.grp(3, false));
            BinaryOp mul = new BinaryOp(Value.vector("m", Scope.CANDIDATE, w), BinaryOp.Kind.MUL, c, u);
            BinaryOp add = new BinaryOp(Value.vector("a", Scope.CANDIDATE, w), BinaryOp.Kind.ADD, u, c);
            ConcatOp cat = new ConcatOp(Value.vector("cat", Scope.CANDIDATE, 2 * w), List.of(u, c));
            ConcatOp seq = new ConcatOp(Value.sequence("sq", Scope.USER, 3, w + 3, Arenas.grp(3, false)), List.of(s1, s2));
            int uOff = 0, cOff = 2 * w, s1Off = cOff + n * w, s2Off = s1Off + 2 * 3 * w, mOff = s2Off + 2 * 9, aOff = mOff + n * w,
                    catOff = aOff + n * w, sqOff = catOff + n * 2 * w, end = sqOff + 2 * 3 * (w + 3) + 1;
            try (Arenas a = new Arenas(3, false, end, 2 * n, 2, n, r.nextLong(), 1, mul, add, cat, seq)) {
                int[] map = new int[n];
                for (int k = 0; k < n; k++) map[k] = k % 2;
                a.ints(0, map);
                for (var s : List.of(a.scalar, a.simd)) {
                    a.binary(s, mul, cOff, uOff, mOff, 0).run(2, n);
                    a.binary(s, add, uOff, cOff, aOff, 0).run(2, n);
                    a.concat(s, cat, new int[]{uOff, cOff}, catOff, 0).run(2, n);
                    a.concat(s, seq, new int[]{s1Off, s2Off}, sqOff, 0).run(2, n);
                }
                // One rounding per element in both backends, and copies: bit-identical.
                a.assertClose("elementwise/concat w=" + w, Arenas.exact());
            }
        }
    }

    @Test
    void mimnMatchesScalarEveryVariant() {
        Random r = new Random(11);
        // E, H, m, D, shift range, O: memory widths below, at and across 4, 8 and 16 lanes (1, 7, 16, 17, 32)
        int[][] dims = {{1, 1, 1, 1, 0, 1}, {3, 5, 3, 7, 1, 3}, {13, 17, 5, 17, 2, 13}, {8, 9, 6, 16, 1, 5}, {32, 32, 4, 32, 1, 32}};
        int variant = 0;
        for (int[] d : dims) {
            for (int v = 0; v < 8; v++, variant++) {
                boolean util = (v & 1) == 0 && d[2] >= 2 * d[4] + 1, padded = (v & 2) == 0, miu = (v & 4) == 0;
                boolean mask = variant % 3 != 0, tf = variant % 2 == 0, left = variant % 5 == 1, ranking = v % 3 == 1;
                mimn(d[0], d[1], d[2], d[3], d[4], d[5], util, mask, padded, miu, tf, left, ranking, false, r.nextLong());
            }
        }
        // Identical slots (keys and initial memory) without util_reg: every read weight ties exactly at every
        // step, and the Memory Induction Unit must take the lowest slot, as tf.nn.top_k does. (With util_reg the
        // shift's sums run in a different order per slot, so the slots drift apart by ulps: near-ties, which
        // two correct implementations may break differently.)
        mimn(8, 9, 6, 16, 1, 5, false, true, true, true, true, false, false, true, r.nextLong());
        mimn(8, 9, 6, 16, 1, 5, false, false, false, true, false, true, true, true, r.nextLong());
    }

    private void mimn(int E, int H, int m, int D, int shift, int O, boolean util, boolean mask, boolean padded, boolean miu,
                      boolean tf, boolean left, boolean ranking, boolean tied, long seed) {
        Random r = new Random(seed);
        int T = 1 + r.nextInt(20);
        MimnLayout lay = new MimnLayout(E, H, m, D, O, miu);
        int P = 2 * MimnLayout.perHead(D, shift) + 2 * D, pin = H + (util ? m : 0);
        Value x = Value.sequence("x", Scope.USER, T, E, Arenas.grp(T, left)), state = Value.vector("state", Scope.USER, lay.size());
        Value mean = Value.vector("mean", Scope.USER, D), ind = miu ? Value.sequence("miu", Scope.USER, m, D, null) : null;
        MimnOp op = new MimnOp(state, x, mean, ind, lay, util, mask, padded, 20f, 2f, 400f, shift, gruWeights(tf, E + D, H, r),
                gauss(P * pin, 1 / Math.sqrt(pin), r), gauss(P, 0.5, r), gauss(O * (H + D), 1 / Math.sqrt(H + D), r), gauss(O, 0.5, r),
                tanh(gauss(D, 1, r)), slots(m, D, tied, r), slots(m, D, tied, r), miu ? gruWeights(!tf, E + D, D, r) : null);
        Value q = Value.vector("q", Scope.CANDIDATE, E);
        MimnReadOp read = new MimnReadOp(Value.vector("read", Scope.CANDIDATE, O), state, q, op);
        // Batch: 37 users, more than one block of SimdMimn.BLOCK, one read row each; ranking: one user read by 45 candidates.
        int users = ranking ? 1 : SimdMimn.BLOCK + 5, rows = ranking ? 45 : users;
        int xOff = 2, sOff = xOff + users * T * E, mOff = sOff + users * lay.size(), iOff = mOff + users * D;
        int qOff = iOff + users * m * D, oOff = qOff + rows * E, end = oOff + rows * O + 3;
        try (Arenas a = new Arenas(T, left, end, users + rows, users, rows, seed, 1, op, read)) {
            int[] lens = new int[users], map = new int[rows];
            for (int u = 0; u < users; u++) lens[u] = switch (u % 4) { case 0 -> T; case 1 -> 0; case 2 -> 1; default -> r.nextInt(T + 1); };
            if (ranking) lens[0] = 1 + r.nextInt(T);
            for (int c = 0; c < rows; c++) map[c] = ranking ? 0 : c;
            a.ints(0, lens);
            a.ints(users, map);
            int miuOff = miu ? iOff : -1;
            a.mimn(a.scalar, op, xOff, sOff, mOff, miuOff, 0).run(users, rows);
            a.mimn(a.simd, op, xOff, sOff, mOff, miuOff, 0).run(users, rows);
            a.mimnRead(a.scalar, read, sOff, qOff, oOff, users).run(users, rows);
            a.mimnRead(a.simd, read, sOff, qOff, oOff, users).run(users, rows);
            // Per step: dot products of up to E+D+H = 96 terms and cosines over D in another order (~1e-6
            // relative), vector exp/tanh (a few ulps), carried through up to 20 steps of a state that the GRUs
            // contract and the erase/add write mixes; the worst seen is ~1.2e-5 relative. 5e-5 relative plus
            // 5e-6 absolute; a wrong head offset, gate block, slot or reset changes states and reads by O(0.1),
            // and scaling one cosine sum by 1.0002 already exceeds it.
            a.assertClose("mimn E=" + E + " H=" + H + " m=" + m + " D=" + D + " shift=" + shift + " T=" + T + (util ? " util_reg" : "")
                    + (mask ? " mask_flag" : "") + (padded ? " padded" : " events") + (miu ? " miu" : "") + (tf ? " tf" : " torch")
                    + (left ? " left" : "") + (ranking ? " ranking" : " batch") + (tied ? " tied slots" : ""), Arenas.rel(5e-5, 5e-6));
        }
    }

    /** tanh of Gaussian [m, D] rows (as the loader applies tanh to init_memory and key_memory); with {@code tied} all rows equal. */
    private static float[] slots(int m, int D, boolean tied, Random r) {
        float[] v = tanh(gauss(m * D, 1, r));
        if (tied) for (int j = 1; j < m; j++) System.arraycopy(v, 0, v, j * D, D);
        return v;
    }

    static float[] tanh(float[] v) {
        for (int k = 0; k < v.length; k++) v[k] = (float) Math.tanh(v[k]);
        return v;
    }

    @Test
    void vectorTanhIsAccurate() {
        // Vec.tanh against Math.tanh: around zero (the polynomial), across the switch at |x| = 0.1, the exp
        // form's range and its saturation, infinities and NaN. Bounds from its javadoc: 2e-7 absolute and 2e-6
        // relative (3e-7 on the polynomial's side); a wrong coefficient or switch point breaks them near 0.1.
        float[] x = new float[4096 + Vec.L];
        Random r = new Random(12);
        for (int k = 0; k < 4096; k++) {
            x[k] = switch (k % 4) {
                case 0 -> (float) (r.nextGaussian() * 1e-3);
                case 1 -> 0.1f + (float) (r.nextGaussian() * 1e-3);
                case 2 -> (float) (r.nextGaussian() * 3);
                default -> (float) (r.nextGaussian() * 30);
            };
        }
        float[] special = {0f, -0f, Float.MIN_VALUE, 0.1f, -0.1f, Math.nextDown(0.1f), 9f, -9f, 50f, -50f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        System.arraycopy(special, 0, x, 4096 - special.length, special.length);
        float[] y = new float[x.length];
        Vec.tanh(x, 0, y, 0, 4096);
        for (int k = 0; k < 4096; k++) {
            double want = Math.tanh(x[k]), err = Math.abs(y[k] - want);
            // below 0.1 (the polynomial) a few ulps: 3e-7 relative
            double rel = Math.abs(x[k]) < 0.1f ? 3e-7 : 2e-6;
            if (!(err <= 2e-7 && err <= rel * Math.abs(want) + 1e-30 || y[k] == want)) {
                org.junit.jupiter.api.Assertions.fail("Vec.tanh(" + x[k] + ") = " + y[k] + ", Math.tanh " + want + " [" + Vec.bits() + "-bit vectors]");
            }
        }
        float[] nan = new float[Vec.L];
        java.util.Arrays.fill(nan, Float.NaN);
        Vec.tanh(nan, 0, nan, 0, Vec.L);
        org.junit.jupiter.api.Assertions.assertTrue(Float.isNaN(nan[0]), "tanh(NaN) must stay NaN");
    }

    @Test
    void parallelRowsEqualSequential() {
        Random r = new Random(6);
        Layer l = layer("fc", 36, 80, new Activation.Sigmoid(), r);
        Value x = Value.vector("x", Scope.CANDIDATE, 36), y = Value.vector("y", Scope.CANDIDATE, 80);
        DenseOp op = new DenseOp(y, x, l);
        int rows = 207;
        try (Arenas one = new Arenas(0, false, rows * 116, 1, 1, rows, 9, 1, op);
             Arenas four = new Arenas(0, false, rows * 116, 1, 1, rows, 9, 4, op)) {
            one.dense(one.simd, op, 0, rows * 36).run(1, rows);
            four.dense(four.simd, op, 0, rows * 36).run(1, rows);
            // Rows are independent and each is computed by the same code whichever thread runs it: bit-identical.
            org.junit.jupiter.api.Assertions.assertArrayEquals(one.simdF(), four.simdF());
        }
    }

}
