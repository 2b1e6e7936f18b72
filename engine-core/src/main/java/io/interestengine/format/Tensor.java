package io.interestengine.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A tensor held off-heap: fp32 data ({@link #isFloat()}) or int32 ids. Immutable once loaded; owned by
 * the arena of the model that loaded it.
 */
public record Tensor(String name, long[] shape, boolean isFloat, MemorySegment data) {
    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    public long numel() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public float f(long i) {
        return data.getAtIndex(F32, i);
    }

    public int i(long i) {
        return data.getAtIndex(I32, i);
    }

    /**
     * A heap copy of the fp32 values (load-time use: folding, backend preparation).
     *
     * @throws ModelFormatException when the tensor holds more values than a Java array can
     */
    public float[] toFloatArray() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new io.interestengine.ModelFormatException("tensor '" + name + "' " + shapeString() + ": " + n
                    + " values do not fit in one array (layers are read onto the heap; only embedding tables may be"
                    + " larger)");
        }
        float[] a = new float[(int) n];
        for (int k = 0; k < a.length; k++) a[k] = f(k);
        return a;
    }

    /** The multi-index of flat index {@code k} in {@code shape}, as {@code [i, j, ...]}. */
    public static String position(long[] shape, long k) {
        long[] idx = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 0) return "[]";
            idx[d] = k % shape[d];
            k /= shape[d];
        }
        return Arrays.toString(idx);
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return name + (isFloat ? " F32" : " I32") + shapeString();
    }
}
