package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.Activation;
import io.interestengine.graph.SequenceGroup;
import io.interestengine.graph.AttentionOp;
import io.interestengine.graph.Scope;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * The DIN activation unit with its first layer split. Per request, the key block {@code (Wk−Wd)·k + b} runs
 * once over every real position of every key row (in a ranking request: the user's history, once). Per query
 * row, {@code (Wq+Wd)·q} and {@code Wp·diag(q)} are formed, and one GEMM over the real positions gives the
 * first hidden layer; later layers are GEMMs over the same positions, the last a dot product. Padded positions
 * are never run through the MLP: masking replaces their scores anyway. Normalisation and the weighted sum of
 * the keys follow in the same pass over the row.
 */
final class SimdAttention implements Step {
    /** The references' padding score {@code −2^32 + 1}, as fp32 (as the scalar backend). */
    private static final float PAD_SCORE = (float) (-4294967296.0 + 1.0);

    private final SequenceGroup g;
    private final AttentionOp op;
    private final SplitAttention w;
    private final float[] f;
    private final int[] ints;
    private final int qOff, kOff, outOff, lengthsOff, rowMapOff;
    private final int T, d, h1pad, tpad;
    private final Parallel par;
    /** Key-side first layer of every key row's positions: {@code [keyRows·T][h1pad]}. */
    private final float[] k1;
    private final Gemm.Call keyCall = new Gemm.Call();
    private final Scratch[] scratch;
    private final Parallel.Body body = this::rows;

    /**
     * Positions taken through every layer together: their hidden rows stay in L1 from one layer to the next
     * (a whole history of 100 positions × 80 floats would not).
     */
    static final int BLOCK = 32;

    /** Per-part buffers: one query row at a time. */
    private static final class Scratch {
        final float[] q1, wpc, ha, hb, scores;
        final Gemm.Call call = new Gemm.Call();

        Scratch(int T, int d, int h1pad, int widest, int tpad) {
            q1 = new float[h1pad];
            wpc = new float[d * h1pad];
            ha = new float[BLOCK * widest];
            hb = new float[BLOCK * widest];
            scores = new float[tpad];
        }
    }

    SimdAttention(SequenceGroup g, AttentionOp op, SplitAttention w, float[] f, int[] ints, int qOff, int kOff, int outOff,
                  int lengthsOff, int rowMapOff, int maxUsers, int maxCandidates, Parallel par) {
        this.g = g;
        this.op = op;
        this.w = w;
        this.f = f;
        this.ints = ints;
        this.qOff = qOff;
        this.kOff = kOff;
        this.outOff = outOff;
        this.lengthsOff = lengthsOff;
        this.rowMapOff = rowMapOff;
        this.par = par;
        T = op.keys().length();
        d = w.d;
        h1pad = Vec.pad(w.h1);
        tpad = Vec.pad(T);
        int keyRows = op.keys().scope() == Scope.USER ? maxUsers : maxCandidates;
        k1 = new float[Math.multiplyExact(Math.multiplyExact(keyRows, T), h1pad)];
        scratch = new Scratch[par.parts];
        for (int p = 0; p < scratch.length; p++) scratch[p] = new Scratch(T, d, h1pad, w.widest, tpad);
    }

    /** A candidate-scope key sequence is masked by its candidate's user's history length (as the scalar backend). */
    private int length(int keyRow) {
        return op.mask() ? ints[lengthsOff + CpuSession.userRow(op.keys(), ints, rowMapOff, keyRow)] : T;
    }

    private int first(int len) {
        return op.mask() ? g.first(len) : 0;
    }

    @Override
    public void run(int users, int cands) {
        int keyRows = CpuSession.rows(op.keys(), users, cands);
        Gemm.Call c = keyCall.weights(w.key);
        for (int kr = 0; kr < keyRows; kr++) {
            int len = length(kr), t0 = first(len);
            if (len == 0) continue;
            c.a(f, kOff + (kr * T + t0) * d, d, len).c(k1, (kr * T + t0) * h1pad, h1pad).run();
        }
        par.run(CpuSession.rows(op.out(), users, cands), body);
    }

    private void rows(int part, int from, int to) {
        Scratch s = scratch[part];
        Scope os = op.out().scope();
        for (int r = from; r < to; r++) {
            int q = qOff + CpuSession.src(op.query(), os, ints, rowMapOff, r) * d;
            int ku = CpuSession.src(op.keys(), os, ints, rowMapOff, r);
            int len = length(ku), t0 = first(len);
            if (len > 0) mlp(s, q, ku, len, t0);
            normalise(s.scores, len, t0);
            if (op.returnWeights()) System.arraycopy(s.scores, 0, f, outOff + r * T, T);
            else pool(s.scores, ku, outOff + r * d);
        }
    }

    /** Raw scores of positions {@code [t0, t0 + len)} of query row {@code q} against key row {@code ku}. */
    private void mlp(Scratch s, int q, int ku, int len, int t0) {
        Gemm.Call c = s.call;
        // (Wq+Wd)·q: one row through the packed query block
        c.weights(w.query).a(f, q, d, 1).c(s.q1, 0, h1pad).run();
        // Wp·diag(q): the product block scaled by this query, so that Wp·(q⊙k) becomes a plain GEMM over k
        float[] wp = w.product.w, wpc = s.wpc;
        for (int j = 0; j < d; j++) {
            FloatVector qj = FloatVector.broadcast(S, f[q + j]);
            for (int o = j * h1pad, end = o + h1pad; o < end; o += L) FloatVector.fromArray(S, wp, o).mul(qj).intoArray(wpc, o);
        }
        for (int b = 0; b < len; b += BLOCK) block(s, ku, t0 + b, Math.min(BLOCK, len - b));
    }

    /** Scores of the {@code nb} positions from {@code t} against key row {@code ku}, through every layer. */
    private void block(Scratch s, int ku, int t, int nb) {
        Gemm.Call c = s.call;
        c.weights(w.product).a(f, kOff + (ku * T + t) * d, d, nb).c(s.ha, 0, h1pad);
        c.b = s.wpc;
        c.bias = s.q1;
        c.cin = k1;
        c.cinOff = (ku * T + t) * h1pad;
        c.ldcin = h1pad;
        c.run();
        w.act1.apply(s.ha, 0, h1pad, nb, w.h1, s.ha, 0, h1pad, true);
        float[] in = s.ha, out = s.hb;
        int ld = h1pad;
        for (Packed p : w.mid) {
            c.weights(p).a(in, 0, ld, nb).c(out, 0, p.npad).run();
            p.act.apply(out, 0, p.npad, nb, p.n, out, 0, p.npad, true);
            float[] tmp = in;
            in = out;
            out = tmp;
            ld = p.npad;
        }
        float[] sc = s.scores;
        if (w.last == null) {
            for (int m = 0; m < nb; m++) sc[t + m] = in[m * ld];
            return;
        }
        float[] lw = w.last;
        for (int m = 0; m < nb; m++) sc[t + m] = Activation.apply(w.lastAct, 0, Vec.dot(in, m * ld, lw, 0, ld) + w.lastBias);
    }

    /** Masks and normalises {@code sc[0, T)} in place; lanes {@code [T, tpad)} end as zero weights. */
    private void normalise(float[] sc, int len, int t0) {
        int t1 = t0 + len;
        if (op.normalization() == AttentionOp.Normalization.SOFTMAX) {
            float scale = op.scale(), pad = PAD_SCORE * scale;
            for (int t = 0; t < t0; t++) sc[t] = pad;
            for (int t = t0; t < t1; t++) sc[t] *= scale;
            for (int t = t1; t < T; t++) sc[t] = pad;
            for (int t = T; t < tpad; t++) sc[t] = Float.NEGATIVE_INFINITY;
            FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int t = 0; t < tpad; t += L) mx = mx.max(FloatVector.fromArray(S, sc, t));
            FloatVector max = FloatVector.broadcast(S, mx.reduceLanes(VectorOperators.MAX));
            for (int t = 0; t < tpad; t += L) FloatVector.fromArray(S, sc, t).sub(max).intoArray(sc, t);
            Vec.exp(sc, 0, sc, 0, tpad);
            FloatVector total = FloatVector.broadcast(S, Vec.sum(sc, 0, tpad));
            for (int t = 0; t < tpad; t += L) FloatVector.fromArray(S, sc, t).div(total).intoArray(sc, t);
        } else {
            for (int t = 0; t < t0; t++) sc[t] = 0f;
            for (int t = t1; t < tpad; t++) sc[t] = 0f;
        }
    }

    /** {@code out[j] = Σ_t sc[t]·k[ku, t, j]}, vectors over j, every position (padded ones weigh zero or, with no history, 1/T). */
    private void pool(float[] sc, int ku, int out) {
        int kb = kOff + ku * T * d;
        for (int j = 0; j < d; j += L) {
            FloatVector acc = FloatVector.zero(S);
            if (j + L <= d) {
                for (int t = 0, o = kb + j; t < T; t++, o += d) acc = FloatVector.fromArray(S, f, o).fma(FloatVector.broadcast(S, sc[t]), acc);
                acc.intoArray(f, out + j);
            } else {
                VectorMask<Float> m = S.indexInRange(j, d);
                for (int t = 0, o = kb + j; t < T; t++, o += d) acc = FloatVector.fromArray(S, f, o, m).fma(FloatVector.broadcast(S, sc[t]), acc);
                acc.intoArray(f, out + j, m);
            }
        }
    }
}
