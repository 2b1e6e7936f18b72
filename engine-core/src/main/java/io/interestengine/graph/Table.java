package io.interestengine.graph;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

/**
 * An embedding table {@code [rows, dim]} with its out-of-vocabulary policy ({@code defaultRow < 0}: error), kept in
 * its stored precision: {@code data} holds {@code rows·dim} values of {@code type} (little-endian, row-major), copied
 * into the model's arena or a slice of the mapped weights file; {@code scales} holds one F32 per row for
 * {@link TableType#I8} (null otherwise). {@link #gather} is the reference conversion every backend's gather matches
 * bit for bit.
 *
 * @param tensor the safetensors name of {@code data} ({@code scales} is {@link #scaleTensor(String) tensor.scale})
 */
public record Table(String name, int rows, int dim, TableType type, String tensor, MemorySegment data,
                    MemorySegment scales, int defaultRow) {
    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** An F32 table (tests, tools). */
    public static Table f32(String name, int rows, int dim, MemorySegment data, int defaultRow) {
        return new Table(name, rows, dim, TableType.F32, "emb." + name, data, null, defaultRow);
    }

    /** The name of the per-row scales tensor of an I8 table stored as {@code tensor}. */
    public static String scaleTensor(String tensor) {
        return tensor + ".scale";
    }

    /** The safetensors tensors this table is read from. */
    public List<String> tensors() {
        return type == TableType.I8 ? List.of(tensor, scaleTensor(tensor)) : List.of(tensor);
    }

    public boolean oovIsError() {
        return defaultRow < 0;
    }

    /** Bytes of one stored row. */
    public long rowBytes() {
        return (long) dim * type.bytes;
    }

    /** Row {@code row} as fp32 into {@code dst[off .. off + dim)}: the reference gather. */
    public void gather(int row, float[] dst, int off) {
        long base = (long) row * dim;
        switch (type) {
            case F32 -> {
                for (int j = 0; j < dim; j++) dst[off + j] = data.getAtIndex(F32, base + j);
            }
            case F16 -> {
                for (int j = 0; j < dim; j++) dst[off + j] = halfToFloat(data.getAtIndex(HALF, base + j));
            }
            case BF16 -> {
                for (int j = 0; j < dim; j++) dst[off + j] = bf16ToFloat(data.getAtIndex(HALF, base + j));
            }
            case I8 -> {
                float s = scales.getAtIndex(F32, row);
                for (int j = 0; j < dim; j++) dst[off + j] = s * data.get(ValueLayout.JAVA_BYTE, base + j);
            }
        }
    }

    /** Value {@code j} of row {@code row} as fp32 (load-time and diagnostic use). */
    public float value(long row, int j) {
        long k = row * dim + j;
        return switch (type) {
            case F32 -> data.getAtIndex(F32, k);
            case F16 -> halfToFloat(data.getAtIndex(HALF, k));
            case BF16 -> bf16ToFloat(data.getAtIndex(HALF, k));
            case I8 -> scales.getAtIndex(F32, row) * data.get(ValueLayout.JAVA_BYTE, k);
        };
    }

    /**
     * IEEE binary16 to fp32, exact, in the integer steps the vector gather takes (so NaN payloads agree too; the
     * JDK's {@code Float.float16ToFloat} may quiet a signalling NaN when compiled to the hardware instruction).
     */
    public static float halfToFloat(short h) {
        int x = h;
        int sign = (x & 0x8000) << 16, e = (x >>> 10) & 0x1f, m = x & 0x3ff;
        if (e == 0) return Float.intBitsToFloat(sign | Float.floatToRawIntBits(m * 0x1p-24f));
        if (e == 31) return Float.intBitsToFloat(sign | 0x7f800000 | m << 13);
        return Float.intBitsToFloat(sign | ((x & 0x7fff) << 13) + (112 << 23));
    }

    /** bfloat16 to fp32: the upper half of the fp32 bits, exact. */
    public static float bf16ToFloat(short h) {
        return Float.intBitsToFloat((h & 0xffff) << 16);
    }
}
