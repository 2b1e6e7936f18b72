package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.EmbeddingOp;
import io.interestengine.graph.Table;
import io.interestengine.graph.TableType;
import io.interestengine.spi.Step;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * Embedding gather: each id's row read from the off-heap (or memory-mapped) table with vector loads, converted to
 * fp32 in registers (F16, BF16, I8 × per-row scale) and stored into the arena. A row of at least L values is covered
 * by whole vectors, the last one overlapping its predecessor (an 18-wide row on 16 lanes is the vectors at 0 and 2):
 * no masked or scalar tail, and the overlap rewrites equal values. Narrower rows take one masked vector. Each
 * conversion is the integer or single-rounding step {@link Table#gather} takes, so the result is bit-identical.
 */
final class SimdEmbedding implements Step {
    /** L stored halves or bytes; the Vector API's narrowest shape is 64 bits, so at small L only L lanes are used. */
    private static final VectorSpecies<Short> HS =
            VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, 16 * L)));
    private static final VectorSpecies<Byte> BS =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, 8 * L)));
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());

    private final EmbeddingOp op;
    private final Table t;
    private final TableType type;
    private final MemorySegment table, scales;
    private final float[] f;
    private final int[] ints;
    private final int idsOff, outOff, ld, dim, perRow;
    private final long rowBytes;
    /** Bytes per stored value. */
    private final int bytes;
    /** The lanes one vector of a row covers: min(dim, L) of L (a narrow row is one masked vector). */
    private final VectorMask<Float> fm;
    private final VectorMask<Short> hm;
    private final VectorMask<Byte> bm;
    private final boolean narrow, hMasked, bMasked;

    /**
     * Rows go to {@code f[outOff + r·ld]}: {@code ld} is the table's width for the op's own output, or the width of
     * the concatenation the rows are written into directly ({@link SimdConcat#writtenInPlace}).
     */
    SimdEmbedding(EmbeddingOp op, float[] f, int[] ints, int idsOff, int outOff, int ld) {
        this.op = op;
        this.t = op.field().table();
        this.type = t.type();
        this.table = t.data();
        this.scales = t.scales();
        this.f = f;
        this.ints = ints;
        this.idsOff = idsOff;
        this.outOff = outOff;
        this.ld = ld;
        this.dim = t.dim();
        this.perRow = op.out().length();
        this.rowBytes = t.rowBytes();
        this.bytes = t.type().bytes;
        int lanes = Math.min(dim, L);
        this.narrow = dim < L;
        this.fm = S.indexInRange(0, lanes);
        this.hm = HS.indexInRange(0, lanes);
        this.bm = BS.indexInRange(0, lanes);
        this.hMasked = narrow || HS.length() > L;
        this.bMasked = narrow || BS.length() > L;
    }

    @Override
    public void run(int users, int cands) {
        int n = CpuSession.rows(op.out(), users, cands) * perRow;
        if (type == TableType.F32) {
            for (int r = 0; r < n; r++) rowF32(ints[idsOff + r] * rowBytes, outOff + r * ld);
            return;
        }
        for (int r = 0; r < n; r++) {
            int id = ints[idsOff + r];
            row(id * rowBytes, scales == null ? 0f : scales.getAtIndex(Table.F32, id), outOff + r * ld);
        }
    }

    /** An F32 row: a plain copy, its own loop (the standard models' tables; a switch per vector cost 20% here). */
    private void rowF32(long base, int o) {
        if (narrow) {
            FloatVector.fromMemorySegment(S, table, base, ByteOrder.LITTLE_ENDIAN, fm).intoArray(f, o, fm);
            return;
        }
        int j = 0;
        for (; j <= dim - L; j += L) {
            FloatVector.fromMemorySegment(S, table, base + 4L * j, ByteOrder.LITTLE_ENDIAN).intoArray(f, o + j);
        }
        if (j < dim) {
            long last = base + 4L * (dim - L);
            FloatVector.fromMemorySegment(S, table, last, ByteOrder.LITTLE_ENDIAN).intoArray(f, o + dim - L);
        }
    }

    /** A compact row: whole vectors (the last overlapping) or one masked vector, each converted by {@link #chunk}. */
    private void row(long base, float scale, int o) {
        if (narrow) {
            chunk(base, scale, o);
            return;
        }
        int j = 0;
        for (; j <= dim - L; j += L) chunk(base + (long) j * bytes, scale, o + j);
        if (j < dim) chunk(base + (long) (dim - L) * bytes, scale, o + dim - L);
    }

    /*
     * One vector of a row: loaded, converted and stored in one method each, so that no vector is passed to or
     * returned from a call. C2 boxes a vector that crosses a call it did not inline, and it does not inline a method
     * it has already compiled to a large body on its own (seen here: 200 bytes allocated per F16 vector after a
     * model with narrow rows had compiled the conversion first).
     */
    private void chunk(long at, float scale, int o) {
        switch (type) {
            case F16 -> f16(at, o);
            case BF16 -> bf16(at, o);
            case I8 -> i8(at, scale, o);
            default -> throw new IllegalStateException("F32 rows take rowF32");
        }
    }

    /** {@link Table#halfToFloat} on L lanes: normal, subnormal (m·2⁻²⁴, exact), inf/NaN blended by exponent. */
    private void f16(long at, int o) {
        ShortVector h = hMasked ? ShortVector.fromMemorySegment(HS, table, at, ByteOrder.LITTLE_ENDIAN, hm)
                : ShortVector.fromMemorySegment(HS, table, at, ByteOrder.LITTLE_ENDIAN);
        IntVector x = (IntVector) h.convertShape(VectorOperators.S2I, IS, 0);
        IntVector sign = x.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        IntVector e = x.lanewise(VectorOperators.LSHR, 10).and(0x1f);
        IntVector m = x.and(0x3ff);
        IntVector normal = x.and(0x7fff).lanewise(VectorOperators.LSHL, 13).add(112 << 23);
        IntVector special = m.lanewise(VectorOperators.LSHL, 13).or(0x7f800000);
        IntVector sub = ((FloatVector) m.convert(VectorOperators.I2F, 0)).mul(0x1p-24f).reinterpretAsInts();
        FloatVector v = normal.blend(special, e.eq(31)).blend(sub, e.eq(0)).or(sign).reinterpretAsFloats();
        if (narrow) v.intoArray(f, o, fm);
        else v.intoArray(f, o);
    }

    /** {@link Table#bf16ToFloat} on L lanes: the halves become the upper 16 bits. */
    private void bf16(long at, int o) {
        ShortVector h = hMasked ? ShortVector.fromMemorySegment(HS, table, at, ByteOrder.LITTLE_ENDIAN, hm)
                : ShortVector.fromMemorySegment(HS, table, at, ByteOrder.LITTLE_ENDIAN);
        IntVector x = (IntVector) h.convertShape(VectorOperators.S2I, IS, 0);
        FloatVector v = x.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        if (narrow) v.intoArray(f, o, fm);
        else v.intoArray(f, o);
    }

    /** {@code scale · q} on L lanes, one rounding as {@link Table#gather} (the int8 → fp32 step is exact). */
    private void i8(long at, float scale, int o) {
        ByteVector q = bMasked ? ByteVector.fromMemorySegment(BS, table, at, ByteOrder.LITTLE_ENDIAN, bm)
                : ByteVector.fromMemorySegment(BS, table, at, ByteOrder.LITTLE_ENDIAN);
        FloatVector v = ((FloatVector) q.convertShape(VectorOperators.B2F, S, 0)).mul(scale);
        if (narrow) v.intoArray(f, o, fm);
        else v.intoArray(f, o);
    }
}
