package io.interestengine.format;

import io.interestengine.ModelFormatException;
import io.interestengine.json.Json;
import io.interestengine.json.JsonException;
import io.interestengine.json.Node;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader of the safetensors layout: the whole file is mapped read-only into the caller's arena, the
 * header is checked completely (dtypes, shapes, offsets inside the data block, no overlaps) before any
 * tensor is materialised, and each tensor is then a copy (fp32 or int32 weights) or, for embedding tables, the
 * stored bytes copied or sliced from the mapping. {@link #writeF32} writes fp32 tensors, for models built
 * from Java (tests, benchmarks, an exporter on the JVM).
 */
public final class SafeTensors {
    /** Data types the format may hold. */
    public enum DType {
        F32(4), F16(2), BF16(2), I8(1), I32(4), I64(8);
        final int size;

        DType(int size) {
            this.size = size;
        }
    }

    /** One header entry: where a tensor lies in the data block. */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        public long numel() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    private final Path file;
    private final MemorySegment mapped;
    private final long dataStart;
    private final Map<String, Entry> entries;

    private SafeTensors(Path file, MemorySegment mapped, long dataStart, Map<String, Entry> entries) {
        this.file = file;
        this.mapped = mapped;
        this.dataStart = dataStart;
        this.entries = entries;
    }

    /**
     * The header of F32 tensors stored back to back in map order: {@code {"name":{"dtype":"F32","shape":[..],
     * "data_offsets":[begin,end]},...}}.
     *
     * @throws IllegalArgumentException when a tensor has no shape or its length is not its shape's product
     */
    public static String headerF32(Map<String, float[]> tensors, Map<String, int[]> shapes) {
        StringBuilder h = new StringBuilder("{");
        long off = 0;
        for (var e : tensors.entrySet()) {
            int[] sh = shapes.get(e.getKey());
            if (sh == null) throw new IllegalArgumentException("tensor '" + e.getKey() + "' has no shape");
            long n = 1;
            StringBuilder dims = new StringBuilder();
            for (int d : sh) {
                n *= d;
                dims.append(dims.isEmpty() ? "" : ",").append(d);
            }
            if (n != e.getValue().length) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has " + e.getValue().length + " values, its shape [" + dims + "] holds " + n);
            }
            long end = off + 4L * n;
            if (h.length() > 1) h.append(',');
            h.append(Json.quote(e.getKey())).append(":{\"dtype\":\"F32\",\"shape\":[").append(dims).append("],\"data_offsets\":[")
                    .append(off).append(',').append(end).append("]}");
            off = end;
        }
        return h.append('}').toString();
    }

    /**
     * Writes F32 tensors to {@code file} (created or replaced), in map order.
     *
     * @throws IllegalArgumentException when a tensor has no shape or its length is not its shape's product
     */
    public static void writeF32(Path file, Map<String, float[]> tensors, Map<String, int[]> shapes) throws IOException {
        byte[] hb = headerF32(tensors, shapes).getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(8 + hb.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(hb.length).put(hb).flip();
            while (head.hasRemaining()) ch.write(head);
            for (float[] v : tensors.values()) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                while (b.hasRemaining()) ch.write(b);
            }
        }
    }

    /** A tensor to {@link #write}: its stored bytes (little-endian) and what they hold. */
    public record Blob(String name, DType dtype, long[] shape, MemorySegment bytes) {
        /**
         * @throws IllegalArgumentException when the byte count is not the shape's product times the dtype's size
         */
        public Blob {
            long n = 1;
            for (long d : shape) n *= d;
            if (n * dtype.size != bytes.byteSize()) {
                throw new IllegalArgumentException("tensor '" + name + "': " + bytes.byteSize() + " bytes, " + dtype
                        + java.util.Arrays.toString(shape) + " holds " + n * dtype.size);
            }
        }
    }

    /**
     * Writes tensors of any dtype to {@code file} (created or replaced), in list order, streamed from their
     * segments (a table larger than the heap can be written from a mapped or off-heap segment).
     *
     * @throws IllegalArgumentException when two tensors have one name
     */
    public static void write(Path file, List<Blob> tensors) throws IOException {
        StringBuilder h = new StringBuilder("{");
        long off = 0;
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Blob b : tensors) {
            if (!names.add(b.name())) throw new IllegalArgumentException("tensor '" + b.name() + "' given twice");
            StringBuilder dims = new StringBuilder();
            for (long d : b.shape()) dims.append(dims.isEmpty() ? "" : ",").append(d);
            long end = off + b.bytes().byteSize();
            if (h.length() > 1) h.append(',');
            h.append(Json.quote(b.name())).append(":{\"dtype\":\"").append(b.dtype()).append("\",\"shape\":[")
                    .append(dims).append("],\"data_offsets\":[").append(off).append(',').append(end).append("]}");
            off = end;
        }
        byte[] hb = h.append('}').toString().getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(8 + hb.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(hb.length).put(hb).flip();
            while (head.hasRemaining()) ch.write(head);
            long chunk = 64L << 20;
            for (Blob b : tensors) {
                MemorySegment src = b.bytes();
                for (long at = 0; at < src.byteSize(); at += chunk) {
                    MemorySegment part = src.asSlice(at, Math.min(chunk, src.byteSize() - at));
                    // a heap segment over a float[] or short[] has no byte-array view: copied through one
                    java.nio.ByteBuffer buf = part.isNative() || part.heapBase().orElse(null) instanceof byte[]
                            ? part.asByteBuffer() : java.nio.ByteBuffer.wrap(part.toArray(ValueLayout.JAVA_BYTE));
                    while (buf.hasRemaining()) ch.write(buf);
                }
            }
        }
    }

    private static ModelFormatException bad(Path f, String msg) {
        return new ModelFormatException(f.getFileName() + ": " + msg);
    }

    /**
     * Maps and validates a safetensors file. The mapping lives as long as {@code arena}.
     *
     * @throws ModelFormatException when the file is truncated, its header is invalid, or a tensor's
     *                              dtype, shape or offsets are wrong
     */
    public static SafeTensors open(Path file, Arena arena) {
        long size;
        MemorySegment seg;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            size = ch.size();
            if (size < 8) throw bad(file, "truncated: " + size + " bytes, the 8-byte header length is missing");
            seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
        long n = seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (n < 2 || n > size - 8) {
            throw bad(file, "header length " + n + " is beyond the file (" + size + " bytes, at most " + (size - 8) + " available)");
        }
        byte[] hb = seg.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
        Object parsed;
        try {
            parsed = Json.parse(new String(hb, StandardCharsets.UTF_8));
        } catch (JsonException e) {
            throw bad(file, "header is not valid JSON: " + e.getMessage());
        }
        Node header = new Node(parsed, "header", m -> bad(file, m));
        long dataLen = size - 8 - n;
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (String name : header.keys()) {
            if (name.equals("__metadata__")) continue;
            Node t = header.get(name);
            String where = "tensor '" + name + "'";
            t.allowOnly("dtype", "shape", "data_offsets");
            String dt = t.get("dtype").str();
            DType dtype;
            try {
                dtype = DType.valueOf(dt);
            } catch (IllegalArgumentException e) {
                throw bad(file, where + ": unknown dtype \"" + dt + "\" (supported: F32, F16, BF16, I8, I32, I64)");
            }
            List<Node> sh = t.get("shape").list();
            long[] shape = new long[sh.size()];
            long numel = 1;
            for (int k = 0; k < shape.length; k++) {
                shape[k] = sh.get(k).integer();
                if (shape[k] < 0) throw bad(file, where + ": negative dimension " + shape[k]);
                numel = multiply(numel, shape[k]);
            }
            // Both products are checked: a shape whose element count fits in a long can still wrap when
            // multiplied by the dtype size, and a wrapped byte count could equal a real span.
            long needBytes = multiply(numel, dtype.size);
            if (numel < 0 || needBytes < 0) {
                throw bad(file, where + ": shape " + java.util.Arrays.toString(shape) + " of " + dtype
                        + " holds more than 2^63 bytes");
            }
            List<Node> off = t.get("data_offsets").list();
            if (off.size() != 2) throw bad(file, where + ": data_offsets must be [begin, end]");
            long b = off.get(0).integer(), e = off.get(1).integer();
            if (b < 0 || e < b || e > dataLen) {
                throw bad(file, where + ": data_offsets [" + b + ", " + e + "] outside the data block of " + dataLen + " bytes");
            }
            if (e - b != needBytes) {
                throw bad(file, where + ": data_offsets span " + (e - b) + " bytes but " + dtype
                        + java.util.Arrays.toString(shape) + " needs " + needBytes);
            }
            entries.put(name, new Entry(name, dtype, shape, b, e));
        }
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(Entry::begin));
        for (int k = 1; k < sorted.size(); k++) {
            Entry p = sorted.get(k - 1), q = sorted.get(k);
            if (q.begin < p.end && q.end > q.begin && p.end > p.begin) {
                throw bad(file, "tensors '" + p.name + "' [" + p.begin + ", " + p.end + ") and '" + q.name + "' [" + q.begin + ", " + q.end + ") overlap");
            }
        }
        return new SafeTensors(file, seg, 8 + n, entries);
    }

    /** {@code a·b} for non-negative factors, or −1 when it exceeds a long. */
    private static long multiply(long a, long b) {
        if (a < 0) return -1;
        return Math.multiplyHigh(a, b) != 0 || a * b < 0 ? -1 : a * b;
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    public Path file() {
        return file;
    }

    /** The raw bytes of a tensor inside the mapping. */
    public MemorySegment bytes(Entry e) {
        return mapped.asSlice(dataStart + e.begin, e.end - e.begin);
    }

    /** The header bytes (fingerprinting). */
    public MemorySegment headerBytes() {
        return mapped.asSlice(0, dataStart);
    }

    /**
     * An fp32 tensor (weights, scales) copied into {@code arena}, every value checked to be finite.
     *
     * @throws ModelFormatException naming the tensor and the flat index of the first NaN or infinite value, or when
     *                              the dtype is not F32 (F16, BF16 and I8 are accepted for embedding tables only)
     */
    public Tensor floats(Entry e, Arena arena) {
        switch (e.dtype) {
            case F32 -> {
            }
            case F16, BF16, I8 -> throw bad(file, "tensor '" + e.name + "': dtype " + e.dtype
                    + " is accepted for embedding tables only; store it as F32");
            default -> throw bad(file, "tensor '" + e.name + "': expected a float tensor, found " + e.dtype);
        }
        return new Tensor(e.name, e.shape, true, copy(e, arena));
    }

    /**
     * The stored bytes of an embedding table's tensor (F32, F16, BF16 or I8), sliced from the mapping when
     * {@code map} (nothing is read: a mapped table is not checked at load, which is the point of mapping it) or
     * copied into {@code arena} and every float value checked to be finite.
     *
     * @throws ModelFormatException naming the tensor and the first NaN or infinite value, or for another dtype
     */
    public MemorySegment tableBytes(Entry e, Arena arena, boolean map) {
        switch (e.dtype) {
            case F32, F16, BF16, I8 -> {
                return map ? bytes(e) : copy(e, arena);
            }
            default -> throw bad(file, "tensor '" + e.name + "': an embedding table is F32, F16, BF16 or I8, found "
                    + e.dtype);
        }
    }

    /** The bytes of {@code e} copied 64-byte aligned into {@code arena}, float values checked to be finite. */
    private MemorySegment copy(Entry e, Arena arena) {
        MemorySegment src = bytes(e);
        long size = src.byteSize();
        MemorySegment dst = arena.allocate(Math.max(4, size), 64).asSlice(0, size);
        MemorySegment.copy(src, 0, dst, 0, size);
        long n = e.numel();
        switch (e.dtype) {
            case F32 -> checkFinite(e, dst, n);
            case F16, BF16 -> {
                ValueLayout.OfShort h = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                for (long k = 0; k < n; k++) {
                    short bits = dst.getAtIndex(h, k);
                    float v = e.dtype == DType.F16 ? Float.float16ToFloat(bits) : Float.intBitsToFloat((bits & 0xffff) << 16);
                    if (!Float.isFinite(v)) throw nonFinite(e, k, v);
                }
            }
            default -> {
            }
        }
        return dst;
    }

    private void checkFinite(Entry e, MemorySegment data, long n) {
        for (long k = 0; k < n; k++) {
            float v = data.getAtIndex(Tensor.F32, k);
            if (!Float.isFinite(v)) throw nonFinite(e, k, v);
        }
    }

    private ModelFormatException nonFinite(Entry e, long k, float v) {
        return bad(file, "tensor '" + e.name + "': value " + v + " at index " + k + " " + Tensor.position(e.shape, k)
                + " is not finite");
    }

    /** An int32 tensor from I32 or I64 (values must fit in int32). */
    public Tensor ints(Entry e, Arena arena) {
        MemorySegment src = bytes(e);
        long n = e.numel();
        MemorySegment dst = arena.allocate(Math.max(4, n * 4), 64);
        for (long k = 0; k < n; k++) {
            long v;
            if (e.dtype == DType.I32) v = src.getAtIndex(Tensor.I32, k);
            else if (e.dtype == DType.I64) v = src.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), k);
            else throw bad(file, "tensor '" + e.name + "': expected an integer tensor (I32 or I64), found " + e.dtype);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw bad(file, "tensor '" + e.name + "': value " + v + " at " + k + " does not fit in int32");
            dst.setAtIndex(Tensor.I32, k, (int) v);
        }
        return new Tensor(e.name, e.shape, false, dst.asSlice(0, n * 4));
    }
}
