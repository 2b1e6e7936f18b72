package io.interestengine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one float species every kernel uses. A {@code static final} so that C2 folds it and intrinsifies the
 * vector operations. The property {@code interestengine.simd.bits} (128, 256, 512) overrides the CPU's
 * preferred width: tests use it to run the wide-vector code paths (and their loop tails) on any machine,
 * where a width beyond the hardware runs through the Vector API's Java fallback, correct but slow.
 */
final class Vec {
    static final String BITS_PROPERTY = "interestengine.simd.bits";
    static final VectorSpecies<Float> S = species();
    /** Lanes per vector. */
    static final int L = S.length();
    /**
     * Butterfly shuffles of the fixed-order lane sum: lane i takes lane i XOR 2^k. Separate static finals, not
     * an array: C2 folds a static final shuffle into the instruction, but not an array element (it would be boxed).
     */
    private static final VectorShuffle<Float> X1 = xor(1), X2 = xor(2), X4 = xor(4), X8 = xor(8);
    /**
     * Lanes whose index has the bit L/2 (the upper half) or L/4 set: the first two levels of one fixed-order
     * lane sum of four vectors at once (each vector's sum lands in lane 0, L/2, L/4 or 3L/4).
     */
    static final VectorMask<Float> HALF = lanesWith(L / 2), QUARTER = lanesWith(L / 4);
    /** Lane i takes lane i XOR b, for b = L/2, L/4, L/8, L/16 (the identity where b is below one lane). */
    static final VectorShuffle<Float> XH = xor(L / 2), XQ = xor(L / 4), XE = xor(L / 8), XS = xor(L / 16);

    private Vec() {
    }

