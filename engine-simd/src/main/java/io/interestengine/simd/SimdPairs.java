package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.OuterProductOp;
import io.interestengine.graph.Value;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * PNN's reduced inner product and its outer product (kernel mat, vec or num), one value per field pair, with
 * vectors across L rows: a block's fields are transposed channel-major ({@link FieldBlock}; a user field broadcast
 * when the request has one user), every pair is then k full-width FMAs (k² for mat) whatever k is, and the block's
 * {@code [pair][row]} results are transposed back into the rows' {@code [pair]} outputs. Both transposes are
 * in-register L × L blocks ({@link Transpose}): gathers, one float per lane, cost more than the pairs themselves.
 * Per-pair sums run over the channels in the reference's order.
 */
final class SimdPairs implements Step {
    private enum Kind { INNER, MAT, VEC, NUM }

    private final FieldRows x;
    private final Kind kind;
    private final Value out;
    private final FieldBlock blk;
    private final float[] f, kernel, xt, t, scratch = new float[L * L];
    private final int[] strideL, rowP;
    private final int P, k, F, outOff;
    /** This block's user pairs are in t from the first block: skip them. */
    private boolean reuse;

    /**
     * @param type the outer product's kernel type, or null for the reduced inner product
     * @param kernel the outer product's kernel ({@link SimdInteraction#outerKernel}: mat pair-major {@code [P][a][c]})
     */
    SimdPairs(Value out, java.util.List<Value> in, OuterProductOp.KernelType type, float[] kernel, float[] f,
              int[] ints, Bindings b) {
        this.out = out;
        this.f = f;
        this.kernel = kernel;
        kind = type == null ? Kind.INNER : switch (type) {
            case MAT -> Kind.MAT;
            case VEC -> Kind.VEC;
            case NUM -> Kind.NUM;
        };
        x = new FieldRows(out, in, b);
        blk = new FieldBlock(x, f, ints);
        F = x.F;
        k = x.k;
        P = x.pi.length;
        outOff = b.off(out);
        xt = blk.xt;
        // a vector of pairs past the last, read by the transpose of the last block of pairs
        t = new float[(P + L) * L];
        strideL = RowSums.strides(L);
        rowP = RowSums.strides(P);
    }

    @Override
    public void run(int users, int cands) {
        int rows = CpuSession.rows(out, users, cands);
        for (int r0 = 0; r0 < rows; r0 += L) {
            int n = Math.min(L, rows - r0);
            // One user: a pair of two user fields is the same in every row, and t keeps the first block's value.
            reuse = blk.reuse(r0, users);
            blk.load(r0, n, users);
            pairs();
            // [pair][row] back to the rows' [pair], L pairs at a time
            int q = 0, rowOut = outOff + r0 * P;
            if (Transpose.WHOLE) {
                for (; q + L <= P; q += L) Transpose.whole(t, q * L, strideL, 0, f, rowOut + q, rowP, 0, n);
                // the last, partial vector of pairs: where a row holds a whole vector of pairs, its last L pairs whole
                // (the ones already written again, with the same values) rather than masked
                if (q < P && P >= L) {
                    Transpose.whole(t, (P - L) * L, strideL, 0, f, rowOut + P - L, rowP, 0, n);
                    q = P;
                }
            }
            for (; q < P; q += L) {
                Transpose.block(t, q * L, strideL, 0, L, f, rowOut + q, rowP, 0, n, Math.min(L, P - q), scratch);
            }
        }
    }

    /** The six pairs among fields i0..i0+3. */
    private void dotsDiagonal(int i0) {
        if (reuse && users(i0)) return;
        int kl = k * L, a0 = i0 * kl;
        FloatVector c01 = FloatVector.zero(S), c02 = c01, c03 = c01, c12 = c01, c13 = c01, c23 = c01;
        for (int o = a0; o < a0 + kl; o += L) {
            FloatVector x0 = FloatVector.fromArray(S, xt, o), x1 = FloatVector.fromArray(S, xt, o + kl);
            FloatVector x2 = FloatVector.fromArray(S, xt, o + 2 * kl), x3 = FloatVector.fromArray(S, xt, o + 3 * kl);
            c01 = x0.fma(x1, c01);
            c02 = x0.fma(x2, c02);
            c03 = x0.fma(x3, c03);
            c12 = x1.fma(x2, c12);
            c13 = x1.fma(x3, c13);
            c23 = x2.fma(x3, c23);
        }
        int p0 = pair(i0, i0 + 1), p1 = pair(i0 + 1, i0 + 2), p2 = pair(i0 + 2, i0 + 3);
        boolean num = kind == Kind.NUM;
        (num ? c01.mul(kernel[p0]) : c01).intoArray(t, p0 * L);
        (num ? c02.mul(kernel[p0 + 1]) : c02).intoArray(t, (p0 + 1) * L);
        (num ? c03.mul(kernel[p0 + 2]) : c03).intoArray(t, (p0 + 2) * L);
        (num ? c12.mul(kernel[p1]) : c12).intoArray(t, p1 * L);
        (num ? c13.mul(kernel[p1 + 1]) : c13).intoArray(t, (p1 + 1) * L);
        (num ? c23.mul(kernel[p2]) : c23).intoArray(t, p2 * L);
    }

