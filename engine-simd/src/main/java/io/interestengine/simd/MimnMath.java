package io.interestengine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * The MIMN kernel's passes beyond {@link Vec}'s: a vector natural log (for the sharpening power
 * {@code w^γ = e^{γ·ln w}} and softplus), softplus, and four dot products that share one lane reduction. Every
 * pass uses IEEE adds, multiplies, fused multiply-adds, divisions, square roots, blends, shuffles and bit
 * operations only, so that every execution tier gives the same bits (the library's {@code lanewise(LOG)} and
 * {@code reduceLanes(ADD)} do not); no vector crosses a call.
 */
final class MimnMath {
    /** {@link #log} kinds. */
    private static final int LOG_TIMES = 0, SOFTPLUS = 1;
    private static final float SQRT_HALF = 0.707106781186547524f;
    /** ln 2 split so that e·LN2_HI is exact for the exponents of floats (Cephes logf). */
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5·2^23: its bits plus a small integer i are the float 1.5·2^23 + i (an int to float conversion). */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);

    private MimnMath() {
    }

    /**
     * {@code x[o + j] = g[go + j]·ln x[o + j]} for {@code j < n}. Cephes logf (relative error within 2 ulp of
     * the exact log for normal and subnormal x; tested); ln 0 = −∞, ln ∞ = ∞, negative or NaN gives NaN.
     */
    static void logTimes(float[] x, int o, float[] g, int go, int n) {
        log(LOG_TIMES, x, o, g, go, null, 0, n);
    }

    /**
     * {@code x[o + j] = softplus(x[o + j]) = max(x, 0) + ln(1 + e^{−|x|})} for {@code j < n}; {@code tmp} holds at
     * least n floats. Absolute error within 3e-7 of the exact value below x = 1 and 2 ulp above (tested): it
     * is only ever added to 1.
     */
    static void softplus(float[] x, int o, float[] tmp, int n) {
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector.fromArray(S, x, o + j, m).abs().neg().intoArray(tmp, j, m);
        }
        Vec.exp(tmp, 0, tmp, 0, n);
        log(SOFTPLUS, x, o, null, 0, tmp, 0, n);
    }

    /**
     * The log pass: {@code LOG_TIMES} gives {@code g·ln x}; {@code SOFTPLUS} gives {@code max(x, 0) + ln1p(u)}
     * with {@code u = e^{−|x|}} read from {@code u}, ln1p as {@code ln(v)·u/(v − 1)} for {@code v = 1 + u}
     * (exact where the rounding of 1 + u would lose u's low bits; u itself where v rounds to 1).
     */
    private static void log(int kind, float[] x, int o, float[] g, int go, float[] u, int uo, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> m = S.indexInRange(j, n);
            // (no null vector on either path: C2 would box it)
            FloatVector xin = FloatVector.fromArray(S, x, o + j, m);
            FloatVector uv = kind == SOFTPLUS ? FloatVector.fromArray(S, u, uo + j, m) : xin;
            FloatVector a = kind == SOFTPLUS ? uv.add(one) : xin;
            // subnormals scaled into the normal range by 2^25 (their exponent corrected below)
            VectorMask<Float> sub = a.compare(VectorOperators.LT, Float.MIN_NORMAL);
            FloatVector as = a.blend(a.mul(0x1p25f), sub);
            IntVector bits = (IntVector) as.reinterpretAsInts();
            // a = mant·2^e, mant in [0.5, 1): the exponent field less 126, as a float by the 1.5·2^23 trick
            IntVector ei = bits.lanewise(VectorOperators.LSHR, 23).add(ROUND_BITS - 126);
            FloatVector e = ((FloatVector) ei.reinterpretAsFloats()).sub(ROUND);
            e = e.blend(e.sub(25f), sub);
            FloatVector mant = (FloatVector) bits.and(0x007fffff).or(0x3f000000).reinterpretAsFloats();
            VectorMask<Float> low = mant.compare(VectorOperators.LT, SQRT_HALF);
            e = e.blend(e.sub(one), low);
            FloatVector t = mant.sub(one);
            t = t.blend(mant.add(mant).sub(one), low);
            FloatVector z = t.mul(t);
            FloatVector p = t.fma(FloatVector.broadcast(S, 7.0376836292e-2f),
                    FloatVector.broadcast(S, -1.1514610310e-1f));
            p = t.fma(p, FloatVector.broadcast(S, 1.1676998740e-1f));
            p = t.fma(p, FloatVector.broadcast(S, -1.2420140846e-1f));
            p = t.fma(p, FloatVector.broadcast(S, 1.4249322787e-1f));
            p = t.fma(p, FloatVector.broadcast(S, -1.6668057665e-1f));
            p = t.fma(p, FloatVector.broadcast(S, 2.0000714765e-1f));
            p = t.fma(p, FloatVector.broadcast(S, -2.4999993993e-1f));
            p = t.fma(p, FloatVector.broadcast(S, 3.3333331174e-1f));
            FloatVector y = p.mul(t).mul(z);
            y = e.fma(FloatVector.broadcast(S, LN2_LO), y);
            y = z.fma(FloatVector.broadcast(S, -0.5f), y);
            y = t.add(y);
            y = e.fma(FloatVector.broadcast(S, LN2_HI), y);
            // 0 → −∞; ∞, NaN and negatives through sqrt: ∞, NaN, NaN
            VectorMask<Float> special = a.compare(VectorOperators.GT, 0f)
                    .and(a.compare(VectorOperators.LT, Float.POSITIVE_INFINITY)).not();
            FloatVector sp = a.sqrt().blend(FloatVector.broadcast(S, Float.NEGATIVE_INFINITY),
                    a.compare(VectorOperators.EQ, 0f));
            y = y.blend(sp, special);
            FloatVector r;
            if (kind == SOFTPLUS) {
                FloatVector l1p = y.mul(uv.div(a.sub(one))).blend(uv, a.compare(VectorOperators.EQ, 1f));
                r = xin.max(0f).add(l1p);
            } else {
                r = FloatVector.fromArray(S, g, go + j, m).mul(y);
            }
            r.intoArray(x, o + j, m);
        }
    }

    /**
     * The four dot products {@code a[a_q …]·b[b_q …]} of n terms, q = 0 … 3, into {@code out[oo + q·stride]}.
     * Per-lane fused multiply-adds, then one reduction for all four in a fixed order: the first two levels
     * fold pairs of accumulators into one vector (lane i adds lane i XOR L/2, then XOR L/4, each accumulator in
     * its own lanes), the rest is a butterfly; a quarter of {@link Vec#dot}'s shuffles. Every sum is the same
     * tree over its own lanes, so equal inputs give equal sums in any position.
     */
    static void dot4(float[] a, int a0, int a1, int a2, int a3, float[] b, int b0, int b1, int b2, int b3, int n,
                     float[] out, int oo, int stride) {
        if (L < 4) {
            out[oo] = Vec.dot(a, a0, b, b0, n);
            out[oo + stride] = Vec.dot(a, a1, b, b1, n);
            out[oo + 2 * stride] = Vec.dot(a, a2, b, b2, n);
            out[oo + 3 * stride] = Vec.dot(a, a3, b, b3, n);
            return;
        }
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> m = S.indexInRange(j, n);
            s0 = FloatVector.fromArray(S, a, a0 + j, m).fma(FloatVector.fromArray(S, b, b0 + j, m), s0);
            s1 = FloatVector.fromArray(S, a, a1 + j, m).fma(FloatVector.fromArray(S, b, b1 + j, m), s1);
            s2 = FloatVector.fromArray(S, a, a2 + j, m).fma(FloatVector.fromArray(S, b, b2 + j, m), s2);
            s3 = FloatVector.fromArray(S, a, a3 + j, m).fma(FloatVector.fromArray(S, b, b3 + j, m), s3);
        }
        // s0 | s1 by halves, s2 | s3 by halves, then the two by quarters: s0, s2, s1, s3 in quarters 0 to 3
        FloatVector h01 = s0.blend(s1, Vec.HALF).add(s1.blend(s0, Vec.HALF).rearrange(Vec.XH));
        FloatVector h23 = s2.blend(s3, Vec.HALF).add(s3.blend(s2, Vec.HALF).rearrange(Vec.XH));
        FloatVector r = h01.blend(h23, Vec.QUARTER).add(h23.blend(h01, Vec.QUARTER).rearrange(Vec.XQ));
        if (L > 4) r = r.add(r.rearrange(Vec.XE));
        if (L > 8) r = r.add(r.rearrange(Vec.XS));
        out[oo] = r.lane(0);
        out[oo + stride] = r.lane(L / 2);
        out[oo + 2 * stride] = r.lane(L / 4);
        out[oo + 3 * stride] = r.lane(L / 2 + L / 4);
    }
}
