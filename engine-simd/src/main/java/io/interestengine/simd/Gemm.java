package io.interestengine.simd;

import jdk.incubator.vector.FloatVector;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * {@code C[m, 0..n) = act(bias + Cin[m] + A[m, 0..k) · B)} for {@code m < M}, B packed {@code [k][npad]}.
 * Register tiles of 4 rows × 2 vectors: per step of k, two loads of B and four broadcasts of A feed eight
 * FMAs, so the FMA units and not the load ports bound the loop; 8 accumulators plus 2 B vectors and a
 * broadcast fit the 16 registers of AVX2 without spilling. Bias, the optional per-row addend and the
 * activation are applied to the accumulators before the single store, so C is written once.
 */
final class Gemm {
    private Gemm() {
    }

    /** Operands of one call. A plain mutable holder owned by one kernel, reused every call (no allocation). */
    static final class Call {
        float[] a;
        int aOff, lda, m, k;
        float[] b;
        int npad, n;
        float[] bias;
        int biasOff;
        /** Optional per-row addend {@code cin[cinOff + m·ldcin + col]}, or null. */
        float[] cin;
        int cinOff, ldcin;
        float[] c;
        int cOff, ldc;
        /** When C rows are padded to npad, full vectors are stored; otherwise the last one is masked. */
        boolean cPadded;
        Act act = Act.NONE;

        Call weights(Packed p) {
            b = p.w;
            npad = p.npad;
            n = p.n;
            k = p.k;
            bias = p.bias;
            biasOff = 0;
            act = p.act;
            cin = null;
            return this;
        }

        Call a(float[] a, int off, int lda, int rows) {
            this.a = a;
            this.aOff = off;
            this.lda = lda;
            this.m = rows;
            return this;
        }

        Call c(float[] c, int off, int ldc, boolean padded) {
            this.c = c;
            this.cOff = off;
            this.ldc = ldc;
            this.cPadded = padded;
            return this;
        }

        void run() {
            Gemm.run(this);
        }
    }

    static void run(Call g) {
        int nv = g.npad / L, M = g.m;
        int r = 0;
        for (; r + 4 <= M; r += 4) {
            int v = 0;
            for (; v + 2 <= nv; v += 2) tile4x2(g, r, v * L);
            if (v < nv) tile4x1(g, r, v * L);
        }
        for (; r < M; r++) {
            int v = 0;
            for (; v + 2 <= nv; v += 2) tile1x2(g, r, v * L);
            if (v < nv) tile1x1(g, r, v * L);
        }
    }

    private static FloatVector init(Call g, int row, int col) {
        FloatVector v = FloatVector.fromArray(S, g.bias, g.biasOff + col);
        return g.cin == null ? v : v.add(FloatVector.fromArray(S, g.cin, g.cinOff + row * g.ldcin + col));
    }

    private static void store(Call g, FloatVector acc, int row, int col) {
        FloatVector y = g.act.apply(acc, col);
        int off = g.cOff + row * g.ldc + col;
        if (g.cPadded || col + L <= g.n) y.intoArray(g.c, off);
        else y.intoArray(g.c, off, S.indexInRange(col, g.n));
    }

    private static void tile4x2(Call g, int r, int col) {
        float[] a = g.a, b = g.b;
        int lda = g.lda, npad = g.npad, K = g.k;
        int a0 = g.aOff + r * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        FloatVector c00 = init(g, r, col), c01 = init(g, r, col + L);
        FloatVector c10 = init(g, r + 1, col), c11 = init(g, r + 1, col + L);
        FloatVector c20 = init(g, r + 2, col), c21 = init(g, r + 2, col + L);
        FloatVector c30 = init(g, r + 3, col), c31 = init(g, r + 3, col + L);
        int bo = col;
        for (int k = 0; k < K; k++, bo += npad) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[a1 + k]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[a2 + k]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[a3 + k]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
        }
        store(g, c00, r, col);
        store(g, c01, r, col + L);
        store(g, c10, r + 1, col);
        store(g, c11, r + 1, col + L);
        store(g, c20, r + 2, col);
        store(g, c21, r + 2, col + L);
        store(g, c30, r + 3, col);
        store(g, c31, r + 3, col + L);
    }

    private static void tile4x1(Call g, int r, int col) {
        float[] a = g.a, b = g.b;
        int lda = g.lda, npad = g.npad, K = g.k;
        int a0 = g.aOff + r * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        FloatVector c0 = init(g, r, col), c1 = init(g, r + 1, col), c2 = init(g, r + 2, col), c3 = init(g, r + 3, col);
        int bo = col;
        for (int k = 0; k < K; k++, bo += npad) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            c0 = b0.fma(FloatVector.broadcast(S, a[a0 + k]), c0);
            c1 = b0.fma(FloatVector.broadcast(S, a[a1 + k]), c1);
            c2 = b0.fma(FloatVector.broadcast(S, a[a2 + k]), c2);
            c3 = b0.fma(FloatVector.broadcast(S, a[a3 + k]), c3);
        }
        store(g, c0, r, col);
        store(g, c1, r + 1, col);
        store(g, c2, r + 2, col);
        store(g, c3, r + 3, col);
    }

    private static void tile1x2(Call g, int r, int col) {
        float[] a = g.a, b = g.b;
        int npad = g.npad, K = g.k, a0 = g.aOff + r * g.lda;
        FloatVector c0 = init(g, r, col), c1 = init(g, r, col + L);
        int bo = col;
        for (int k = 0; k < K; k++, bo += npad) {
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
            c0 = FloatVector.fromArray(S, b, bo).fma(x, c0);
            c1 = FloatVector.fromArray(S, b, bo + L).fma(x, c1);
        }
        store(g, c0, r, col);
        store(g, c1, r, col + L);
    }

    private static void tile1x1(Call g, int r, int col) {
        float[] a = g.a, b = g.b;
        int npad = g.npad, K = g.k, a0 = g.aOff + r * g.lda;
        FloatVector c0 = init(g, r, col);
        int bo = col;
        for (int k = 0; k < K; k++, bo += npad) c0 = FloatVector.fromArray(S, b, bo).fma(FloatVector.broadcast(S, a[a0 + k]), c0);
        store(g, c0, r, col);
    }
}
