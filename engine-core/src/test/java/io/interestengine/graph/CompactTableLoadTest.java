package io.interestengine.graph;

import io.interestengine.ModelFormatException;
import io.interestengine.format.SafeTensors;
import io.interestengine.format.SafeTensors.Blob;
import io.interestengine.format.SafeTensors.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loading tables stored as F16, BF16 and I8: kept in their stored precision (copied or mapped, never widened), the
 * I8 scales found by their name, and every malformed table or scales tensor refused with a message naming it.
 */
class CompactTableLoadTest {
    private static final int ROWS = 5, DIM = 3;
    @TempDir
    Path dir;

    /** One candidate field looked up in table "t" (tensor emb.t), a 1-unit dense layer, sigmoid. */
    private void write(List<Blob> tables) throws IOException {
        Files.writeString(dir.resolve("model.json"), """
                {"format_version": 1,
                 "tables": {"t": {"tensor": "emb.t", "rows": 5, "dim": 3}},
                 "fields": {"candidate": [{"name": "c", "table": "t"}]},
                 "graph": [{"op": "embedding", "out": "e", "field": "c"},
                           {"op": "dense", "out": "y", "in": "e", "weight": "w"}],
                 "output": {"in": "y", "type": "sigmoid"}}
                """);
        List<Blob> all = new ArrayList<>(tables);
        all.add(f32("w", new long[]{1, DIM}, 0.5f, 0.25f, -1f));
        SafeTensors.write(dir.resolve("weights.safetensors"), all);
    }

    private static Blob f32(String name, long[] shape, float... v) {
        return new Blob(name, DType.F32, shape, MemorySegment.ofArray(v));
    }

    private static Blob bytes(String name, DType t, long[] shape, int n) {
        byte[] b = new byte[n];
        for (int k = 0; k < n; k++) b[k] = (byte) (k * 7 % 19);   // finite halves: exponent bits stay low
        return new Blob(name, t, shape, MemorySegment.ofArray(b));
    }

    private ModelGraph load(boolean mmap, Arena arena) {
        return GraphLoader.load(dir, arena, mmap);
    }

    private String refused() {
        try (Arena arena = Arena.ofConfined()) {
            return assertThrows(ModelFormatException.class, () -> load(false, arena)).getMessage();
        }
    }

    @Test
    void compactTablesStayCompactCopiedOrMapped() throws IOException {
        for (DType t : List.of(DType.F32, DType.F16, DType.BF16, DType.I8)) {
            int size = t == DType.F32 ? 4 : t == DType.I8 ? 1 : 2;
            List<Blob> b = new ArrayList<>(List.of(bytes("emb.t", t, new long[]{ROWS, DIM}, ROWS * DIM * size)));
            if (t == DType.I8) b.add(f32("emb.t.scale", new long[]{ROWS}, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f));
            write(b);
            for (boolean mmap : List.of(false, true)) {
                try (Arena arena = Arena.ofConfined()) {
                    Table table = load(mmap, arena).tables().get("t");
                    assertEquals(TableType.valueOf(t.name()), table.type());
                    assertEquals((long) ROWS * DIM * size, table.data().byteSize(), t + ": stored bytes, not widened");
                    assertEquals(mmap, table.data().isMapped(), t + (mmap ? " mapped" : " copied"));
                    if (t == DType.I8) {
                        assertEquals(mmap, table.scales().isMapped());
                        // row 2, value 1: byte 2·3+1 = 7 → 7·7 mod 19 = 11, times the row's scale 0.3
                        assertEquals(0.3f * 11, table.value(2, 1));
                    }
                }
            }
        }
    }

    @Test
    void i8WithoutScalesIsRefusedNamingThem() throws IOException {
        write(List.of(bytes("emb.t", DType.I8, new long[]{ROWS, DIM}, ROWS * DIM)));
        String m = refused();
        assertTrue(m.contains("'emb.t.scale'") && m.contains("missing"), m);
    }

    @Test
    void badScalesAreRefusedNamingThem() throws IOException {
        List<Blob> bad = List.of(f32("emb.t.scale", new long[]{ROWS, 1}, new float[ROWS]),
                f32("emb.t.scale", new long[]{ROWS + 1}, new float[ROWS + 1]),
                bytes("emb.t.scale", DType.F16, new long[]{ROWS}, 2 * ROWS));
        for (Blob s : bad) {
            write(List.of(bytes("emb.t", DType.I8, new long[]{ROWS, DIM}, ROWS * DIM), s));
            String m = refused();
            assertTrue(m.contains("scales tensor 'emb.t.scale'") && m.contains("expected F32[" + ROWS + "]"), m);
        }
    }

    @Test
    void nonFiniteScaleIsRefused() throws IOException {
        write(List.of(bytes("emb.t", DType.I8, new long[]{ROWS, DIM}, ROWS * DIM),
                f32("emb.t.scale", new long[]{ROWS}, 1f, 1f, Float.NaN, 1f, 1f)));
        String m = refused();
        assertTrue(m.contains("'emb.t.scale'") && m.contains("not finite"), m);
    }

    @Test
    void badTableShapeOrDtypeIsRefusedNamingTheTensor() throws IOException {
        write(List.of(bytes("emb.t", DType.I8, new long[]{ROWS, DIM + 1}, ROWS * (DIM + 1)),
                f32("emb.t.scale", new long[]{ROWS}, new float[ROWS])));
        String m = refused();
        assertTrue(m.contains("'emb.t'") && m.contains("expected [5, 3]"), m);
        write(List.of(bytes("emb.t", DType.I32, new long[]{ROWS, DIM}, 4 * ROWS * DIM)));
        m = refused();
        assertTrue(m.contains("'emb.t'") && m.contains("I32"), m);
    }

    @Test
    void compactDtypesAreRefusedOutsideTables() throws IOException {
        write(List.of(bytes("emb.t", DType.F16, new long[]{ROWS, DIM}, 2 * ROWS * DIM)));
        Path w = dir.resolve("weights.safetensors");
        SafeTensors.write(w, List.of(bytes("emb.t", DType.F16, new long[]{ROWS, DIM}, 2 * ROWS * DIM),
                bytes("w", DType.I8, new long[]{1, DIM}, DIM)));
        String m = refused();
        assertTrue(m.contains("'w'") && m.contains("I8 is accepted for embedding tables only"), m);
    }

    @Test
    void nonFiniteHalfIsRefusedWhenCopied() throws IOException {
        MemorySegment h = MemorySegment.ofArray(new short[ROWS * DIM]);
        h.setAtIndex(Table.HALF, 4, (short) 0x7c00);   // +inf
        write(List.of(new Blob("emb.t", DType.F16, new long[]{ROWS, DIM}, h)));
        String m = refused();
        assertTrue(m.contains("'emb.t'") && m.contains("Infinity") && m.contains("[1, 1]"), m);
        try (Arena arena = Arena.ofConfined()) {
            // a mapped table is not read at load (WeightRange finds it when a score is not finite)
            assertFalse(Float.isFinite(load(true, arena).tables().get("t").value(1, 1)));
        }
    }
}
