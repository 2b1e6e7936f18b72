package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.SelfAttentionOp;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * AutoInt's interacting layers per row: one GEMM of the fields {@code X [F, d]} by the layer's query, key, value and
 * residual matrices side by side ({@code [d, 4d]}); then the queries across the lanes (every head's query columns
 * transposed at once in L × L blocks, {@link Transpose}), so that per head a key's scores against L queries, the
 * softmax over the keys and the weighted sum of the values are lane-wise FMAs of broadcast key and value entries: no
 * lane reductions and no half-empty vectors when a head is narrower than a vector (AutoInt's d = 16, 2 heads of 8
 * columns: keys across the lanes ran half-width value sums and 7.8× the scalar kernel). The heads' weighted values
 * go back into the rows in the same blocks. No user split: the first layer already mixes every field.
 */
final class SimdSelfAttention implements Step {
    private final SelfAttentionOp op;
    private final Packed[] w;
    private final FieldRows fx;
    private final float[] f, x, qkv, qt, st, yt, y, scratch = new float[L * L];
    private final int[] ints, rowLd, rowD, colF;
    private final int outOff, F, d, dh, fpad;
    private final Gemm.Call call = new Gemm.Call();

    static Packed[] prepare(SelfAttentionOp op) {
        int d = op.d();
        Packed[] p = new Packed[op.layers().size()];
        for (int l = 0; l < p.length; l++) {
            SelfAttentionOp.Weights w = op.layers().get(l);
            float[][] parts = w.res() == null ? new float[][]{w.query(), w.key(), w.value()}
                    : new float[][]{w.query(), w.key(), w.value(), w.res()};
            int n = parts.length * d;
            float[] cat = new float[d * n];
            for (int j = 0; j < d; j++) {
                for (int s = 0; s < parts.length; s++) System.arraycopy(parts[s], j * d, cat, j * n + s * d, d);
            }
            p[l] = Packed.inOut(cat, 0, d, n, null, Act.NONE);
        }
        return p;
    }

    SimdSelfAttention(SelfAttentionOp op, Packed[] w, float[] f, int[] ints, Bindings b) {
        this.op = op;
        this.w = w;
        this.f = f;
        this.ints = ints;
        fx = new FieldRows(op.out(), op.in(), b);
        outOff = b.off(op.out());
        F = op.in().size();
        d = op.d();
        dh = d / op.heads();
        fpad = Vec.pad(F);
        int npad = 0;
        for (Packed p : w) npad = Math.max(npad, p.npad);
        x = new float[F * d];
        y = new float[F * d];
        qkv = new float[F * npad];
        qt = new float[d * fpad];
        st = new float[F * fpad];
        // whole blocks of L channels: the transpose back reads L rows of it
        yt = new float[Vec.pad(d) * fpad];
        rowLd = new int[fpad];
        rowD = new int[fpad];
        for (int i = 0; i < fpad; i++) rowD[i] = i * d;
        colF = RowSums.strides(fpad);
    }

    @Override
    public void run(int users, int cands) {
        int rows = CpuSession.rows(op.out(), users, cands), n = op.heads();
        for (int r = 0; r < rows; r++) {
            int u = fx.userRow(ints, r);
            for (int i = 0; i < F; i++) System.arraycopy(f, fx.at(i, r, u), x, i * d, d);
            for (int l = 0; l < w.length; l++) {
                Packed p = w[l];
                int ld = p.npad;
                call.weights(p).a(x, 0, d, F).c(qkv, 0, ld).run();
                for (int i = 0; i < fpad; i++) rowLd[i] = Math.min(i, F - 1) * ld;
                // every head's query columns in one transpose per L queries and L columns (AutoInt's two heads of 8
                // columns share a 16-lane block), and their weighted values back the same way
                for (int i0 = 0; i0 < fpad; i0 += L) {
                    for (int c0 = 0; c0 < d; c0 += L) {
                        int w = Math.min(L, d - c0);
                        Transpose.block(qkv, c0, rowLd, i0, w, qt, c0 * fpad + i0, colF, 0, w, L, scratch);
                    }
                }
                for (int h = 0; h < n; h++) head(h * dh, ld);
                for (int i0 = 0; i0 < F; i0 += L) {
                    for (int c0 = 0; c0 < d; c0 += L) {
                        Transpose.block(yt, c0 * fpad + i0, colF, 0, L, y, c0, rowD, i0, Math.min(L, F - i0),
                                Math.min(L, d - c0), scratch);
                    }
                }
                boolean res = p.n == 4 * d;
                for (int i = 0; i < F; i++) {
                    for (int c = 0; c < d; c += L) {
                        VectorMask<Float> m = S.indexInRange(c, d);
                        FloatVector t = FloatVector.fromArray(S, y, i * d + c, m);
                        if (res) t = t.add(FloatVector.fromArray(S, qkv, i * ld + 3 * d + c, m));
                        t.max(0f).intoArray(x, i * d + c, m);
                    }
                }
            }
            System.arraycopy(x, 0, f, outOff + r * F * d, F * d);
        }
    }

