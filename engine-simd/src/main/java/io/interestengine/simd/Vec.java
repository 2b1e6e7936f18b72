package io.interestengine.simd;

import jdk.incubator.vector.FloatVector;
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
}
