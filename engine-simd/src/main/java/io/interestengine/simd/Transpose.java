package io.interestengine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * An L × L block of floats transposed with two-vector permutes: stage b swaps the off-diagonal b × b sub-blocks of
 * each pair of vectors i, i + b (one permute each way), for b = 1, 2, 4, 8 below L. The stages below 4 pair vectors
 * within groups of four consecutive ones, those from 4 up vectors within the groups {g, g + 4, g + 8, g + 12}: so
 * the block runs as groups of four vectors, held in registers, through an L × L scratch between the two halves. It
 * replaces gathers that read one float per lane from L places (a row block's field channel-major, a block of pair
 * results back into the rows' outputs); the moves are exact, so results do not change. Groups rather than all L
 * vectors at once, and the two halves in two methods, keep each method small enough for C1 at every width: a method
 * C1 cannot compile (out of virtual registers) can stay below C2, where every vector is boxed.
 */
final class Transpose {
    /**
     * Stage b's permutes: lane j of the low vector takes low[j] or high[j − b], of the high one low[j + b] or
     * high[j], as bit b of j is clear or set (indices 0..L−1 the first vector, L..2L−1 the second).
     */
    private static final FloatVector LO1 = index(1, false), HI1 = index(1, true), LO2 = index(2, false),
            HI2 = index(2, true), LO4 = index(4, false), HI4 = index(4, true), LO8 = index(8, false),
            HI8 = index(8, true);

    private Transpose() {
    }

    /** Identity where b ≥ L (unused). */
    private static FloatVector index(int b, boolean hi) {
        float[] ix = new float[L];
        for (int j = 0; j < L; j++) {
            boolean up = (j & b) != 0;
            ix[j] = b >= L ? j : hi ? (up ? L + j : j + b) : (up ? L + j - b : j);
        }
        return FloatVector.fromArray(S, ix, 0);
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
            FloatVector t = LO1.selectFrom(v0, v1);
            v1 = HI1.selectFrom(v0, v1);
            v0 = t;
            t = LO1.selectFrom(v2, v3);
            v3 = HI1.selectFrom(v2, v3);
            v2 = t;
            t = LO2.selectFrom(v0, v2);
            v2 = HI2.selectFrom(v0, v2);
            v0 = t;
            t = LO2.selectFrom(v1, v3);
            v3 = HI2.selectFrom(v1, v3);
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
            FloatVector t = LO4.selectFrom(v0, v1);
            v1 = HI4.selectFrom(v0, v1);
            v0 = t;
            if (L == 8) {
                if (bCount > g) v0.intoArray(b, bBase + bOff[bo + g], bm);
                if (bCount > g + 4) v1.intoArray(b, bBase + bOff[bo + g + 4], bm);
                continue;
            }
            FloatVector v2 = FloatVector.fromArray(S, scratch, (g + 8) * L);
            FloatVector v3 = FloatVector.fromArray(S, scratch, (g + 12) * L);
            t = LO4.selectFrom(v2, v3);
            v3 = HI4.selectFrom(v2, v3);
            v2 = t;
            t = LO8.selectFrom(v0, v2);
            v2 = HI8.selectFrom(v0, v2);
            v0 = t;
            t = LO8.selectFrom(v1, v3);
            v3 = HI8.selectFrom(v1, v3);
            v1 = t;
            if (bCount > g) v0.intoArray(b, bBase + bOff[bo + g], bm);
            if (bCount > g + 4) v1.intoArray(b, bBase + bOff[bo + g + 4], bm);
            if (bCount > g + 8) v2.intoArray(b, bBase + bOff[bo + g + 8], bm);
            if (bCount > g + 12) v3.intoArray(b, bBase + bOff[bo + g + 12], bm);
        }
    }
}
