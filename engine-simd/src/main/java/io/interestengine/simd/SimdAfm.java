package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.AfmOp;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * AFM with L rows across the lanes ({@link FieldBlock}): for every pair, its k products, the attention net's
 * logit and the projection {@code q = p·(x_i ⊙ x_j)} are full-width multiply-adds, and the softmax over the pairs
 * is lane-wise (a max, one {@link Vec#exp} pass, sums in pair order): no sum across lanes, no gather. The output
 * {@code Σ_p e_p·q_p / Σ_p e_p} is the reference's {@code p·Σ_p (e_p/Σe)·(x_i ⊙ x_j)} with the projection taken
 * before the weighted sum (the same value, rounded in another order). With one user, the user-user pairs' logits
 * and projections are the same in every row: computed in the first block, kept for the others.
 */
final class SimdAfm implements Step {
    private final AfmOp op;
    private final FieldBlock blk;
    private final float[] f, xt, w, bias, h, pp, lg, q, e, bp;
    private final int[] pi, pj, slot;
    private final int F, k, A, P, outOff;

    SimdAfm(AfmOp op, float[] f, int[] ints, Bindings b) {
        this.op = op;
        this.f = f;
        FieldRows x = new FieldRows(op.out(), op.in(), b);
        blk = new FieldBlock(x, f, ints);
        xt = blk.xt;
        F = x.F;
        k = x.k;
        A = op.attention();
        P = x.pi.length;
        pi = x.pi;
        pj = x.pj;
        slot = x.slot;
        w = op.w();
        bias = op.b();
        h = op.projectionH();
        pp = op.projectionP();
        outOff = b.off(op.out());
        lg = new float[P * L];
        q = new float[P * L];
        e = new float[P * L];
        bp = new float[k * L];
    }

    @Override
    public void run(int users, int cands) {
        int rows = CpuSession.rows(op.out(), users, cands);
        for (int r0 = 0; r0 < rows; r0 += L) {
            int n = Math.min(L, rows - r0);
            VectorMask<Float> m = S.indexInRange(0, n);
            if (P == 0) {
                // no pair: the reference's attention-weighted sum is empty
                FloatVector.zero(S).intoArray(f, outOff + r0, m);
                continue;
            }
            blk.load(r0, n, users);
            boolean reuse = blk.reuse(r0, users);
            for (int p = 0; p < P; p++) if (!reuse || slot[p] < 0) pair(p);
            softmax(outOff + r0, m);
        }
    }

    /**
     * Pair p's logit {@code h·relu(Wᵀ(x_i ⊙ x_j) + b)} into {@code lg[p·L …]} and projection into {@code q[p·L …]},
     * two attention units per pass over the products.
     */
    private void pair(int p) {
        int kl = k * L, a0 = pi[p] * kl, b0 = pj[p] * kl;
        FloatVector zero = FloatVector.zero(S), s = zero, pq = zero;
        // the products go through bp: each attention unit's pass reloads them rather than holding k in registers
        for (int c = 0; c < k; c++) {
            FloatVector v = FloatVector.fromArray(S, xt, a0 + c * L).mul(FloatVector.fromArray(S, xt, b0 + c * L));
            v.intoArray(bp, c * L);
            pq = v.fma(FloatVector.broadcast(S, pp[c]), pq);
        }
        int a = 0;
        for (; a + 2 <= A; a += 2) {
            FloatVector t0 = FloatVector.broadcast(S, bias[a]), t1 = FloatVector.broadcast(S, bias[a + 1]);
            for (int c = 0; c < k; c++) {
                FloatVector v = FloatVector.fromArray(S, bp, c * L);
                t0 = v.fma(FloatVector.broadcast(S, w[c * A + a]), t0);
                t1 = v.fma(FloatVector.broadcast(S, w[c * A + a + 1]), t1);
            }
            // the reference's ReLU (t > 0 ? t : 0) maps NaN to 0; max(0) would keep it
            t0 = zero.blend(t0, t0.compare(VectorOperators.GT, 0f));
            t1 = zero.blend(t1, t1.compare(VectorOperators.GT, 0f));
            s = t0.fma(FloatVector.broadcast(S, h[a]), s);
            s = t1.fma(FloatVector.broadcast(S, h[a + 1]), s);
        }
        if (a < A) {
            FloatVector t = FloatVector.broadcast(S, bias[a]);
            for (int c = 0; c < k; c++) {
                t = FloatVector.fromArray(S, bp, c * L).fma(FloatVector.broadcast(S, w[c * A + a]), t);
            }
            t = zero.blend(t, t.compare(VectorOperators.GT, 0f));
            s = t.fma(FloatVector.broadcast(S, h[a]), s);
        }
        s.intoArray(lg, p * L);
        pq.intoArray(q, p * L);
    }

    /** Every lane's softmax over the pairs and its weighted projection sum, into {@code f[o …]} (lanes in m). */
    private void softmax(int o, VectorMask<Float> m) {
        FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        // the max is exact in any order
        for (int p = 0; p < P; p++) mx = mx.max(FloatVector.fromArray(S, lg, p * L));
        for (int p = 0; p < P; p++) FloatVector.fromArray(S, lg, p * L).sub(mx).intoArray(e, p * L);
        Vec.exp(e, 0, e, 0, P * L);
        FloatVector z = FloatVector.zero(S), num = z;
        for (int p = 0; p < P; p++) {
            FloatVector ev = FloatVector.fromArray(S, e, p * L);
            z = z.add(ev);
            num = ev.fma(FloatVector.fromArray(S, q, p * L), num);
        }
        num.div(z).intoArray(f, o, m);
    }
}