    /**
     * One head, queries across the lanes: from the transposed query columns ({@code qt[c][i]}) the scores
     * {@code st[j][i]} of every query i against key j as FMAs of broadcast key values, the softmax over the keys
     * lane-wise (max, exp, sum in key order, no lane reductions), the weighted values {@code yt[c][i]} the same way.
     */
    private void head(int hc, int ld) {
        boolean scaling = op.scaling();
        float scale = (float) Math.sqrt(dh);
        for (int i0 = 0; i0 < fpad; i0 += L) {
            FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            int j = 0;
            // four keys at a time: a query vector loaded once for four FMAs, four independent chains
            for (; j + 4 <= F; j += 4) {
                int k0 = j * ld + d + hc, k1 = k0 + ld, k2 = k1 + ld, k3 = k2 + ld;
                FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
                for (int c = 0; c < dh; c++) {
                    FloatVector q = FloatVector.fromArray(S, qt, (hc + c) * fpad + i0);
                    s0 = q.fma(FloatVector.broadcast(S, qkv[k0 + c]), s0);
                    s1 = q.fma(FloatVector.broadcast(S, qkv[k1 + c]), s1);
                    s2 = q.fma(FloatVector.broadcast(S, qkv[k2 + c]), s2);
                    s3 = q.fma(FloatVector.broadcast(S, qkv[k3 + c]), s3);
                }
                if (scaling) {
                    s0 = s0.div(scale);
                    s1 = s1.div(scale);
                    s2 = s2.div(scale);
                    s3 = s3.div(scale);
                }
                s0.intoArray(st, j * fpad + i0);
                s1.intoArray(st, (j + 1) * fpad + i0);
                s2.intoArray(st, (j + 2) * fpad + i0);
                s3.intoArray(st, (j + 3) * fpad + i0);
                mx = mx.max(s0).max(s1).max(s2).max(s3);
            }
            for (; j < F; j++) {
                int kj = j * ld + d + hc;
                FloatVector s = FloatVector.zero(S);
                for (int c = 0; c < dh; c++) {
                    FloatVector q = FloatVector.fromArray(S, qt, (hc + c) * fpad + i0);
                    s = q.fma(FloatVector.broadcast(S, qkv[kj + c]), s);
                }
                if (scaling) s = s.div(scale);
                s.intoArray(st, j * fpad + i0);
                mx = mx.max(s);
            }
            for (int e = i0; e < F * fpad; e += fpad) FloatVector.fromArray(S, st, e).sub(mx).intoArray(st, e);
        }
        // one exp pass over the head's F rows: the same bits in every execution tier (Vec.exp)
        Vec.exp(st, 0, st, 0, F * fpad);
        for (int i0 = 0; i0 < fpad; i0 += L) {
            // the softmax's sum in key order, as the reference adds it
            FloatVector z = FloatVector.zero(S);
            for (int j = 0; j < F; j++) z = z.add(FloatVector.fromArray(S, st, j * fpad + i0));
            int c = 0;
            // four value columns at a time: a weight vector loaded once for four FMAs
            for (; c + 4 <= dh; c += 4) {
                int vc = 2 * d + hc + c;
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                for (int j = 0; j < F; j++) {
                    FloatVector e = FloatVector.fromArray(S, st, j * fpad + i0);
                    int v = j * ld + vc;
                    a0 = e.fma(FloatVector.broadcast(S, qkv[v]), a0);
                    a1 = e.fma(FloatVector.broadcast(S, qkv[v + 1]), a1);
                    a2 = e.fma(FloatVector.broadcast(S, qkv[v + 2]), a2);
                    a3 = e.fma(FloatVector.broadcast(S, qkv[v + 3]), a3);
                }
                a0.div(z).intoArray(yt, (hc + c) * fpad + i0);
                a1.div(z).intoArray(yt, (hc + c + 1) * fpad + i0);
                a2.div(z).intoArray(yt, (hc + c + 2) * fpad + i0);
                a3.div(z).intoArray(yt, (hc + c + 3) * fpad + i0);
            }
            for (; c < dh; c++) {
                int vc = 2 * d + hc + c;
                FloatVector acc = FloatVector.zero(S);
                for (int j = 0; j < F; j++) {
                    FloatVector v = FloatVector.broadcast(S, qkv[j * ld + vc]);
                    acc = FloatVector.fromArray(S, st, j * fpad + i0).fma(v, acc);
                }
                acc.div(z).intoArray(yt, (hc + c) * fpad + i0);
            }
        }
    }
}
