package io.interestengine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
 * <p>At 16 lanes a block that needs no mask (whole vectors read in bounds, whole vectors written) runs all four
 * stages in registers instead, one two-vector {@code selectFrom} per vector and stage: no scratch round trip, no
 * masked loads and stores, half the shuffles. A block of pair results into the rows' outputs took 50 ns against 60
 * by the groups, the in-register code alone 37-40 ns (a loop of blocks alone, thread CPU time, shared machine). Its
 * 64 shuffles and 32 moves are small enough for C1. The selections are read from an array: held in static final
 * vectors, the same code took 60 ns. The block runs as ints (the floats reinterpreted, no instruction): a float
 * vector's selection indices are converted to ints, with their NaN checks, on every call, about 10% of a block's time
 * (34.5 against 36-43 ns, a loop of output blocks alone). The last stage computes only the vectors written: a field
 * of k = 10 channels needs 10 of 16.
 */
final class Transpose {
    /** Stage b's lane exchange: lane j takes lane j XOR b (identity where b ≥ L, unused). */
    private static final VectorShuffle<Float> X1 = xor(1), X2 = xor(2), X4 = xor(4), X8 = xor(8);
    /** Stage b's lanes with bit b of the lane number set (UP: from the high vector) or clear (DOWN). */
    private static final VectorMask<Float> UP1 = bit(1, true), DOWN1 = bit(1, false), UP2 = bit(2, true),
            DOWN2 = bit(2, false), UP4 = bit(4, true), DOWN4 = bit(4, false), UP8 = bit(8, true), DOWN8 = bit(8, false);

    /** Whether {@link #whole} runs here (16 lanes). */
    static final boolean WHOLE = L == 16;
    /** Stage b = 1, 2, 4, 8's two-vector selections at 16 lanes, for vector i then i + b (null below 16 lanes). */
    private static final IntVector[] PICK = {pick(1, true), pick(1, false), pick(2, true), pick(2, false),
            pick(4, true), pick(4, false), pick(8, true), pick(8, false)};

    private Transpose() {
    }

