package io.interestengine.simd;

import jdk.incubator.vector.FloatVector;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * {@code C[m, 0..npad) = bias + Cin[m] + A[m, 0..k) · B} for {@code m < M}, B packed {@code [k][npad]}, C rows
 * padded to whole vectors. Register tiles of 4 rows × 2 vectors: per step of k, two loads of B and four
 * broadcasts of A feed eight FMAs, so the FMA units and not the load ports bound the loop; 8 accumulators,
 * 2 B vectors and a broadcast fit the 16 registers of AVX2 without spilling. With 16 lanes (AVX-512's 32
 * registers) tiles of 4 rows × 3 vectors go first (see {@link #WIDE}). The activation is a separate
 * pass ({@link Act#apply}) over the rows just written, still in L1.
 *
 * <p>No method here takes or returns a vector: a vector crossing a call that C2 does not inline is boxed
 * (an allocation per call), so each tile is written out in full.
 */
final class Gemm {
    /**
     * Whether tiles of 4 rows × 3 vectors run: with 16 lanes (AVX-512, 32 vector registers) their 12 accumulators,
     * 3 B vectors and a broadcast fit without spilling; measured about 8% faster than 4 × 2 on DIN's attention
     * (bench/results/cpu-20261129-kernel-speed). AVX2's 16 registers would spill them.
     */
    private static final boolean WIDE = L >= 16;

    private Gemm() {
    }

    /** Operands of one call. A plain mutable holder owned by one kernel, reused every call (no allocation). */
    static final class Call {
        float[] a;
        int aOff, lda, m, k;
        float[] b;
        int npad;
        float[] bias;
        /** Optional per-row addend {@code cin[cinOff + m·ldcin + col]}, or null. */
        float[] cin;
        int cinOff, ldcin;
        float[] c;
        int cOff, ldc;

        Call weights(Packed p) {
            b = p.w;
            npad = p.npad;
            k = p.k;
            bias = p.bias;
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

        /** Adds {@code cin[off + m·ld + col]} to row m of C (set after {@link #weights}, which clears it). */
        Call addend(float[] cin, int off, int ld) {
            this.cin = cin;
            this.cinOff = off;
            this.ldcin = ld;
            return this;
        }

        /** {@code ldc} must be at least {@code npad} and a multiple of the vector length. */
        Call c(float[] c, int off, int ldc) {
            this.c = c;
            this.cOff = off;
            this.ldc = ldc;
            return this;
        }

        void run() {
            Gemm.run(this);
        }
    }

    static void run(Call g) {
        init(g);
        int nv = g.npad / L, M = g.m;
        int r = 0;
        for (; r + 4 <= M; r += 4) tiles4(g, r, 0, nv);
        for (; r < M; r++) {
            int v = 0;
            for (; v + 2 <= nv; v += 2) tile1x2(g, r, v * L);
            if (v < nv) tile1x1(g, r, v * L);
        }
    }

    /** Rows {@code [r, r + 4)}, vectors {@code [v, nv)} of the row. */
    private static void tiles4(Call g, int r, int v, int nv) {
        if (WIDE) for (; v + 3 <= nv; v += 3) tile4x3(g, r, v * L);
        for (; v + 2 <= nv; v += 2) tile4x2(g, r, v * L);
        if (v < nv) tile4x1(g, r, v * L);
    }

    private static void init(Call g) {
        float[] c = g.c, bias = g.bias, cin = g.cin;
        int npad = g.npad;
        for (int r = 0; r < g.m; r++) {
            int o = g.cOff + r * g.ldc;
            if (cin == null) {
                System.arraycopy(bias, 0, c, o, npad);
            } else {
                int i = g.cinOff + r * g.ldcin;
                for (int col = 0; col < npad; col += L) {
                    FloatVector.fromArray(S, bias, col).add(FloatVector.fromArray(S, cin, i + col)).intoArray(c, o + col);
                }
            }
        }
    }

    private static void tile4x3(Call g, int r, int col) {
        float[] a = g.a, b = g.b, c = g.c;
        int lda = g.lda, npad = g.npad, K = g.k, ldc = g.ldc;
        int a0 = g.aOff + r * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        int o0 = g.cOff + r * ldc + col, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, o0), c01 = FloatVector.fromArray(S, c, o0 + L), c02 = FloatVector.fromArray(S, c, o0 + 2 * L);
        FloatVector c10 = FloatVector.fromArray(S, c, o1), c11 = FloatVector.fromArray(S, c, o1 + L), c12 = FloatVector.fromArray(S, c, o1 + 2 * L);
        FloatVector c20 = FloatVector.fromArray(S, c, o2), c21 = FloatVector.fromArray(S, c, o2 + L), c22 = FloatVector.fromArray(S, c, o2 + 2 * L);
        FloatVector c30 = FloatVector.fromArray(S, c, o3), c31 = FloatVector.fromArray(S, c, o3 + L), c32 = FloatVector.fromArray(S, c, o3 + 2 * L);
        int bo = col;
        for (int k = 0; k < K; k++, bo += npad) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L), b2 = FloatVector.fromArray(S, b, bo + 2 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            x = FloatVector.broadcast(S, a[a1 + k]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            x = FloatVector.broadcast(S, a[a2 + k]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            x = FloatVector.broadcast(S, a[a3 + k]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
        }
        c00.intoArray(c, o0);
        c01.intoArray(c, o0 + L);
        c02.intoArray(c, o0 + 2 * L);
        c10.intoArray(c, o1);
        c11.intoArray(c, o1 + L);
        c12.intoArray(c, o1 + 2 * L);
        c20.intoArray(c, o2);
        c21.intoArray(c, o2 + L);
        c22.intoArray(c, o2 + 2 * L);
        c30.intoArray(c, o3);
        c31.intoArray(c, o3 + L);
        c32.intoArray(c, o3 + 2 * L);
    }

    private static void tile4x2(Call g, int r, int col) {
        float[] a = g.a, b = g.b, c = g.c;
        int lda = g.lda, npad = g.npad, K = g.k, ldc = g.ldc;
        int a0 = g.aOff + r * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        int o0 = g.cOff + r * ldc + col, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, o0), c01 = FloatVector.fromArray(S, c, o0 + L);
        FloatVector c10 = FloatVector.fromArray(S, c, o1), c11 = FloatVector.fromArray(S, c, o1 + L);
        FloatVector c20 = FloatVector.fromArray(S, c, o2), c21 = FloatVector.fromArray(S, c, o2 + L);
        FloatVector c30 = FloatVector.fromArray(S, c, o3), c31 = FloatVector.fromArray(S, c, o3 + L);
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
        c00.intoArray(c, o0);
        c01.intoArray(c, o0 + L);
        c10.intoArray(c, o1);
        c11.intoArray(c, o1 + L);
        c20.intoArray(c, o2);
        c21.intoArray(c, o2 + L);
        c30.intoArray(c, o3);
        c31.intoArray(c, o3 + L);
    }

    private static void tile4x1(Call g, int r, int col) {
        float[] a = g.a, b = g.b, c = g.c;
        int lda = g.lda, npad = g.npad, K = g.k, ldc = g.ldc;
        int a0 = g.aOff + r * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        int o0 = g.cOff + r * ldc + col, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        FloatVector c0 = FloatVector.fromArray(S, c, o0), c1 = FloatVector.fromArray(S, c, o1);
        FloatVector c2 = FloatVector.fromArray(S, c, o2), c3 = FloatVector.fromArray(S, c, o3);
        int bo = col;
        for (int k = 0; k < K; k++, bo += npad) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            c0 = b0.fma(FloatVector.broadcast(S, a[a0 + k]), c0);
            c1 = b0.fma(FloatVector.broadcast(S, a[a1 + k]), c1);
            c2 = b0.fma(FloatVector.broadcast(S, a[a2 + k]), c2);
            c3 = b0.fma(FloatVector.broadcast(S, a[a3 + k]), c3);
        }
        c0.intoArray(c, o0);
        c1.intoArray(c, o1);
        c2.intoArray(c, o2);
        c3.intoArray(c, o3);
    }

    private static void tile1x2(Call g, int r, int col) {
        float[] a = g.a, b = g.b, c = g.c;
        int npad = g.npad, K = g.k, a0 = g.aOff + r * g.lda, o0 = g.cOff + r * g.ldc + col;
        FloatVector c0 = FloatVector.fromArray(S, c, o0), c1 = FloatVector.fromArray(S, c, o0 + L);
        int bo = col;
        for (int k = 0; k < K; k++, bo += npad) {
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
            c0 = FloatVector.fromArray(S, b, bo).fma(x, c0);
            c1 = FloatVector.fromArray(S, b, bo + L).fma(x, c1);
        }
        c0.intoArray(c, o0);
        c1.intoArray(c, o0 + L);
    }

    private static void tile1x1(Call g, int r, int col) {
        float[] a = g.a, b = g.b, c = g.c;
        int npad = g.npad, K = g.k, a0 = g.aOff + r * g.lda, o0 = g.cOff + r * g.ldc + col;
        FloatVector c0 = FloatVector.fromArray(S, c, o0);
        int bo = col;
        for (int k = 0; k < K; k++, bo += npad) c0 = FloatVector.fromArray(S, b, bo).fma(FloatVector.broadcast(S, a[a0 + k]), c0);
        c0.intoArray(c, o0);
    }
}
