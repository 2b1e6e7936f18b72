package io.interestengine.simd;

import io.interestengine.graph.EmbeddingOp;
import io.interestengine.graph.Field;
import io.interestengine.graph.Scope;
import io.interestengine.graph.Table;
import io.interestengine.graph.TableType;
import io.interestengine.graph.Value;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;

import static io.interestengine.simd.Vec.L;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The SIMD gather against the scalar reference ({@link Table#gather}), bit for bit, for every stored form and every
 * row width from 1 to 2L + 3 (each lane tail, narrow rows, whole vectors, overlapped last vectors) plus the standard
 * 18 and 36; the pom runs it at 128-, 256- and 512-bit vectors. Widening F16/BF16 and the one-product I8 step are
 * exact, so any differing bit is a wrong conversion, lane or offset.
 */
class TableGatherTest {
    @Test
    void gatherIsBitIdenticalForEveryFormAndWidth() {
        Random r = new Random(11);
        for (TableType type : TableType.values()) {
            for (int dim = 1; dim <= 2 * L + 3 || dim == 18 || dim == 36; dim = next(dim)) check(type, dim, r);
        }
    }

    private static int next(int dim) {
        if (dim < 2 * L + 3) return dim + 1;
        if (dim < 18) return 18;
        if (dim < 36) return 36;
        return Integer.MAX_VALUE;
    }

    private static void check(TableType type, int dim, Random r) {
        int rows = 29, n = 11, T = 3, users = 2;
        try (Arena arena = Arena.ofConfined()) {
            Table t = randomTable(arena, type, rows, dim, r);
            Field fc = new Field("c", Field.Group.CANDIDATE, t, 0, null, null, 0, null);
            Field fh = new Field("h", Field.Group.HISTORY, t, 0, null, null, 1, Arenas.grp(T, false));
            EmbeddingOp ec = new EmbeddingOp(Value.vector("ec", Scope.CANDIDATE, dim), fc);
            EmbeddingOp eh = new EmbeddingOp(Value.sequence("eh", Scope.USER, T, dim, fh.seq()), fh);
            int cOff = 1, hOff = cOff + n * dim, end = hOff + users * T * dim + 3;
            try (Arenas a = new Arenas(T, false, end, n + users * T, users, n, r.nextLong(), 1, ec, eh)) {
                int[] ids = new int[n + users * T];
                // the first and last rows: an overlapped or masked vector must stay inside the table's bytes
                for (int k = 0; k < ids.length; k++) ids[k] = k == 0 ? rows - 1 : k == 1 ? 0 : r.nextInt(rows);
                a.ints(0, ids);
                for (var s : List.of(a.scalar, a.simd)) {
                    a.embedding(s, ec, 0, cOff).run(users, n);
                    a.embedding(s, eh, n, hOff).run(users, n);
                }
                float[] e = a.scalarF(), g = a.simdF();
                for (int k = 0; k < end; k++) {
                    if (Float.floatToRawIntBits(e[k]) != Float.floatToRawIntBits(g[k])) {
                        fail(type + " dim " + dim + " [" + Vec.bits() + "-bit vectors]: arena[" + k + "] is " + g[k] + ", scalar " + e[k]);
                    }
                }
                // the gather wrote something: the scalar arena holds the first id's row
                float[] row = new float[dim];
                t.gather(rows - 1, row, 0);
                for (int j = 0; j < dim; j++) assertEquals(Float.floatToRawIntBits(row[j]), Float.floatToRawIntBits(e[cOff + j]));
            }
        }
    }

    /**
     * Random stored values over the whole finite range of each form: F16 and BF16 bit patterns with any exponent but
     * the inf/NaN one (subnormals included), every int8 value (−128 too) with random per-row scales.
     */
    static Table randomTable(Arena arena, TableType type, int rows, int dim, Random r) {
        long n = (long) rows * dim;
        MemorySegment data = arena.allocate(n * type.bytes, 64);
        MemorySegment scales = null;
        for (long k = 0; k < n; k++) {
            switch (type) {
                case F32 -> data.setAtIndex(Table.F32, k, (float) r.nextGaussian());
                case F16 -> data.setAtIndex(Table.HALF, k, finiteBits(r, 0x7c00));
                case BF16 -> data.setAtIndex(Table.HALF, k, finiteBits(r, 0x7f80));
                case I8 -> data.set(ValueLayout.JAVA_BYTE, k, (byte) r.nextInt(256));
            }
        }
        if (type == TableType.I8) {
            scales = arena.allocate(4L * rows, 64);
            for (int i = 0; i < rows; i++) scales.setAtIndex(Table.F32, i, (float) (r.nextDouble() * 0.05));
        }
        return new Table("t", rows, dim, type, "emb.t", data, scales, -1);
    }

    private static short finiteBits(Random r, int expMask) {
        while (true) {
            short h = (short) r.nextInt(1 << 16);
            if ((h & expMask) != expMask) return h;
        }
    }

    /**
     * Every one of the 65536 F16 and BF16 bit patterns (NaN payloads and infinities too, which a mapped table may hold
     * since it is not checked at load) and every int8 value under several scales, through the gather kernel: the
     * SIMD bits equal the scalar reference's.
     */
    @Test
    void everyStoredValueConvertsAsTheScalarReference() {
        try (Arena arena = Arena.ofConfined()) {
            for (TableType type : List.of(TableType.F16, TableType.BF16)) {
                MemorySegment data = arena.allocate(2L << 16, 64);
                for (int k = 0; k < 1 << 16; k++) data.setAtIndex(Table.HALF, k, (short) k);
                gatherEveryRow(new Table("t", (1 << 16) / 16, 16, type, "emb.t", data, null, -1));
            }
            float[] sc = {0.0123f, 1f, -3.7e-5f, 0f, 3e38f};
            MemorySegment q = arena.allocate(256L * sc.length, 64), scales = arena.allocate(4L * 16 * sc.length, 64);
            for (int s = 0; s < sc.length; s++) {
                for (int k = 0; k < 256; k++) q.set(ValueLayout.JAVA_BYTE, 256L * s + k, (byte) k);
                for (int row = 0; row < 16; row++) scales.setAtIndex(Table.F32, 16L * s + row, sc[s]);
            }
            gatherEveryRow(new Table("t", 16 * sc.length, 16, TableType.I8, "emb.t", q, scales, -1));
        }
    }

    private static void gatherEveryRow(Table t) {
        int n = t.rows(), dim = t.dim();
        Field fc = new Field("c", Field.Group.CANDIDATE, t, 0, null, null, 0, null);
        EmbeddingOp ec = new EmbeddingOp(Value.vector("ec", Scope.CANDIDATE, dim), fc);
        try (Arenas a = new Arenas(0, false, n * dim, n, 1, n, 1, 1, ec)) {
            int[] ids = new int[n];
            for (int k = 0; k < n; k++) ids[k] = k;
            a.ints(0, ids);
            for (var s : List.of(a.scalar, a.simd)) a.embedding(s, ec, 0, 0).run(1, n);
            float[] e = a.scalarF(), g = a.simdF(), row = new float[dim];
            for (int k = 0; k < n * dim; k++) {
                t.gather(k / dim, row, 0);
                int want = Float.floatToRawIntBits(row[k % dim]);
                assertEquals(want, Float.floatToRawIntBits(e[k]), t.type() + " scalar kernel, value " + k);
                assertEquals(want, Float.floatToRawIntBits(g[k]), t.type() + " [" + Vec.bits() + "-bit] value " + k);
            }
        }
    }

    /** The reference conversion is IEEE's: the JDK's for every non-NaN half, a NaN for every NaN pattern. */
    @Test
    void halfReferenceIsIeee() {
        for (int k = 0; k < 1 << 16; k++) {
            float jdk = Float.float16ToFloat((short) k), ours = Table.halfToFloat((short) k);
            if (Float.isNaN(jdk)) assertTrue(Float.isNaN(ours), Integer.toHexString(k));
            else assertEquals(Float.floatToRawIntBits(jdk), Float.floatToRawIntBits(ours), Integer.toHexString(k));
        }
    }
}
