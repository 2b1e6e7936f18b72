package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.AfmOp;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * AFM with the pairs across the lanes. A row's fields are transposed to {@code xt[c][field]}, so that the products
 * of field i with fields {@code j = j0 … j0 + L − 1} are one broadcast times one contiguous load per component:
 * pairs (i, j > i) come in blocks of up to L lanes, no gather. Each block's products are kept for the weighted
 * sum; the attention logits of all blocks go through one {@link Vec#exp} pass (the same bits in every JIT tier)
 * and every sum across lanes is {@link Vec#sum}'s fixed order. Every pair is computed per output row: the user
 * pairs are about a quarter of them and splitting them off costs more than it saves once the pairs are lanes.
 */
final class SimdAfm implements Step {
    private final AfmOp op;
    private final FieldRows x;
    private final float[] f, xt, bs, lg, red, w, bias, h, pp;
    private final int[] ints, blockI, blockJ;
    private final int F, k, A, stride, outOff;

    SimdAfm(AfmOp op, float[] f, int[] ints, Bindings b) {
        this.op = op;
        this.f = f;
        this.ints = ints;
        x = new FieldRows(op.out(), op.in(), b);
        F = x.F;
        k = x.k;
        A = op.attention();
        w = op.w();
        bias = op.b();
        h = op.projectionH();
        pp = op.projectionP();
        outOff = b.off(op.out());
        // a row of xt: the F fields, then zeros that the last block's masked-off lanes read
        stride = F + L;
        int blocks = 0;
        for (int i = 0; i < F; i++) for (int j = i + 1; j < F; j += L) blocks++;
        blockI = new int[blocks];
        blockJ = new int[blocks];
        for (int i = 0, n = 0; i < F; i++) {
            for (int j = i + 1; j < F; j += L, n++) {
                blockI[n] = i;
                blockJ[n] = j;
            }
        }
        xt = new float[k * stride];
        bs = new float[blocks * k * L];
        lg = new float[blocks * L];
        red = new float[L];
    }

    @Override
    public void run(int users, int cands) {
        int rows = CpuSession.rows(op.out(), users, cands), blocks = blockI.length;
        FloatVector zero = FloatVector.zero(S), ninf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int r = 0; r < rows; r++) {
            if (blocks == 0) {
                // no pair: the reference's attention-weighted sum is empty
                f[outOff + r] = 0f;
                continue;
            }
            int u = x.userRow(ints, r);
            for (int i = 0; i < F; i++) {
                int a = x.at(i, r, u);
                for (int c = 0; c < k; c++) xt[c * stride + i] = f[a + c];
            }
            FloatVector mx = ninf;
            for (int n = 0; n < blocks; n++) {
                int i = blockI[n], j = blockJ[n], o = n * k * L;
                for (int c = 0; c < k; c++) {
                    FloatVector.fromArray(S, xt, c * stride + j).mul(xt[c * stride + i]).intoArray(bs, o + c * L);
                }
                // two attention units per pass over the products: each product vector loaded once for both
                FloatVector s = zero;
                int a = 0;
                for (; a + 2 <= A; a += 2) {
                    FloatVector t0 = FloatVector.broadcast(S, bias[a]), t1 = FloatVector.broadcast(S, bias[a + 1]);
                    for (int c = 0; c < k; c++) {
                        FloatVector bv = FloatVector.fromArray(S, bs, o + c * L);
                        t0 = bv.fma(FloatVector.broadcast(S, w[c * A + a]), t0);
                        t1 = bv.fma(FloatVector.broadcast(S, w[c * A + a + 1]), t1);
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
                        t = FloatVector.fromArray(S, bs, o + c * L).fma(FloatVector.broadcast(S, w[c * A + a]), t);
                    }
                    t = zero.blend(t, t.compare(VectorOperators.GT, 0f));
                    s = t.fma(FloatVector.broadcast(S, h[a]), s);
                }
                if (j + L > F) s = s.blend(ninf, S.indexInRange(j, F).not());
                s.intoArray(lg, n * L);
                mx = mx.max(s);
            }
            // the max is exact in any order: no dependence on how the lanes are reduced
            float max = mx.reduceLanes(VectorOperators.MAX);
            for (int j = 0; j < blocks * L; j += L) FloatVector.fromArray(S, lg, j).sub(max).intoArray(lg, j);
            Vec.exp(lg, 0, lg, 0, blocks * L);
            float z = Vec.sum(lg, 0, blocks * L);
            FloatVector tot = zero;
            for (int c = 0; c < k; c++) {
                FloatVector acc = zero;
                for (int n = 0; n < blocks; n++) {
                    acc = FloatVector.fromArray(S, bs, n * k * L + c * L).fma(FloatVector.fromArray(S, lg, n * L), acc);
                }
                tot = acc.fma(FloatVector.broadcast(S, pp[c]), tot);
            }
            tot.intoArray(red, 0);
            f[outOff + r] = Vec.sum(red, 0, L) / z;
        }
    }
}