    private static VectorSpecies<Float> species() {
        String p = System.getProperty(BITS_PROPERTY);
        if (p == null || p.isBlank()) return FloatVector.SPECIES_PREFERRED;
        try {
            return VectorSpecies.of(float.class, VectorShape.forBitSize(Integer.parseInt(p.trim())));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + BITS_PROPERTY + "=" + p + ": expected 64, 128, 256 or 512", e);
        }
    }

    private static VectorShuffle<Float> xor(int bit) {
        if (L > 16) throw new IllegalStateException(L + " float lanes: the lane sum handles at most 16");
        return VectorShuffle.fromOp(S, i -> bit > 0 && bit < L ? i ^ bit : i);
    }

    private static VectorMask<Float> lanesWith(int bit) {
        boolean[] b = new boolean[L];
        for (int i = 0; i < L; i++) b[i] = bit > 0 && (i & bit) != 0;
        return VectorMask.fromArray(S, b, 0);
    }

    static int bits() {
        return S.vectorBitSize();
    }

    /** {@code n} rounded up to whole vectors. */
    static int pad(int n) {
        return (n + L - 1) / L * L;
    }

    /** {@link #map} kinds. */
    private static final int EXP = 0, SIGMOID = 1, TANH = 2, DICE = 3;
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split so that n·LN2_HI is exact for |n| < 2^9 (Cody–Waite). */
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5·2^23: adding it rounds a float below 2^22 in magnitude to the nearest integer, kept in the low bits. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    /** Above it e^x overflows a float; below it e^x is subnormal, flushed to 0. */
    static final float EXP_HI = 88.72283f, EXP_LO = -87.33654f;

    /** {@code dst[d + j] = e^{src[s + j]}} for {@code j < n}; {@code src} and {@code dst} may be the same floats. */
    static void exp(float[] src, int s, float[] dst, int d, int n) {
        map(EXP, src, s, dst, d, n, null, null, null);
    }

    /**
     * {@code dst[d + j] = 1 / (1 + e^{−src[s + j]})} for {@code j < n}; in place allowed. Within 4 ulp of the
     * exact value (tested); below −87 the result is under 2e-38 rather than the exact tiny value.
     */
    static void sigmoid(float[] src, int s, float[] dst, int d, int n) {
        map(SIGMOID, src, s, dst, d, n, null, null, null);
    }

    /**
     * {@code dst[d + j] = tanh(src[s + j])} for {@code j < n}; in place allowed. {@code 1 − 2/(e^{2x} + 1)}, and
     * below |x| = 0.1 the odd Taylor polynomial to x⁷ (truncation under 3e-11), where the exp form would lose
     * relative precision: absolute error within 2e-7, relative within 2e-6 (tested). Overflow of e^{2x} gives 1,
     * underflow −1, NaN stays NaN.
     */
    static void tanh(float[] src, int s, float[] dst, int d, int n) {
        map(TANH, src, s, dst, d, n, null, null, null);
    }

    /**
     * Dice: {@code α·(1−p)·x + p·x} with {@code p = sigmoid(a·x + c)}, in the reference's order of operations;
     * {@code a}, {@code c}, {@code alpha} indexed by {@code j} and padded to whole vectors. In place allowed.
     */
    static void dice(float[] src, int s, float[] dst, int d, int n, float[] a, float[] c, float[] alpha) {
        map(DICE, src, s, dst, d, n, a, c, alpha);
    }

    /**
     * Every transcendental of the kernels, as one pass over a run of floats: the loop and the exp polynomial in
     * one method, so that no vector crosses a call (C2 declines to inline a large vector method at a call site
     * it compiled while still cold, and then boxes the vectors on every call). The exp uses IEEE adds,
     * multiplies, fused multiply-adds and bit operations only, so that every execution tier (interpreter, C1,
     * C2, the Vector API's Java fallback) gives the same bits: the library's {@code lanewise(EXP)} is the
     * platform's vector math library once C2 compiles it and a scalar loop before, which differ in the last ulp.
     * Range reduction {@code z = n·ln2 + r} (|r| ≤ ln2/2, Cody–Waite), a degree-6 polynomial for e^r
     * ({@code 1 + r + r²·q(r)}, q fitted to the relative error: 3.1e-9 in exact arithmetic, under 0.84 ulp evaluated
     * in floats with these fused multiply-adds; one FMA fewer than Cephes expf's degree 7), and 2^n added to its
     * exponent bits. Relative error of e^z within 2 ulp of the correctly rounded value
     * for z in [EXP_LO, EXP_HI] (tested over the range); above, +∞; below, 0 (absolute error under 1.2e-38);
     * NaN gives NaN. The last vector of a run is masked: no float outside {@code [0, n)} is read or written.
     */
    private static void map(int kind, float[] src, int s, float[] dst, int d, int n,
                            float[] a, float[] c, float[] alpha) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector x = FloatVector.fromArray(S, src, s + j, m);
            // exp's argument: x, −x (sigmoid), 2x (tanh), −(a·x + c) (Dice's sigmoid)
            FloatVector z;
            if (kind == EXP) z = x;
            else if (kind == SIGMOID) z = x.neg();
            else if (kind == TANH) z = x.add(x);
            else z = FloatVector.fromArray(S, a, j).mul(x).add(FloatVector.fromArray(S, c, j)).neg();
            // Clamped by compare and blend (NaN compares false and passes through): cheaper than min/max, whose
            // Java semantics for NaN and −0 cost extra instructions. The gates clamp at 87, where their results
            // have saturated (sigmoid 0 or 1 within 2e-38, tanh ±1), so that n stays below 127.
            float hi = kind == EXP ? EXP_HI : 87f;
            FloatVector zc = z.blend(FloatVector.broadcast(S, hi), z.compare(VectorOperators.GT, hi));
            zc = zc.blend(FloatVector.broadcast(S, EXP_LO), zc.compare(VectorOperators.LT, EXP_LO));
            FloatVector t = zc.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUND));
            FloatVector nf = t.sub(ROUND);
            FloatVector r = nf.fma(FloatVector.broadcast(S, -LN2_HI), zc);
            r = nf.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(FloatVector.broadcast(S, 1.381453825e-3f), FloatVector.broadcast(S, 8.368745446e-3f));
            p = r.fma(p, FloatVector.broadcast(S, 4.166838899e-2f));
            p = r.fma(p, FloatVector.broadcast(S, 1.666652113e-1f));
            p = r.fma(p, FloatVector.broadcast(S, 4.999999404e-1f));
            p = r.mul(r).fma(p, r).add(one);
            // 2^n as a float: the rounded n sits in t's low mantissa bits; n + 127 shifted into the exponent
            // field. Above 127.5·ln 2, n is 128, which has no float: scale by 2^127 and double the (finite) result.
            IntVector tb = (IntVector) t.reinterpretAsInts();
            FloatVector e;
            if (kind != EXP) {
                // n within ±126 here; t's bits are ROUND_BITS + n, whose shift by 23 leaves n·2^23 (ROUND_BITS's low
                // 9 bits are zero): 2^n's bits are that plus 127·2^23
                e = p.mul((FloatVector) tb.lanewise(VectorOperators.LSHL, 23).add(127 << 23).reinterpretAsFloats());
            } else {
                IntVector n0 = tb.sub(ROUND_BITS);
                e = p.mul((FloatVector) n0.min(127).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                e = e.blend(e.add(e), n0.compare(VectorOperators.GT, 127).cast(S));
                // NaN passes through p; beyond the clamp e^z is +∞ or (subnormal, flushed) 0
                e = e.blend(FloatVector.broadcast(S, Float.POSITIVE_INFINITY), z.compare(VectorOperators.GT, EXP_HI));
                e = e.blend(FloatVector.zero(S), z.compare(VectorOperators.LT, EXP_LO));
            }
            FloatVector y;
            if (kind == EXP) {
                y = e;
            } else if (kind == SIGMOID) {
                y = one.div(e.add(one));
            } else if (kind == TANH) {
                FloatVector big = one.sub(FloatVector.broadcast(S, 2f).div(e.add(one)));
                FloatVector x2 = x.mul(x);
                FloatVector q = x2.fma(FloatVector.broadcast(S, -17f / 315f), FloatVector.broadcast(S, 2f / 15f));
                q = x2.fma(q, FloatVector.broadcast(S, -1f / 3f));
                y = big.blend(x.mul(x2).fma(q, x), x.abs().lt(0.1f));
            } else {
                FloatVector pr = one.div(e.add(one));
                y = FloatVector.fromArray(S, alpha, j).mul(one.sub(pr)).mul(x).add(pr.mul(x));
            }
            y.intoArray(dst, d + j, m);
        }
    }

    /** {@code a[o] + … + a[o + n − 1]} in one fixed order: {@link #dot} with the multiplier 1 (exact). */
    static float sum(float[] a, int o, int n) {
        return dot(a, o, null, 0, n);
    }

    /**
     * {@code Σ a[ao + j]·b[bo + j]} for {@code j < n} ({@code b} null: every {@code b} is 1), in one fixed order
     * whatever code runs it: per-lane fused multiply-adds, then a butterfly of IEEE adds across the lanes (lane i
     * adds lane i XOR 2^k, k = 0, 1, …). The library's {@code reduceLanes(ADD)} orders its adds differently in
     * the interpreter, C1 and C2, and so differs in the last bit between a session's first call and its later
     * ones. The butterfly is written out here rather than called, so that no vector crosses a call.
     */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(S), one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector y = b == null ? one : FloatVector.fromArray(S, b, bo + j, m);
            acc = FloatVector.fromArray(S, a, ao + j, m).fma(y, acc);
        }
        if (L > 1) acc = acc.add(acc.rearrange(X1));
        if (L > 2) acc = acc.add(acc.rearrange(X2));
        if (L > 4) acc = acc.add(acc.rearrange(X4));
        if (L > 8) acc = acc.add(acc.rearrange(X8));
        return acc.lane(0);
    }

    /**
     * {@code out[q] = Σ_i a[q·L + i]} for q = 0 … 3: the lane sums of four vectors stored one after another,
     * sharing one butterfly (halves, then quarters, then within quarters) in a fixed order whatever code runs it.
     */
    static void sum4(float[] a, float[] out) {
        if (L < 4) {
            for (int q = 0; q < 4; q++) out[q] = sum(a, q * L, L);
            return;
        }
        FloatVector s0 = FloatVector.fromArray(S, a, 0), s1 = FloatVector.fromArray(S, a, L);
        FloatVector s2 = FloatVector.fromArray(S, a, 2 * L), s3 = FloatVector.fromArray(S, a, 3 * L);
        // s0 | s1 by halves, s2 | s3 by halves, then the two by quarters: s0, s2, s1, s3 in quarters 0 to 3
        FloatVector h01 = s0.blend(s1, HALF).add(s1.blend(s0, HALF).rearrange(XH));
        FloatVector h23 = s2.blend(s3, HALF).add(s3.blend(s2, HALF).rearrange(XH));
        FloatVector r = h01.blend(h23, QUARTER).add(h23.blend(h01, QUARTER).rearrange(XQ));
        if (L > 4) r = r.add(r.rearrange(XE));
        if (L > 8) r = r.add(r.rearrange(XS));
        out[0] = r.lane(0);
        out[1] = r.lane(L / 2);
        out[2] = r.lane(L / 4);
        out[3] = r.lane(L / 2 + L / 4);
    }
}