    /** Fields i0..i0+3 by j0, j0 + 1, both above every i: 8 pairs. */
    private void dots4x2(int i0, int j0) {
        if (reuse && users(i0) && x.user[j0] && x.user[j0 + 1]) return;
        int kl = k * L, a0 = i0 * kl, d = (j0 - i0) * kl;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00;
        FloatVector c31 = c00;
        for (int o = a0; o < a0 + kl; o += L) {
            FloatVector y0 = FloatVector.fromArray(S, xt, o + d), y1 = FloatVector.fromArray(S, xt, o + d + kl);
            FloatVector x = FloatVector.fromArray(S, xt, o);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            x = FloatVector.fromArray(S, xt, o + kl);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            x = FloatVector.fromArray(S, xt, o + 2 * kl);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            x = FloatVector.fromArray(S, xt, o + 3 * kl);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
        }
        int p = pair(i0, j0);
        boolean num = kind == Kind.NUM;
        (num ? c00.mul(kernel[p]) : c00).intoArray(t, p * L);
        (num ? c01.mul(kernel[p + 1]) : c01).intoArray(t, (p + 1) * L);
        p = pair(i0 + 1, j0);
        (num ? c10.mul(kernel[p]) : c10).intoArray(t, p * L);
        (num ? c11.mul(kernel[p + 1]) : c11).intoArray(t, (p + 1) * L);
        p = pair(i0 + 2, j0);
        (num ? c20.mul(kernel[p]) : c20).intoArray(t, p * L);
        (num ? c21.mul(kernel[p + 1]) : c21).intoArray(t, (p + 1) * L);
        p = pair(i0 + 3, j0);
        (num ? c30.mul(kernel[p]) : c30).intoArray(t, p * L);
        (num ? c31.mul(kernel[p + 1]) : c31).intoArray(t, (p + 1) * L);
    }

    /** Fields i0..i0+3 by j above every i: 4 pairs. */
    private void dots4x1(int i0, int j) {
        if (reuse && users(i0) && x.user[j]) return;
        int kl = k * L, a0 = i0 * kl, d = (j - i0) * kl;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        for (int o = a0; o < a0 + kl; o += L) {
            FloatVector y = FloatVector.fromArray(S, xt, o + d);
            c0 = FloatVector.fromArray(S, xt, o).fma(y, c0);
            c1 = FloatVector.fromArray(S, xt, o + kl).fma(y, c1);
            c2 = FloatVector.fromArray(S, xt, o + 2 * kl).fma(y, c2);
            c3 = FloatVector.fromArray(S, xt, o + 3 * kl).fma(y, c3);
        }
        int p0 = pair(i0, j), p1 = pair(i0 + 1, j), p2 = pair(i0 + 2, j), p3 = pair(i0 + 3, j);
        boolean num = kind == Kind.NUM;
        (num ? c0.mul(kernel[p0]) : c0).intoArray(t, p0 * L);
        (num ? c1.mul(kernel[p1]) : c1).intoArray(t, p1 * L);
        (num ? c2.mul(kernel[p2]) : c2).intoArray(t, p2 * L);
        (num ? c3.mul(kernel[p3]) : c3).intoArray(t, p3 * L);
    }

    /** Whether fields i..i+3 are all user fields. */
    private boolean users(int i) {
        return x.user[i] && x.user[i + 1] && x.user[i + 2] && x.user[i + 3];
    }

    /** Pair p of fields (i, j), i < j, in the reference's row-major order. */
    private int pair(int i, int j) {
        return i * (2 * F - i - 1) / 2 + j - i - 1;
    }

