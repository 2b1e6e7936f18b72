package io.interestengine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * An L × L block of floats transposed in registers: stage b swaps the off-diagonal b × b sub-blocks of each pair of
 * vectors i, i + b (each way a lane exchange and a blend), for b = 1, 2, 4, 8 below L. The stages below 4 pair vectors
 * within groups of four consecutive ones, those from 4 up vectors within the groups {g, g + 4, g + 8, g + 12}: so
 * the block runs as groups of four vectors, held in registers, through an L × L scratch between the two halves. It
 * replaces gathers that read one float per lane from L places (a row block's field channel-major, a block of pair
 * results back into the rows' outputs); the moves are exact, so results do not change. Groups rather than all L
 * vectors at once, and the two halves in two methods, keep each method small enough for C1 at every width: a method
 * C1 cannot compile (out of virtual registers) can stay below C2, where every vector is boxed. The exchange and
 * blend ran the pair kernels 5-8% faster than the two-vector {@code selectFrom} (thread CPU time, loaded machine).
 */
final class Transpose {
    /** Stage b's lane exchange: lane j takes lane j XOR b (identity where b ≥ L, unused). */
    private static final VectorShuffle<Float> X1 = xor(1), X2 = xor(2), X4 = xor(4), X8 = xor(8);
    /** Stage b's lanes with bit b of the lane number set (UP: from the high vector) or clear (DOWN). */
    private static final VectorMask<Float> UP1 = bit(1, true), DOWN1 = bit(1, false), UP2 = bit(2, true),
            DOWN2 = bit(2, false), UP4 = bit(4, true), DOWN4 = bit(4, false), UP8 = bit(8, true), DOWN8 = bit(8, false);

    private Transpose() {
    }

    private static VectorShuffle<Float> xor(int b) {
        return VectorShuffle.fromOp(S, j -> b < L ? j ^ b : j);
    }

    private static VectorMask<Float> bit(int b, boolean set) {
        boolean[] m = new boolean[L];
        for (int j = 0; j < L; j++) m[j] = ((j & b) != 0) == set;
        return VectorMask.fromArray(S, m, 0);
    }

    /**
     * {@code b[bBase + bOff[bo + j] + i] = a[aBase + aOff[ao + i] + j]} for {@code i < bLanes}, {@code j < bCount}.
     * Reads the first {@code aLanes} floats at each of the L places {@code aBase + aOff[ao + i]} (every one of them,
     * so each must be valid: the caller repeats a row for a block's missing ones), the lanes past them zero; writes
     * {@code bLanes} floats at each of the first {@code bCount} places. {@code scratch} holds L·L floats. Only
     * arrays cross the call.
     */
    static void block(float[] a, int aBase, int[] aOff, int ao, int aLanes, float[] b, int bBase, int[] bOff, int bo,
                      int bCount, int bLanes, float[] scratch) {
        if (L < 4) throw new IllegalStateException(L + " float lanes: the transpose needs at least 4");
        VectorMask<Float> am = S.indexInRange(0, aLanes), bm = S.indexInRange(0, bLanes);
        for (int g = 0; g < L; g += 4) {
            FloatVector v0 = FloatVector.fromArray(S, a, aBase + aOff[ao + g], am);
            FloatVector v1 = FloatVector.fromArray(S, a, aBase + aOff[ao + g + 1], am);
            FloatVector v2 = FloatVector.fromArray(S, a, aBase + aOff[ao + g + 2], am);
            FloatVector v3 = FloatVector.fromArray(S, a, aBase + aOff[ao + g + 3], am);
            FloatVector t = v0.blend(v1.rearrange(X1), UP1);
            v1 = v1.blend(v0.rearrange(X1), DOWN1);
            v0 = t;
            t = v2.blend(v3.rearrange(X1), UP1);
            v3 = v3.blend(v2.rearrange(X1), DOWN1);
            v2 = t;
            t = v0.blend(v2.rearrange(X2), UP2);
            v2 = v2.blend(v0.rearrange(X2), DOWN2);
            v0 = t;
            t = v1.blend(v3.rearrange(X2), UP2);
            v3 = v3.blend(v1.rearrange(X2), DOWN2);
            v1 = t;
            if (L == 4) {
                if (bCount > 0) v0.intoArray(b, bBase + bOff[bo], bm);
                if (bCount > 1) v1.intoArray(b, bBase + bOff[bo + 1], bm);
                if (bCount > 2) v2.intoArray(b, bBase + bOff[bo + 2], bm);
                if (bCount > 3) v3.intoArray(b, bBase + bOff[bo + 3], bm);
            } else {
                v0.intoArray(scratch, g * L);
                v1.intoArray(scratch, (g + 1) * L);
                v2.intoArray(scratch, (g + 2) * L);
                v3.intoArray(scratch, (g + 3) * L);
            }
        }
        if (L > 4) upper(b, bBase, bOff, bo, bCount, bLanes, scratch);
    }

    /** Stages 4 and 8 from the scratch into b: a method of its own, each small enough for C1. */
    private static void upper(float[] b, int bBase, int[] bOff, int bo, int bCount, int bLanes, float[] scratch) {
        VectorMask<Float> bm = S.indexInRange(0, bLanes);
        for (int g = 0; g < 4; g++) {
            FloatVector v0 = FloatVector.fromArray(S, scratch, g * L);
            FloatVector v1 = FloatVector.fromArray(S, scratch, (g + 4) * L);
            FloatVector t = v0.blend(v1.rearrange(X4), UP4);
            v1 = v1.blend(v0.rearrange(X4), DOWN4);
            v0 = t;
            if (L == 8) {
                if (bCount > g) v0.intoArray(b, bBase + bOff[bo + g], bm);
                if (bCount > g + 4) v1.intoArray(b, bBase + bOff[bo + g + 4], bm);
                continue;
            }
            FloatVector v2 = FloatVector.fromArray(S, scratch, (g + 8) * L);
            FloatVector v3 = FloatVector.fromArray(S, scratch, (g + 12) * L);
            t = v2.blend(v3.rearrange(X4), UP4);
            v3 = v3.blend(v2.rearrange(X4), DOWN4);
            v2 = t;
            t = v0.blend(v2.rearrange(X8), UP8);
            v2 = v2.blend(v0.rearrange(X8), DOWN8);
            v0 = t;
            t = v1.blend(v3.rearrange(X8), UP8);
            v3 = v3.blend(v1.rearrange(X8), DOWN8);
            v1 = t;
            if (bCount > g) v0.intoArray(b, bBase + bOff[bo + g], bm);
            if (bCount > g + 4) v1.intoArray(b, bBase + bOff[bo + g + 4], bm);
            if (bCount > g + 8) v2.intoArray(b, bBase + bOff[bo + g + 8], bm);
            if (bCount > g + 12) v3.intoArray(b, bBase + bOff[bo + g + 12], bm);
        }
    }
}
