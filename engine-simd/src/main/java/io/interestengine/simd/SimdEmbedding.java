package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.EmbeddingOp;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * Embedding gather: each id's row read from the off-heap (or memory-mapped) table with vector loads straight
 * into the arena; a masked load and store for the row's tail (18-wide rows are one vector and a tail).
 */
final class SimdEmbedding implements Step {
    private final EmbeddingOp op;
    private final MemorySegment table;
    private final float[] f;
    private final int[] ints;
    private final int idsOff, outOff, dim, perRow;

    SimdEmbedding(EmbeddingOp op, float[] f, int[] ints, int idsOff, int outOff) {
        this.op = op;
        this.table = op.field().table().data().data();
        this.f = f;
        this.ints = ints;
        this.idsOff = idsOff;
        this.outOff = outOff;
        this.dim = op.field().table().dim();
        this.perRow = op.out().length();
    }

    @Override
    public void run(int users, int cands) {
        int n = CpuSession.rows(op.out(), users, cands) * perRow;
        int full = dim - dim % L;
        VectorMask<Float> tail = S.indexInRange(full, dim);
        for (int r = 0; r < n; r++) {
            long base = (long) ints[idsOff + r] * dim * Float.BYTES;
            int o = outOff + r * dim;
            int j = 0;
            for (; j < full; j += L) FloatVector.fromMemorySegment(S, table, base + 4L * j, ByteOrder.LITTLE_ENDIAN).intoArray(f, o + j);
            if (j < dim) FloatVector.fromMemorySegment(S, table, base + 4L * j, ByteOrder.LITTLE_ENDIAN, tail).intoArray(f, o + j, tail);
        }
    }
}