    private void dot(int i, int j) {
        if (reuse && x.user[i] && x.user[j]) return;
        int kl = k * L, a = i * kl, b = j * kl, p = pair(i, j);
        FloatVector acc = FloatVector.fromArray(S, xt, a).mul(FloatVector.fromArray(S, xt, b));
        for (int c = 1; c < k; c++) {
            acc = FloatVector.fromArray(S, xt, a + c * L).fma(FloatVector.fromArray(S, xt, b + c * L), acc);
        }
        if (kind == Kind.NUM) acc = acc.mul(kernel[p]);
        acc.intoArray(t, p * L);
    }

    /** Fields i0..i0+3 by j0..j0+3, every j above every i: 16 pairs. */
    private void dots4x4(int i0, int j0) {
        if (reuse && users(i0) && users(j0)) return;
        int kl = k * L, a0 = i0 * kl, b0 = j0 * kl;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00;
        FloatVector c13 = c00, c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int o = 0; o < kl; o += L) {
            // fma from zero is the reference's first product exactly (x·y + 0 rounds once, as x·y does)
            FloatVector x0 = FloatVector.fromArray(S, xt, a0 + o), x1 = FloatVector.fromArray(S, xt, a0 + kl + o);
            FloatVector x2 = FloatVector.fromArray(S, xt, a0 + 2 * kl + o);
            FloatVector x3 = FloatVector.fromArray(S, xt, a0 + 3 * kl + o);
            FloatVector y = FloatVector.fromArray(S, xt, b0 + o);
            c00 = x0.fma(y, c00);
            c10 = x1.fma(y, c10);
            c20 = x2.fma(y, c20);
            c30 = x3.fma(y, c30);
            y = FloatVector.fromArray(S, xt, b0 + kl + o);
            c01 = x0.fma(y, c01);
            c11 = x1.fma(y, c11);
            c21 = x2.fma(y, c21);
            c31 = x3.fma(y, c31);
            y = FloatVector.fromArray(S, xt, b0 + 2 * kl + o);
            c02 = x0.fma(y, c02);
            c12 = x1.fma(y, c12);
            c22 = x2.fma(y, c22);
            c32 = x3.fma(y, c32);
            y = FloatVector.fromArray(S, xt, b0 + 3 * kl + o);
            c03 = x0.fma(y, c03);
            c13 = x1.fma(y, c13);
            c23 = x2.fma(y, c23);
            c33 = x3.fma(y, c33);
        }
        boolean num = kind == Kind.NUM;
        int p0 = pair(i0, j0);
        (num ? c00.mul(kernel[p0]) : c00).intoArray(t, p0 * L);
        (num ? c01.mul(kernel[p0 + 1]) : c01).intoArray(t, (p0 + 1) * L);
        (num ? c02.mul(kernel[p0 + 2]) : c02).intoArray(t, (p0 + 2) * L);
        (num ? c03.mul(kernel[p0 + 3]) : c03).intoArray(t, (p0 + 3) * L);
        int p1 = pair(i0 + 1, j0);
        (num ? c10.mul(kernel[p1]) : c10).intoArray(t, p1 * L);
        (num ? c11.mul(kernel[p1 + 1]) : c11).intoArray(t, (p1 + 1) * L);
        (num ? c12.mul(kernel[p1 + 2]) : c12).intoArray(t, (p1 + 2) * L);
        (num ? c13.mul(kernel[p1 + 3]) : c13).intoArray(t, (p1 + 3) * L);
        int p2 = pair(i0 + 2, j0);
        (num ? c20.mul(kernel[p2]) : c20).intoArray(t, p2 * L);
        (num ? c21.mul(kernel[p2 + 1]) : c21).intoArray(t, (p2 + 1) * L);
        (num ? c22.mul(kernel[p2 + 2]) : c22).intoArray(t, (p2 + 2) * L);
        (num ? c23.mul(kernel[p2 + 3]) : c23).intoArray(t, (p2 + 3) * L);
        int p3 = pair(i0 + 3, j0);
        (num ? c30.mul(kernel[p3]) : c30).intoArray(t, p3 * L);
        (num ? c31.mul(kernel[p3 + 1]) : c31).intoArray(t, (p3 + 1) * L);
        (num ? c32.mul(kernel[p3 + 2]) : c32).intoArray(t, (p3 + 2) * L);
        (num ? c33.mul(kernel[p3 + 3]) : c33).intoArray(t, (p3 + 3) * L);
    }

    /**
     * {@code t[p·L + l]}: pair p of row r0 + l, every pair this block computes. The dot products (inner, num) and
     * vec go in blocks of four fields i by four fields j > i: per channel 8 loads feed 16 independent FMAs (a load
     * per FMA was the bound). The six pairs inside each block of four i share one pass, as do the j left at the edge
     * (two, then one, by the four i): a pair alone is a chain of k dependent FMAs, so the 85 of them at 26 fields
     * cost as much as all the 4 × 4 blocks. Only the pairs among the last F mod 4 fields (at most three) go one at a
     * time. mat takes each pair alone.
     */
    private void pairs() {
        if (kind == Kind.MAT) {
            for (int p = 0; p < P; p++) mat(p);
            return;
        }
        boolean vec = kind == Kind.VEC;
        int i0 = 0;
        for (; i0 + 4 <= F; i0 += 4) {
            if (vec) vecDiagonal(i0);
            else dotsDiagonal(i0);
            int j = i0 + 4;
            for (; j + 4 <= F; j += 4) {
                if (vec) vec4x4(i0, j);
                else dots4x4(i0, j);
            }
            if (j + 2 <= F) {
                if (vec) vec4x2(i0, j);
                else dots4x2(i0, j);
                j += 2;
            }
            if (j < F) {
                if (vec) vec4x1(i0, j);
                else dots4x1(i0, j);
            }
        }
        for (int i = i0; i < F; i++) {
            for (int j = i + 1; j < F; j++) {
                if (vec) mat(pair(i, j));
                else dot(i, j);
            }
        }
    }

    /**
     * The vec kernel for fields i0..i0+3 by j0..j0+3, every j above every i: per channel 8 loads feed 16 independent
     * chains ({@code Σ_c (x_i[c]·x_j[c])·K[p][c]} in the reference's order). Four pairs of one i loaded the i's channel
     * once per four pairs, and loads (with the kernel's broadcasts) rather than the arithmetic were the bound.
     */
    private void vec4x4(int i0, int j0) {
        if (reuse && users(i0) && users(j0)) return;
        int kl = k * L, a0 = i0 * kl, d = (j0 - i0) * kl;
        int p0 = pair(i0, j0), p1 = pair(i0 + 1, j0), p2 = pair(i0 + 2, j0), p3 = pair(i0 + 3, j0);
        int k0 = p0 * k, k1 = p1 * k, k2 = p2 * k, k3 = p3 * k;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00;
        FloatVector c13 = c00, c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int c = 0; c < k; c++) {
            int o = a0 + c * L;
            FloatVector x0 = FloatVector.fromArray(S, xt, o), x1 = FloatVector.fromArray(S, xt, o + kl);
            FloatVector x2 = FloatVector.fromArray(S, xt, o + 2 * kl), x3 = FloatVector.fromArray(S, xt, o + 3 * kl);
            FloatVector y = FloatVector.fromArray(S, xt, o + d);
            c00 = x0.mul(y).fma(FloatVector.broadcast(S, kernel[k0 + c]), c00);
            c10 = x1.mul(y).fma(FloatVector.broadcast(S, kernel[k1 + c]), c10);
            c20 = x2.mul(y).fma(FloatVector.broadcast(S, kernel[k2 + c]), c20);
            c30 = x3.mul(y).fma(FloatVector.broadcast(S, kernel[k3 + c]), c30);
            y = FloatVector.fromArray(S, xt, o + d + kl);
            c01 = x0.mul(y).fma(FloatVector.broadcast(S, kernel[k0 + k + c]), c01);
            c11 = x1.mul(y).fma(FloatVector.broadcast(S, kernel[k1 + k + c]), c11);
            c21 = x2.mul(y).fma(FloatVector.broadcast(S, kernel[k2 + k + c]), c21);
            c31 = x3.mul(y).fma(FloatVector.broadcast(S, kernel[k3 + k + c]), c31);
            y = FloatVector.fromArray(S, xt, o + d + 2 * kl);
            c02 = x0.mul(y).fma(FloatVector.broadcast(S, kernel[k0 + 2 * k + c]), c02);
            c12 = x1.mul(y).fma(FloatVector.broadcast(S, kernel[k1 + 2 * k + c]), c12);
            c22 = x2.mul(y).fma(FloatVector.broadcast(S, kernel[k2 + 2 * k + c]), c22);
            c32 = x3.mul(y).fma(FloatVector.broadcast(S, kernel[k3 + 2 * k + c]), c32);
            y = FloatVector.fromArray(S, xt, o + d + 3 * kl);
            c03 = x0.mul(y).fma(FloatVector.broadcast(S, kernel[k0 + 3 * k + c]), c03);
            c13 = x1.mul(y).fma(FloatVector.broadcast(S, kernel[k1 + 3 * k + c]), c13);
            c23 = x2.mul(y).fma(FloatVector.broadcast(S, kernel[k2 + 3 * k + c]), c23);
            c33 = x3.mul(y).fma(FloatVector.broadcast(S, kernel[k3 + 3 * k + c]), c33);
        }
        c00.intoArray(t, p0 * L);
        c01.intoArray(t, (p0 + 1) * L);
        c02.intoArray(t, (p0 + 2) * L);
        c03.intoArray(t, (p0 + 3) * L);
        c10.intoArray(t, p1 * L);
        c11.intoArray(t, (p1 + 1) * L);
        c12.intoArray(t, (p1 + 2) * L);
        c13.intoArray(t, (p1 + 3) * L);
        c20.intoArray(t, p2 * L);
        c21.intoArray(t, (p2 + 1) * L);
        c22.intoArray(t, (p2 + 2) * L);
        c23.intoArray(t, (p2 + 3) * L);
        c30.intoArray(t, p3 * L);
        c31.intoArray(t, (p3 + 1) * L);
        c32.intoArray(t, (p3 + 2) * L);
        c33.intoArray(t, (p3 + 3) * L);
    }

    /** The vec kernel for the six pairs among fields i0..i0+3: six independent chains. */
    private void vecDiagonal(int i0) {
        if (reuse && users(i0)) return;
        int kl = k * L, a0 = i0 * kl, p0 = pair(i0, i0 + 1), p1 = pair(i0 + 1, i0 + 2), p2 = pair(i0 + 2, i0 + 3);
        int k01 = p0 * k, k12 = p1 * k, k23 = p2 * k;
        FloatVector c01 = FloatVector.zero(S), c02 = c01, c03 = c01, c12 = c01, c13 = c01, c23 = c01;
        for (int c = 0; c < k; c++) {
            int o = a0 + c * L;
            FloatVector x0 = FloatVector.fromArray(S, xt, o), x1 = FloatVector.fromArray(S, xt, o + kl);
            FloatVector x2 = FloatVector.fromArray(S, xt, o + 2 * kl), x3 = FloatVector.fromArray(S, xt, o + 3 * kl);
            c01 = x0.mul(x1).fma(FloatVector.broadcast(S, kernel[k01 + c]), c01);
            c02 = x0.mul(x2).fma(FloatVector.broadcast(S, kernel[k01 + k + c]), c02);
            c03 = x0.mul(x3).fma(FloatVector.broadcast(S, kernel[k01 + 2 * k + c]), c03);
            c12 = x1.mul(x2).fma(FloatVector.broadcast(S, kernel[k12 + c]), c12);
            c13 = x1.mul(x3).fma(FloatVector.broadcast(S, kernel[k12 + k + c]), c13);
            c23 = x2.mul(x3).fma(FloatVector.broadcast(S, kernel[k23 + c]), c23);
        }
        c01.intoArray(t, p0 * L);
        c02.intoArray(t, (p0 + 1) * L);
        c03.intoArray(t, (p0 + 2) * L);
        c12.intoArray(t, p1 * L);
        c13.intoArray(t, (p1 + 1) * L);
        c23.intoArray(t, p2 * L);
    }

    /** The vec kernel for pairs (i0..i0+3, j0 and j0+1), both j above every i: eight chains. */
    private void vec4x2(int i0, int j0) {
        if (reuse && users(i0) && x.user[j0] && x.user[j0 + 1]) return;
        int kl = k * L, a0 = i0 * kl, d = (j0 - i0) * kl;
        int p0 = pair(i0, j0), p1 = pair(i0 + 1, j0), p2 = pair(i0 + 2, j0), p3 = pair(i0 + 3, j0);
        int k0 = p0 * k, k1 = p1 * k, k2 = p2 * k, k3 = p3 * k;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, e0 = c0, e1 = c0, e2 = c0, e3 = c0;
        for (int c = 0; c < k; c++) {
            int o = a0 + c * L;
            FloatVector x0 = FloatVector.fromArray(S, xt, o), x1 = FloatVector.fromArray(S, xt, o + kl);
            FloatVector x2 = FloatVector.fromArray(S, xt, o + 2 * kl), x3 = FloatVector.fromArray(S, xt, o + 3 * kl);
            FloatVector y = FloatVector.fromArray(S, xt, o + d);
            c0 = x0.mul(y).fma(FloatVector.broadcast(S, kernel[k0 + c]), c0);
            c1 = x1.mul(y).fma(FloatVector.broadcast(S, kernel[k1 + c]), c1);
            c2 = x2.mul(y).fma(FloatVector.broadcast(S, kernel[k2 + c]), c2);
            c3 = x3.mul(y).fma(FloatVector.broadcast(S, kernel[k3 + c]), c3);
            y = FloatVector.fromArray(S, xt, o + d + kl);
            e0 = x0.mul(y).fma(FloatVector.broadcast(S, kernel[k0 + k + c]), e0);
            e1 = x1.mul(y).fma(FloatVector.broadcast(S, kernel[k1 + k + c]), e1);
            e2 = x2.mul(y).fma(FloatVector.broadcast(S, kernel[k2 + k + c]), e2);
            e3 = x3.mul(y).fma(FloatVector.broadcast(S, kernel[k3 + k + c]), e3);
        }
        c0.intoArray(t, p0 * L);
        e0.intoArray(t, (p0 + 1) * L);
        c1.intoArray(t, p1 * L);
        e1.intoArray(t, (p1 + 1) * L);
        c2.intoArray(t, p2 * L);
        e2.intoArray(t, (p2 + 1) * L);
        c3.intoArray(t, p3 * L);
        e3.intoArray(t, (p3 + 1) * L);
    }

    /** The vec kernel for pairs (i0..i0+3, j), j above every i: field j's channel loaded once for four chains. */
    private void vec4x1(int i0, int j) {
        if (reuse && users(i0) && x.user[j]) return;
        int kl = k * L, a0 = i0 * kl, d = (j - i0) * kl;
        int p0 = pair(i0, j), p1 = pair(i0 + 1, j), p2 = pair(i0 + 2, j), p3 = pair(i0 + 3, j);
        int k0 = p0 * k, k1 = p1 * k, k2 = p2 * k, k3 = p3 * k;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        for (int c = 0; c < k; c++) {
            int o = a0 + c * L;
            FloatVector y = FloatVector.fromArray(S, xt, o + d);
            c0 = FloatVector.fromArray(S, xt, o).mul(y).fma(FloatVector.broadcast(S, kernel[k0 + c]), c0);
            c1 = FloatVector.fromArray(S, xt, o + kl).mul(y).fma(FloatVector.broadcast(S, kernel[k1 + c]), c1);
            c2 = FloatVector.fromArray(S, xt, o + 2 * kl).mul(y).fma(FloatVector.broadcast(S, kernel[k2 + c]), c2);
            c3 = FloatVector.fromArray(S, xt, o + 3 * kl).mul(y).fma(FloatVector.broadcast(S, kernel[k3 + c]), c3);
        }
        c0.intoArray(t, p0 * L);
        c1.intoArray(t, p1 * L);
        c2.intoArray(t, p2 * L);
        c3.intoArray(t, p3 * L);
    }

    /** {@code t[p·L + l]}: pair p of row r0 + l, one pair alone (vec at the edges, and mat). */
    private void mat(int p) {
        if (reuse && x.slot[p] >= 0) return;
        int kl = k * L, a = x.pi[p] * kl, b = x.pj[p] * kl;
        FloatVector acc = FloatVector.zero(S);
        if (kind == Kind.VEC) {
            for (int c = 0; c < k; c++) {
                int o = c * L;
                FloatVector pq = FloatVector.fromArray(S, xt, a + o).mul(FloatVector.fromArray(S, xt, b + o));
                acc = pq.fma(FloatVector.broadcast(S, kernel[p * k + c]), acc);
            }
        } else {
            // Σ_a q_a · Σ_c K[p][a][c]·p_c, p the pair's first field and q its second
            for (int e = 0; e < k; e++) {
                int kw = (p * k + e) * k;
                FloatVector s = FloatVector.fromArray(S, xt, a).mul(kernel[kw]);
                for (int c = 1; c < k; c++) {
                    s = FloatVector.fromArray(S, xt, a + c * L).fma(FloatVector.broadcast(S, kernel[kw + c]), s);
                }
                acc = s.fma(FloatVector.fromArray(S, xt, b + e * L), acc);
            }
        }
        acc.intoArray(t, p * L);
    }
}
