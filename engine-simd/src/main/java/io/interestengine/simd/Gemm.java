package io.interestengine.simd;

import jdk.incubator.vector.FloatVector;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * {@code C[m, 0..npad) = bias + Cin[m] + A[m, 0..k) · B} for {@code m < M}, B packed {@code [k][npad]}, C rows
 * padded to whole vectors. Register tiles of 4 rows × 2 vectors: per step of k, two loads of B and four
 * broadcasts of A feed eight FMAs, so the FMA units and not the load ports bound the loop; 8 accumulators,
 * 2 B vectors and a broadcast fit the 16 registers of AVX2 without spilling. With 16 lanes (AVX-512's 32
 * registers) tiles of 4 rows × 5 and × 3 vectors go first (see {@link #WIDE}). Each tile starts its accumulators
 * from the bias (plus the addend) and writes C once: no pass initialises C before the tiles. The activation is a
 * separate pass ({@link Act#apply}) over the rows just written, still in L1.
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
        int nv = g.npad / L, M = g.m;
        int r = 0;
        for (; r + 4 <= M; r += 4) tiles4(g, r, nv);
        for (; r < M; r++) {
            int v = 0;
            for (; v + 2 <= nv; v += 2) tile1x2(g, r, v * L);
            if (v < nv) tile1x1(g, r, v * L);
        }
    }

    /**
     * Rows {@code [r, r + 4)}: with 16 lanes, tiles of 5 vectors, then of 3; then 2 and 1. (Tiles of 2 vectors and a
     * half for DIN's 40 of 48 columns were a sixth faster, but their 256-bit half vectors in a 512-bit JVM left C2
     * boxing vectors per row in other kernels in some JIT orders: not kept.)
     */
    private static void tiles4(Call g, int r, int nv) {
        int v = 0;
        if (WIDE) {
            for (; v + 5 <= nv; v += 5) tile4x5(g, r, v * L);
            for (; v + 3 <= nv; v += 3) tile4x3(g, r, v * L);
        }
        for (; v + 2 <= nv; v += 2) tile4x2(g, r, v * L);
        if (v < nv) tile4x1(g, r, v * L);
    }

    /** 4 rows × 5 vectors from column {@code col}. */
    private static void tile4x5(Call g, int r, int col) {
        float[] a = g.a, b = g.b, c = g.c, bias = g.bias, cin = g.cin;
        int lda = g.lda, npad = g.npad, K = g.k, ldc = g.ldc;
        int a0 = g.aOff + r * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        int o0 = g.cOff + r * ldc + col, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        int i0 = cin == null ? 0 : g.cinOff + r * g.ldcin + col, i1 = i0 + g.ldcin, i2 = i1 + g.ldcin,
                i3 = i2 + g.ldcin;
        FloatVector z0 = FloatVector.fromArray(S, bias, col), z1 = FloatVector.fromArray(S, bias, col + 1 * L),
                z2 = FloatVector.fromArray(S, bias, col + 2 * L), z3 = FloatVector.fromArray(S, bias, col + 3 * L),
                z4 = FloatVector.fromArray(S, bias, col + 4 * L);
        FloatVector c00 = z0, c01 = z1, c02 = z2, c03 = z3, c04 = z4, c10 = z0, c11 = z1, c12 = z2, c13 = z3, c14 = z4,
                c20 = z0, c21 = z1, c22 = z2, c23 = z3, c24 = z4, c30 = z0, c31 = z1, c32 = z2, c33 = z3, c34 = z4;
        if (cin != null) {
            c00 = c00.add(FloatVector.fromArray(S, cin, i0));
            c01 = c01.add(FloatVector.fromArray(S, cin, i0 + 1 * L));
            c02 = c02.add(FloatVector.fromArray(S, cin, i0 + 2 * L));
            c03 = c03.add(FloatVector.fromArray(S, cin, i0 + 3 * L));
            c04 = c04.add(FloatVector.fromArray(S, cin, i0 + 4 * L));
            c10 = c10.add(FloatVector.fromArray(S, cin, i1));
            c11 = c11.add(FloatVector.fromArray(S, cin, i1 + 1 * L));
            c12 = c12.add(FloatVector.fromArray(S, cin, i1 + 2 * L));
            c13 = c13.add(FloatVector.fromArray(S, cin, i1 + 3 * L));
            c14 = c14.add(FloatVector.fromArray(S, cin, i1 + 4 * L));
            c20 = c20.add(FloatVector.fromArray(S, cin, i2));
            c21 = c21.add(FloatVector.fromArray(S, cin, i2 + 1 * L));
            c22 = c22.add(FloatVector.fromArray(S, cin, i2 + 2 * L));
            c23 = c23.add(FloatVector.fromArray(S, cin, i2 + 3 * L));
            c24 = c24.add(FloatVector.fromArray(S, cin, i2 + 4 * L));
            c30 = c30.add(FloatVector.fromArray(S, cin, i3));
            c31 = c31.add(FloatVector.fromArray(S, cin, i3 + 1 * L));
            c32 = c32.add(FloatVector.fromArray(S, cin, i3 + 2 * L));
            c33 = c33.add(FloatVector.fromArray(S, cin, i3 + 3 * L));
            c34 = c34.add(FloatVector.fromArray(S, cin, i3 + 4 * L));
        }
        int bo = col;
        for (int k = 0; k < K; k++, bo += npad) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + 1 * L),
                    b2 = FloatVector.fromArray(S, b, bo + 2 * L), b3 = FloatVector.fromArray(S, b, bo + 3 * L),
                    b4 = FloatVector.fromArray(S, b, bo + 4 * L);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + k]);
            c00 = b0.fma(x0, c00); c01 = b1.fma(x0, c01); c02 = b2.fma(x0, c02); c03 = b3.fma(x0, c03);
            c04 = b4.fma(x0, c04);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + k]);
            c10 = b0.fma(x1, c10); c11 = b1.fma(x1, c11); c12 = b2.fma(x1, c12); c13 = b3.fma(x1, c13);
            c14 = b4.fma(x1, c14);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + k]);
            c20 = b0.fma(x2, c20); c21 = b1.fma(x2, c21); c22 = b2.fma(x2, c22); c23 = b3.fma(x2, c23);
            c24 = b4.fma(x2, c24);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + k]);
            c30 = b0.fma(x3, c30); c31 = b1.fma(x3, c31); c32 = b2.fma(x3, c32); c33 = b3.fma(x3, c33);
            c34 = b4.fma(x3, c34);
        }
        c00.intoArray(c, o0); c01.intoArray(c, o0 + 1 * L); c02.intoArray(c, o0 + 2 * L); c03.intoArray(c, o0 + 3 * L);
        c04.intoArray(c, o0 + 4 * L);
        c10.intoArray(c, o1); c11.intoArray(c, o1 + 1 * L); c12.intoArray(c, o1 + 2 * L); c13.intoArray(c, o1 + 3 * L);
        c14.intoArray(c, o1 + 4 * L);
        c20.intoArray(c, o2); c21.intoArray(c, o2 + 1 * L); c22.intoArray(c, o2 + 2 * L); c23.intoArray(c, o2 + 3 * L);
        c24.intoArray(c, o2 + 4 * L);
        c30.intoArray(c, o3); c31.intoArray(c, o3 + 1 * L); c32.intoArray(c, o3 + 2 * L); c33.intoArray(c, o3 + 3 * L);
        c34.intoArray(c, o3 + 4 * L);
    }

    /** 4 rows × 3 vectors from column {@code col}. */
    private static void tile4x3(Call g, int r, int col) {
        float[] a = g.a, b = g.b, c = g.c, bias = g.bias, cin = g.cin;
        int lda = g.lda, npad = g.npad, K = g.k, ldc = g.ldc;
        int a0 = g.aOff + r * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        int o0 = g.cOff + r * ldc + col, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        int i0 = cin == null ? 0 : g.cinOff + r * g.ldcin + col, i1 = i0 + g.ldcin, i2 = i1 + g.ldcin,
                i3 = i2 + g.ldcin;
        FloatVector z0 = FloatVector.fromArray(S, bias, col), z1 = FloatVector.fromArray(S, bias, col + 1 * L),
                z2 = FloatVector.fromArray(S, bias, col + 2 * L);
        FloatVector c00 = z0, c01 = z1, c02 = z2, c10 = z0, c11 = z1, c12 = z2, c20 = z0, c21 = z1, c22 = z2, c30 = z0,
                c31 = z1, c32 = z2;
        if (cin != null) {
            c00 = c00.add(FloatVector.fromArray(S, cin, i0));
            c01 = c01.add(FloatVector.fromArray(S, cin, i0 + 1 * L));
            c02 = c02.add(FloatVector.fromArray(S, cin, i0 + 2 * L));
            c10 = c10.add(FloatVector.fromArray(S, cin, i1));
            c11 = c11.add(FloatVector.fromArray(S, cin, i1 + 1 * L));
            c12 = c12.add(FloatVector.fromArray(S, cin, i1 + 2 * L));
            c20 = c20.add(FloatVector.fromArray(S, cin, i2));
            c21 = c21.add(FloatVector.fromArray(S, cin, i2 + 1 * L));
            c22 = c22.add(FloatVector.fromArray(S, cin, i2 + 2 * L));
            c30 = c30.add(FloatVector.fromArray(S, cin, i3));
            c31 = c31.add(FloatVector.fromArray(S, cin, i3 + 1 * L));
            c32 = c32.add(FloatVector.fromArray(S, cin, i3 + 2 * L));
        }
        int bo = col;
        for (int k = 0; k < K; k++, bo += npad) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + 1 * L),
                    b2 = FloatVector.fromArray(S, b, bo + 2 * L);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + k]);
            c00 = b0.fma(x0, c00); c01 = b1.fma(x0, c01); c02 = b2.fma(x0, c02);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + k]);
            c10 = b0.fma(x1, c10); c11 = b1.fma(x1, c11); c12 = b2.fma(x1, c12);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + k]);
            c20 = b0.fma(x2, c20); c21 = b1.fma(x2, c21); c22 = b2.fma(x2, c22);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + k]);
            c30 = b0.fma(x3, c30); c31 = b1.fma(x3, c31); c32 = b2.fma(x3, c32);
        }
        c00.intoArray(c, o0); c01.intoArray(c, o0 + 1 * L); c02.intoArray(c, o0 + 2 * L);
        c10.intoArray(c, o1); c11.intoArray(c, o1 + 1 * L); c12.intoArray(c, o1 + 2 * L);
        c20.intoArray(c, o2); c21.intoArray(c, o2 + 1 * L); c22.intoArray(c, o2 + 2 * L);
        c30.intoArray(c, o3); c31.intoArray(c, o3 + 1 * L); c32.intoArray(c, o3 + 2 * L);
    }

    /** 4 rows × 2 vectors from column {@code col}. */
    private static void tile4x2(Call g, int r, int col) {
        float[] a = g.a, b = g.b, c = g.c, bias = g.bias, cin = g.cin;
        int lda = g.lda, npad = g.npad, K = g.k, ldc = g.ldc;
        int a0 = g.aOff + r * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        int o0 = g.cOff + r * ldc + col, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        int i0 = cin == null ? 0 : g.cinOff + r * g.ldcin + col, i1 = i0 + g.ldcin, i2 = i1 + g.ldcin,
                i3 = i2 + g.ldcin;
        FloatVector z0 = FloatVector.fromArray(S, bias, col), z1 = FloatVector.fromArray(S, bias, col + 1 * L);
        FloatVector c00 = z0, c01 = z1, c10 = z0, c11 = z1, c20 = z0, c21 = z1, c30 = z0, c31 = z1;
        if (cin != null) {
            c00 = c00.add(FloatVector.fromArray(S, cin, i0));
            c01 = c01.add(FloatVector.fromArray(S, cin, i0 + 1 * L));
            c10 = c10.add(FloatVector.fromArray(S, cin, i1));
            c11 = c11.add(FloatVector.fromArray(S, cin, i1 + 1 * L));
            c20 = c20.add(FloatVector.fromArray(S, cin, i2));
            c21 = c21.add(FloatVector.fromArray(S, cin, i2 + 1 * L));
            c30 = c30.add(FloatVector.fromArray(S, cin, i3));
            c31 = c31.add(FloatVector.fromArray(S, cin, i3 + 1 * L));
        }
        int bo = col;
        for (int k = 0; k < K; k++, bo += npad) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + 1 * L);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + k]);
            c00 = b0.fma(x0, c00); c01 = b1.fma(x0, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + k]);
            c10 = b0.fma(x1, c10); c11 = b1.fma(x1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + k]);
            c20 = b0.fma(x2, c20); c21 = b1.fma(x2, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + k]);
            c30 = b0.fma(x3, c30); c31 = b1.fma(x3, c31);
        }
        c00.intoArray(c, o0); c01.intoArray(c, o0 + 1 * L);
        c10.intoArray(c, o1); c11.intoArray(c, o1 + 1 * L);
        c20.intoArray(c, o2); c21.intoArray(c, o2 + 1 * L);
        c30.intoArray(c, o3); c31.intoArray(c, o3 + 1 * L);
    }

    /** 4 rows × 1 vector from column {@code col}. */
    private static void tile4x1(Call g, int r, int col) {
        float[] a = g.a, b = g.b, c = g.c, bias = g.bias, cin = g.cin;
        int lda = g.lda, npad = g.npad, K = g.k, ldc = g.ldc;
        int a0 = g.aOff + r * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        int o0 = g.cOff + r * ldc + col, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        int i0 = cin == null ? 0 : g.cinOff + r * g.ldcin + col, i1 = i0 + g.ldcin, i2 = i1 + g.ldcin,
                i3 = i2 + g.ldcin;
        FloatVector z0 = FloatVector.fromArray(S, bias, col);
        FloatVector c00 = z0, c10 = z0, c20 = z0, c30 = z0;
        if (cin != null) {
            c00 = c00.add(FloatVector.fromArray(S, cin, i0));
            c10 = c10.add(FloatVector.fromArray(S, cin, i1));
            c20 = c20.add(FloatVector.fromArray(S, cin, i2));
            c30 = c30.add(FloatVector.fromArray(S, cin, i3));
        }
        int bo = col;
        for (int k = 0; k < K; k++, bo += npad) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + k]);
            c00 = b0.fma(x0, c00);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + k]);
            c10 = b0.fma(x1, c10);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + k]);
            c20 = b0.fma(x2, c20);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + k]);
            c30 = b0.fma(x3, c30);
        }
        c00.intoArray(c, o0);
        c10.intoArray(c, o1);
        c20.intoArray(c, o2);
        c30.intoArray(c, o3);
    }

    /** 1 row × 2 vectors from column {@code col}. */
    private static void tile1x2(Call g, int r, int col) {
        float[] a = g.a, b = g.b, c = g.c, bias = g.bias, cin = g.cin;
        int lda = g.lda, npad = g.npad, K = g.k, ldc = g.ldc;
        int a0 = g.aOff + r * lda;
        int o0 = g.cOff + r * ldc + col;
        int i0 = cin == null ? 0 : g.cinOff + r * g.ldcin + col;
        FloatVector z0 = FloatVector.fromArray(S, bias, col), z1 = FloatVector.fromArray(S, bias, col + 1 * L);
        FloatVector c00 = z0, c01 = z1;
        if (cin != null) {
            c00 = c00.add(FloatVector.fromArray(S, cin, i0));
            c01 = c01.add(FloatVector.fromArray(S, cin, i0 + 1 * L));
        }
        int bo = col;
        for (int k = 0; k < K; k++, bo += npad) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + 1 * L);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + k]);
            c00 = b0.fma(x0, c00); c01 = b1.fma(x0, c01);
        }
        c00.intoArray(c, o0); c01.intoArray(c, o0 + 1 * L);
    }

    /** 1 row × 1 vector from column {@code col}. */
    private static void tile1x1(Call g, int r, int col) {
        float[] a = g.a, b = g.b, c = g.c, bias = g.bias, cin = g.cin;
        int lda = g.lda, npad = g.npad, K = g.k, ldc = g.ldc;
        int a0 = g.aOff + r * lda;
        int o0 = g.cOff + r * ldc + col;
        int i0 = cin == null ? 0 : g.cinOff + r * g.ldcin + col;
        FloatVector z0 = FloatVector.fromArray(S, bias, col);
        FloatVector c00 = z0;
        if (cin != null) {
            c00 = c00.add(FloatVector.fromArray(S, cin, i0));
        }
        int bo = col;
        for (int k = 0; k < K; k++, bo += npad) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + k]);
            c00 = b0.fma(x0, c00);
        }
        c00.intoArray(c, o0);
    }
}