    /** Lane j of vector i (lo) or i + b: its own lane where bit b of j says it stays, else lane j ^ b of the other. */
    private static IntVector pick(int b, boolean lo) {
        if (L != 16) return null;
        int[] x = new int[L];
        for (int j = 0; j < L; j++) {
            boolean set = (j & b) != 0;
            x[j] = lo ? (set ? L + (j ^ b) : j) : (set ? L + j : j ^ b);
        }
        return IntVector.fromArray(IntVector.SPECIES_512, x, 0);
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
        // lanes read past aLanes only reach the vectors from aLanes on, which are not written when bCount <= aLanes
        if (L == 16 && bLanes == L && bCount <= aLanes && inBounds(a, aBase, aOff, ao)) {
            whole(a, aBase, aOff, ao, b, bBase, bOff, bo, bCount);
            return;
        }
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

    /** Whether all L whole vectors at {@code aBase + aOff[ao + i]} lie in a. */
    private static boolean inBounds(float[] a, int aBase, int[] aOff, int ao) {
        for (int i = 0; i < L; i++) {
            int at = aBase + aOff[ao + i];
            if (at < 0 || at > a.length - L) return false;
        }
        return true;
    }

    /**
     * {@link #block} with {@code aLanes = bLanes = L} where {@link #WHOLE}, for a caller that knows all L whole vectors
     * at {@code aBase + aOff[ao + i]} lie in a (lanes read past what the caller means to move reach only vectors past
     * bCount): the block in registers, unmasked, the first bCount vectors written. It spares {@code block}'s bounds
     * check of every vector.
     */
    static void whole(float[] a, int aBase, int[] aOff, int ao, float[] b, int bBase, int[] bOff, int bo,
                      int bCount) {
        IntVector v0 = FloatVector.fromArray(S, a, aBase + aOff[ao]).reinterpretAsInts();
        IntVector v1 = FloatVector.fromArray(S, a, aBase + aOff[ao + 1]).reinterpretAsInts();
        IntVector v2 = FloatVector.fromArray(S, a, aBase + aOff[ao + 2]).reinterpretAsInts();
        IntVector v3 = FloatVector.fromArray(S, a, aBase + aOff[ao + 3]).reinterpretAsInts();
        IntVector v4 = FloatVector.fromArray(S, a, aBase + aOff[ao + 4]).reinterpretAsInts();
        IntVector v5 = FloatVector.fromArray(S, a, aBase + aOff[ao + 5]).reinterpretAsInts();
        IntVector v6 = FloatVector.fromArray(S, a, aBase + aOff[ao + 6]).reinterpretAsInts();
        IntVector v7 = FloatVector.fromArray(S, a, aBase + aOff[ao + 7]).reinterpretAsInts();
        IntVector v8 = FloatVector.fromArray(S, a, aBase + aOff[ao + 8]).reinterpretAsInts();
        IntVector v9 = FloatVector.fromArray(S, a, aBase + aOff[ao + 9]).reinterpretAsInts();
        IntVector v10 = FloatVector.fromArray(S, a, aBase + aOff[ao + 10]).reinterpretAsInts();
        IntVector v11 = FloatVector.fromArray(S, a, aBase + aOff[ao + 11]).reinterpretAsInts();
        IntVector v12 = FloatVector.fromArray(S, a, aBase + aOff[ao + 12]).reinterpretAsInts();
        IntVector v13 = FloatVector.fromArray(S, a, aBase + aOff[ao + 13]).reinterpretAsInts();
        IntVector v14 = FloatVector.fromArray(S, a, aBase + aOff[ao + 14]).reinterpretAsInts();
        IntVector v15 = FloatVector.fromArray(S, a, aBase + aOff[ao + 15]).reinterpretAsInts();
        IntVector t, lo, hi;
        lo = PICK[0];
        hi = PICK[1];
        t = lo.selectFrom(v0, v1);
        v1 = hi.selectFrom(v0, v1);
        v0 = t;
        t = lo.selectFrom(v2, v3);
        v3 = hi.selectFrom(v2, v3);
        v2 = t;
        t = lo.selectFrom(v4, v5);
        v5 = hi.selectFrom(v4, v5);
        v4 = t;
        t = lo.selectFrom(v6, v7);
        v7 = hi.selectFrom(v6, v7);
        v6 = t;
        t = lo.selectFrom(v8, v9);
        v9 = hi.selectFrom(v8, v9);
        v8 = t;
        t = lo.selectFrom(v10, v11);
        v11 = hi.selectFrom(v10, v11);
        v10 = t;
        t = lo.selectFrom(v12, v13);
        v13 = hi.selectFrom(v12, v13);
        v12 = t;
        t = lo.selectFrom(v14, v15);
        v15 = hi.selectFrom(v14, v15);
        v14 = t;
        lo = PICK[2];
        hi = PICK[3];
        t = lo.selectFrom(v0, v2);
        v2 = hi.selectFrom(v0, v2);
        v0 = t;
        t = lo.selectFrom(v1, v3);
        v3 = hi.selectFrom(v1, v3);
        v1 = t;
        t = lo.selectFrom(v4, v6);
        v6 = hi.selectFrom(v4, v6);
        v4 = t;
        t = lo.selectFrom(v5, v7);
        v7 = hi.selectFrom(v5, v7);
        v5 = t;
        t = lo.selectFrom(v8, v10);
        v10 = hi.selectFrom(v8, v10);
        v8 = t;
        t = lo.selectFrom(v9, v11);
        v11 = hi.selectFrom(v9, v11);
        v9 = t;
        t = lo.selectFrom(v12, v14);
        v14 = hi.selectFrom(v12, v14);
        v12 = t;
        t = lo.selectFrom(v13, v15);
        v15 = hi.selectFrom(v13, v15);
        v13 = t;
        lo = PICK[4];
        hi = PICK[5];
        t = lo.selectFrom(v0, v4);
        v4 = hi.selectFrom(v0, v4);
        v0 = t;
        t = lo.selectFrom(v1, v5);
        v5 = hi.selectFrom(v1, v5);
        v1 = t;
        t = lo.selectFrom(v2, v6);
        v6 = hi.selectFrom(v2, v6);
        v2 = t;
        t = lo.selectFrom(v3, v7);
        v7 = hi.selectFrom(v3, v7);
        v3 = t;
        t = lo.selectFrom(v8, v12);
        v12 = hi.selectFrom(v8, v12);
        v8 = t;
        t = lo.selectFrom(v9, v13);
        v13 = hi.selectFrom(v9, v13);
        v9 = t;
        t = lo.selectFrom(v10, v14);
        v14 = hi.selectFrom(v10, v14);
        v10 = t;
        t = lo.selectFrom(v11, v15);
        v15 = hi.selectFrom(v11, v15);
        v11 = t;
        // the last stage only for the vectors written: a field of k < L channels needs k of them
        lo = PICK[6];
        hi = PICK[7];
        if (bCount > 0) lo.selectFrom(v0, v8).reinterpretAsFloats().intoArray(b, bBase + bOff[bo + 0]);
        if (bCount > 1) lo.selectFrom(v1, v9).reinterpretAsFloats().intoArray(b, bBase + bOff[bo + 1]);
        if (bCount > 2) lo.selectFrom(v2, v10).reinterpretAsFloats().intoArray(b, bBase + bOff[bo + 2]);
        if (bCount > 3) lo.selectFrom(v3, v11).reinterpretAsFloats().intoArray(b, bBase + bOff[bo + 3]);
        if (bCount > 4) lo.selectFrom(v4, v12).reinterpretAsFloats().intoArray(b, bBase + bOff[bo + 4]);
        if (bCount > 5) lo.selectFrom(v5, v13).reinterpretAsFloats().intoArray(b, bBase + bOff[bo + 5]);
        if (bCount > 6) lo.selectFrom(v6, v14).reinterpretAsFloats().intoArray(b, bBase + bOff[bo + 6]);
        if (bCount > 7) lo.selectFrom(v7, v15).reinterpretAsFloats().intoArray(b, bBase + bOff[bo + 7]);
        if (bCount > 8) hi.selectFrom(v0, v8).reinterpretAsFloats().intoArray(b, bBase + bOff[bo + 8]);
        if (bCount > 9) hi.selectFrom(v1, v9).reinterpretAsFloats().intoArray(b, bBase + bOff[bo + 9]);
        if (bCount > 10) hi.selectFrom(v2, v10).reinterpretAsFloats().intoArray(b, bBase + bOff[bo + 10]);
        if (bCount > 11) hi.selectFrom(v3, v11).reinterpretAsFloats().intoArray(b, bBase + bOff[bo + 11]);
        if (bCount > 12) hi.selectFrom(v4, v12).reinterpretAsFloats().intoArray(b, bBase + bOff[bo + 12]);
        if (bCount > 13) hi.selectFrom(v5, v13).reinterpretAsFloats().intoArray(b, bBase + bOff[bo + 13]);
        if (bCount > 14) hi.selectFrom(v6, v14).reinterpretAsFloats().intoArray(b, bBase + bOff[bo + 14]);
        if (bCount > 15) hi.selectFrom(v7, v15).reinterpretAsFloats().intoArray(b, bBase + bOff[bo + 15]);
    }
}
