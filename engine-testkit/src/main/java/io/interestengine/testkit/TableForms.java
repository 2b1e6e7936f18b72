package io.interestengine.testkit;

import io.interestengine.format.SafeTensors;
import io.interestengine.graph.Table;
import io.interestengine.graph.TableType;
import io.interestengine.json.Json;
import io.interestengine.json.Node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Rewrites a model directory with its F32 embedding tables stored in another form (docs/FORMAT.md, TABLE): F16 and
 * BF16 rounded to nearest even, I8 quantised per row symmetrically ({@code scale = max|x|/127},
 * {@code q = round(x/scale)}, as tools/export does), the scales written as {@code <tensor>.scale}. With
 * {@code widened} the tables stay F32 but hold exactly the values the compact form decodes to, computed here
 * independently of the engine ({@code Float.float16ToFloat}, the bf16 bits shifted, {@code scale·q}): a model with
 * compact tables must score bit for bit like its widened twin.
 */
public final class TableForms {
    private TableForms() {
    }

    /**
     * Copies {@code src} (model.json, weights.safetensors and every other file) to {@code dst} with its F32 tables in
     * {@code form}: "F32", "F16", "BF16" or "I8" (a name, so that callers need not see the engine's internal types).
     */
    public static void rewrite(Path src, Path dst, String form, boolean widened) {
        TableType type = TableType.valueOf(form);
        try {
            Files.createDirectories(dst);
            try (Stream<Path> files = Files.list(src)) {
                for (Path f : files.toList()) {
                    if (Files.isRegularFile(f) && !f.getFileName().toString().equals("weights.safetensors")) {
                        Files.copy(f, dst.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Set<String> tables = tableTensors(src);
            try (Arena arena = Arena.ofConfined()) {
                SafeTensors st = SafeTensors.open(src.resolve("weights.safetensors"), arena);
                List<SafeTensors.Blob> out = new ArrayList<>();
                for (SafeTensors.Entry e : st.entries().values()) {
                    if (!tables.contains(e.name()) || e.dtype() != SafeTensors.DType.F32 || type == TableType.F32) {
                        out.add(new SafeTensors.Blob(e.name(), e.dtype(), e.shape(), st.bytes(e)));
                        continue;
                    }
                    out.addAll(convert(e, st.bytes(e), type, widened, arena));
                }
                SafeTensors.write(dst.resolve("weights.safetensors"), out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> tableTensors(Path dir) throws IOException {
        Node root = new Node(Json.parse(Files.readString(dir.resolve("model.json"))), "", IllegalStateException::new);
        Set<String> s = new HashSet<>();
        Node t = root.get("tables");
        for (String k : t.keys()) s.add(t.get(k).get("tensor").str());
        return s;
    }

    /** One F32 table {@code [rows, dim]} in {@code type} (or widened back to F32 from it). */
    static List<SafeTensors.Blob> convert(SafeTensors.Entry e, MemorySegment src, TableType type, boolean widened,
                                          Arena arena) {
        int rows = (int) e.shape()[0], dim = (int) e.shape()[1];
        long n = (long) rows * dim;
        MemorySegment wide = arena.allocate(4 * n, 64);
        MemorySegment packed = arena.allocate(Math.max(1, n * type.bytes), 64);
        MemorySegment scales = arena.allocate(4L * rows, 64);
        for (int r = 0; r < rows; r++) {
            float max = 0;
            for (int j = 0; j < dim; j++) max = Math.max(max, Math.abs(src.getAtIndex(Table.F32, (long) r * dim + j)));
            float scale = max / 127f;
            scales.setAtIndex(Table.F32, r, scale);
            for (int j = 0; j < dim; j++) {
                long k = (long) r * dim + j;
                float x = src.getAtIndex(Table.F32, k), w;
                switch (type) {
                    case F16 -> {
                        short h = Float.floatToFloat16(x);
                        packed.setAtIndex(Table.HALF, k, h);
                        w = Float.float16ToFloat(h);
                    }
                    case BF16 -> {
                        int b = Float.floatToRawIntBits(x);
                        short h = (short) ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16);
                        packed.setAtIndex(Table.HALF, k, h);
                        w = Float.intBitsToFloat((h & 0xffff) << 16);
                    }
                    case I8 -> {
                        byte q = (byte) (scale == 0 ? 0 : Math.max(-127, Math.min(127, Math.round(x / scale))));
                        packed.set(ValueLayout.JAVA_BYTE, k, q);
                        w = scale * q;
                    }
                    default -> throw new IllegalArgumentException(type.toString());
                }
                wide.setAtIndex(Table.F32, k, w);
            }
        }
        if (widened) return List.of(new SafeTensors.Blob(e.name(), SafeTensors.DType.F32, e.shape(), wide));
        SafeTensors.DType dt = SafeTensors.DType.valueOf(type.name());
        SafeTensors.Blob data = new SafeTensors.Blob(e.name(), dt, e.shape(), packed.asSlice(0, n * type.bytes));
        if (type != TableType.I8) return List.of(data);
        return List.of(data,
                new SafeTensors.Blob(Table.scaleTensor(e.name()), SafeTensors.DType.F32, new long[]{rows}, scales));
    }
}
