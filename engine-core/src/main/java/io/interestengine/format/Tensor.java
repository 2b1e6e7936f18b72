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

    /** A heap copy of the fp32 values (load-time use: folding, backend preparation). */
    public float[] toFloatArray() {
        float[] a = new float[Math.toIntExact(numel())];
        for (int k = 0; k < a.length; k++) a[k] = f(k);
        return a;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return name + (isFloat ? " F32" : " I32") + shapeString();
    }
}
