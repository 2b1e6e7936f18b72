package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.BinaryOp;
import io.interestengine.graph.ReduceSumOp;
import io.interestengine.graph.Scope;
import io.interestengine.graph.SumOp;
import io.interestengine.graph.Value;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * Elementwise product and sum, the n-ary sum and the sum of a vector's entries in vectors; user-scope inputs
 * broadcast to candidate rows through the row map. Vectors narrower than one vector (the 1-wide logits of a linear
 * part) are summed with scalar adds: a masked load per element would cost more.
 * Concatenation is {@link SimdConcat}.
 */
final class SimdElementwise {
    private SimdElementwise() {
    }

    static Step binary(BinaryOp op, float[] f, int[] ints, int aOff, int bOff, int outOff, int rowMapOff) {
        Value out = op.out();
        int w = out.width();
        boolean mul = op.operation() == BinaryOp.Kind.MUL;
        return (users, cands) -> {
            int rows = CpuSession.rows(out, users, cands);
            for (int r = 0; r < rows; r++) {
                int a = aOff + CpuSession.src(op.a(), out.scope(), ints, rowMapOff, r) * w;
                int b = bOff + CpuSession.src(op.b(), out.scope(), ints, rowMapOff, r) * w;
                int o = outOff + r * w;
                for (int j = 0; j < w; j += L) {
                    if (j + L <= w) {
                        FloatVector x = FloatVector.fromArray(S, f, a + j), y = FloatVector.fromArray(S, f, b + j);
                        (mul ? x.mul(y) : x.add(y)).intoArray(f, o + j);
                    } else {
                        VectorMask<Float> m = S.indexInRange(j, w);
                        FloatVector x = FloatVector.fromArray(S, f, a + j, m), y = FloatVector.fromArray(S, f, b + j, m);
                        (mul ? x.mul(y) : x.add(y)).intoArray(f, o + j, m);
                    }
                }
            }
        };
    }

    /** Inputs added in list order per element, as the reference does: the result is the same to the bit. */
    static Step sum(SumOp op, float[] f, int[] ints, int[] inOffs, int outOff, int rowMapOff) {
        Value out = op.out();
        Value[] in = op.in().toArray(new Value[0]);
        int w = out.width(), n = in.length;
        int[] at = new int[n];
        if (w == 1) return sumLogits(op, f, ints, inOffs, outOff, rowMapOff);
        return (users, cands) -> {
            int rows = CpuSession.rows(out, users, cands);
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < n; k++) at[k] = inOffs[k] + CpuSession.src(in[k], out.scope(), ints, rowMapOff, r) * w;
                int o = outOff + r * w;
                for (int j = 0; j < w; j += L) {
                    if (j + L <= w) {
                        FloatVector acc = FloatVector.fromArray(S, f, at[0] + j);
                        for (int k = 1; k < n; k++) acc = acc.add(FloatVector.fromArray(S, f, at[k] + j));
                        acc.intoArray(f, o + j);
                    } else {
                        for (int c = j; c < w; c++) {
                            float acc = f[at[0] + c];
                            for (int k = 1; k < n; k++) acc += f[at[k] + c];
                            f[o + c] = acc;
                        }
                    }
                }
            }
        };
    }

    /**
     * One-wide inputs (a linear part's logits) with vectors across rows: an input of the output's scope is a
     * contiguous column; a user-scope one under candidate rows is gathered through the row map, or broadcast when
     * the request has one user, or read as a column when user r is row r (a batch). List order, as the reference.
     */
    private static Step sumLogits(SumOp op, float[] f, int[] ints, int[] inOffs, int outOff, int rowMapOff) {
        Value out = op.out();
        int n = inOffs.length;
        boolean[] user = new boolean[n];
        boolean anyUser = false;
        for (int k = 0; k < n; k++) {
            user[k] = out.scope() == Scope.CANDIDATE && op.in().get(k).scope() == Scope.USER;
            anyUser |= user[k];
        }
        boolean split = anyUser;
        int[] tailMap = new int[L];
        return (users, cands) -> {
            int rows = CpuSession.rows(out, users, cands);
            boolean column = !split || RowSums.identity(ints, rowMapOff, users, rows), one = users == 1;
            // The last rows' map padded with user 0: an unmasked gather (a masked one is not intrinsified at every
            // width) reads valid rows in the lanes the masked store then drops.
            if (split && !column && !one && rows % L != 0) {
                java.util.Arrays.fill(tailMap, 0);
                System.arraycopy(ints, rowMapOff + rows - rows % L, tailMap, 0, rows % L);
            }
            for (int r = 0; r < rows; r += L) {
                boolean full = r + L <= rows;
                VectorMask<Float> m = full ? S.maskAll(true) : S.indexInRange(r, rows);
                FloatVector acc = FloatVector.zero(S);
                for (int k = 0; k < n; k++) {
                    FloatVector x;
                    if (!user[k] || column) {
                        x = full ? FloatVector.fromArray(S, f, inOffs[k] + r)
                                : FloatVector.fromArray(S, f, inOffs[k] + r, m);
                    } else if (one) {
                        x = FloatVector.broadcast(S, f[inOffs[k]]);
                    } else {
                        x = full ? FloatVector.fromArray(S, f, inOffs[k], ints, rowMapOff + r)
                                : FloatVector.fromArray(S, f, inOffs[k], tailMap, 0);
                    }
                    acc = k == 0 ? x : acc.add(x);
                }
                if (full) acc.intoArray(f, outOff + r);
                else acc.intoArray(f, outOff + r, m);
            }
        };
    }

    /**
     * Lane-wise partial sums, then across lanes in {@link Vec#sum}'s fixed order (the same bits in every JIT tier):
     * not the reference's order (tests allow the rounding).
     */
    static Step reduceSum(ReduceSumOp op, float[] f, int inOff, int outOff) {
        int w = op.in().width(), full = w - w % L;
        float[] red = new float[L];
        return (users, cands) -> {
            int rows = CpuSession.rows(op.out(), users, cands);
            for (int r = 0; r < rows; r++) {
                int a = inOff + r * w;
                float s = 0f;
                if (full > 0) {
                    FloatVector acc = FloatVector.fromArray(S, f, a);
                    for (int j = L; j < full; j += L) acc = acc.add(FloatVector.fromArray(S, f, a + j));
                    acc.intoArray(red, 0);
                    s = Vec.sum(red, 0, L);
                }
                for (int j = full; j < w; j++) s += f[a + j];
                f[outOff + r] = s;
            }
        };
    }
}
