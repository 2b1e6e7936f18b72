package io.interestengine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
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

    static int bits() {
        return S.vectorBitSize();
    }

    /** {@code n} rounded up to whole vectors. */
    static int pad(int n) {
        return (n + L - 1) / L * L;
    }

    /**
     * tanh from the library's vector exp: {@code 1 − 2/(e^{2x} + 1)}, and below |x| = 0.1 the odd Taylor
     * polynomial to x⁷ (truncation under 3e-11), where the exp form would lose relative precision. Measured on
     * this project's AVX2 machine at about 2.5× the speed of {@code lanewise(TANH)} (SVML's tanh is far slower
     * than its exp on JDK 25); absolute error within 2e-7, relative within 2e-6. Overflow of e^{2x} gives 1,
     * underflow −1, NaN stays NaN. Small enough for C2 to inline, so no vector crosses a call.
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector e = x.add(x).lanewise(VectorOperators.EXP);
        FloatVector big = one.sub(FloatVector.broadcast(S, 2f).div(e.add(one)));
        FloatVector x2 = x.mul(x);
        FloatVector p = x2.fma(FloatVector.broadcast(S, -17f / 315f), FloatVector.broadcast(S, 2f / 15f));
        p = x2.fma(p, FloatVector.broadcast(S, -1f / 3f));
        FloatVector small = x.mul(x2).fma(p, x);
        VectorMask<Float> near0 = x.abs().lt(0.1f);
        return big.blend(small, near0);
    }

    /**
     * {@code dst[d + j] = tanh(src[s + j])} for {@code j < n} (a masked last vector when {@code n} is not a whole
     * number of vectors). Callers whose vectors would otherwise cross a call take this array form: C2 inlines the
     * vector {@link #tanh(FloatVector)} into this hot loop, where it may decline at a call site it compiled while
     * still cold, and a vector passed to a method that is not inlined is boxed on every call.
     */
    static void tanh(float[] src, int s, float[] dst, int d, int n) {
        int j = 0;
        for (; j + L <= n; j += L) tanh(FloatVector.fromArray(S, src, s + j)).intoArray(dst, d + j);
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            tanh(FloatVector.fromArray(S, src, s + j, m)).intoArray(dst, d + j, m);
        }
    }
}
