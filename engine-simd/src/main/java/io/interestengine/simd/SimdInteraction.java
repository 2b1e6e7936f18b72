package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.FmOp;
import io.interestengine.graph.InnerProductOp;
import io.interestengine.graph.OuterProductOp;
import io.interestengine.graph.Scope;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * Field interactions, the user part of a ranking request computed once per user row ({@link FieldRows}): FM and
 * bi-interaction with vectors across rows, the user fields' sum and sum of squares spread to the candidate rows;
 * the unreduced inner product with vectors across the k channels, the user pairs' outputs once per user (AFM is
 * {@link SimdAfm}). Scratch is sized at bind.
 */
final class SimdInteraction {
    private SimdInteraction() {
    }

    /**
     * FM and bi-interaction with vectors across rows ({@link RowSums}): the user fields' sums once per user row, spread
     * to the candidate rows, then the candidate fields added over the whole block; FM's per-row total by gathers.
     */
    static final class Fm implements Step {
        private final FmOp op;
        private final FieldRows x;
        private final float[] f, s, q, su, qu;
        private final int[] ints, idx;
        private final boolean split;
        private final int outOff;

        Fm(FmOp op, float[] f, int[] ints, Bindings b) {
            this.op = op;
            this.f = f;
            this.ints = ints;
            x = new FieldRows(op.out(), op.in(), b);
            boolean anyUser = false;
            for (boolean u : x.user) anyUser |= u;
            split = x.candOut && anyUser;
            int k = x.k, rows = b.maxRows(op.out().scope());
            // a block of L rows past the last for the gathers, a vector past that for the stores
            s = new float[(rows + L) * k + L];
            q = new float[s.length];
            su = split ? new float[b.maxRows(Scope.USER) * k + L] : null;
            qu = split ? new float[su.length] : null;
            idx = RowSums.strides(k);
            outOff = b.off(op.out());
        }

        @Override
        public void run(int users, int cands) {
            int rows = CpuSession.rows(op.out(), users, cands), k = x.k, n = rows * k;
            if (split && RowSums.identity(ints, x.rowMapOff, users, rows)) {
                // A batch (sample r is user r): every field is [rows, k] alike, one pass over all of them.
                RowSums.sumSquares(f, x.off, null, false, n, s, q, false);
            } else {
                if (split) {
                    RowSums.sumSquares(f, x.off, x.user, true, users * k, su, qu, false);
                    RowSums.spread(su, k, s, rows, ints, x.rowMapOff);
                    RowSums.spread(qu, k, q, rows, ints, x.rowMapOff);
                }
                // The fields of the output's own rows: the candidate fields, or all of them when the output is per
                // user.
                RowSums.sumSquares(f, x.off, x.user, !x.candOut, n, s, q, split);
            }
            if (op.perChannel()) {
                for (int j = 0; j < n; j += L) {
                    FloatVector sv = FloatVector.fromArray(S, s, j);
                    FloatVector t = sv.mul(sv).sub(FloatVector.fromArray(S, q, j)).mul(0.5f);
                    if (j + L <= n) t.intoArray(f, outOff + j);
                    else t.intoArray(f, outOff + j, S.indexInRange(j, n));
                }
            } else {
                for (int j = 0; j < n; j += L) {
                    FloatVector sv = FloatVector.fromArray(S, s, j);
                    sv.mul(sv).sub(FloatVector.fromArray(S, q, j)).intoArray(s, j);
                }
                RowSums.rowTotals(s, k, idx, rows, 0.5f, f, outOff);
            }
        }
    }

    /**
     * PNN's unreduced inner product: k values per pair, the user pairs' once per user row. (The reduced inner product
     * and the outer products are {@link SimdPairs}.)
     */
    static final class Products implements Step {
        private final InnerProductOp inner;
        private final FieldRows x;
        private final float[] f, userOut;
        private final int[] ints;
        private final int outOff, P, k, width;

        Products(InnerProductOp inner, float[] f, int[] ints, Bindings b) {
            this.inner = inner;
            this.f = f;
            this.ints = ints;
            x = new FieldRows(inner.out(), inner.in(), b);
            P = x.pi.length;
            k = x.k;
            width = inner.out().width();
            outOff = b.off(inner.out());
            userOut = new float[Math.max(1, b.maxRows(Scope.USER) * x.userPairs * k)];
        }

        @Override
        public void run(int users, int cands) {
            for (int u = 0; u < users; u++) {
                for (int p = 0; p < P; p++) {
                    if (x.slot[p] < 0) continue;
                    pair(x.off[x.pi[p]] + u * k, x.off[x.pj[p]] + u * k, userOut, (u * x.userPairs + x.slot[p]) * k);
                }
            }
            int rows = CpuSession.rows(inner.out(), users, cands);
            for (int r = 0; r < rows; r++) {
                int u = x.userRow(ints, r), o = outOff + r * width;
                for (int p = 0; p < P; p++) {
                    if (x.slot[p] >= 0) System.arraycopy(userOut, (u * x.userPairs + x.slot[p]) * k, f, o + p * k, k);
                    else pair(x.at(x.pi[p], r, u), x.at(x.pj[p], r, u), f, o + p * k);
                }
            }
        }

        private void pair(int p, int q, float[] dst, int d) {
            for (int j = 0; j < k; j += L) {
                boolean full = j + L <= k;
                VectorMask<Float> m = full ? S.maskAll(true) : S.indexInRange(j, k);
                FloatVector a = full ? FloatVector.fromArray(S, f, p + j) : FloatVector.fromArray(S, f, p + j, m);
                FloatVector b = full ? FloatVector.fromArray(S, f, q + j) : FloatVector.fromArray(S, f, q + j, m);
                if (full) a.mul(b).intoArray(dst, d + j);
                else a.mul(b).intoArray(dst, d + j, m);
            }
        }
    }

    /** The mat kernel {@code [k, P, k]} repacked pair-major {@code [P][a][c]}; the others as they are. */
    static float[] outerKernel(OuterProductOp op) {
        if (op.type() != OuterProductOp.KernelType.MAT) return op.kernel();
        int k = op.k(), P = op.out().width();
        float[] r = new float[P * k * k];
        for (int a = 0; a < k; a++) {
            for (int p = 0; p < P; p++) System.arraycopy(op.kernel(), (a * P + p) * k, r, (p * k + a) * k, k);
        }
        return r;
    }
}
