package io.interestengine;

import io.interestengine.testkit.GoldenCases;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Stored user states are checked completely on restore: any corrupted byte is caught by the CRC32C, and bytes
 * that carry a valid checksum are still checked for ids outside their tables, counts that do not fit the window and
 * (format 2) non-zero padding. Format 2 bytes, as the engine wrote them before format 3, stay readable.
 */
public class UserStateBytesTest {
    /** Rewrites the trailing CRC32C over the body (what a writer other than toBytes would do). */
    public static void reseal(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b).putInt(b.length - 4, (int) c.getValue());
    }

    private static UserState built(Session s, int events) {
        UserState st = s.emptyState();
        for (int e = 0; e < events; e++) st = s.advance(st, 1 + e % 5, 1 + e % 3);
        return st;
    }

    @Test
    void everyCorruptionIsRejected() {
        Random r = new Random(16);
        for (String name : List.of("dien_torch_augru", "mimn_miu_reg_events")) {
            try (Model m = Model.load(GoldenCases.goldenDir().resolve(name),
                    LoadOptions.defaults().withBackend("scalar"));
                 Session s = m.newSession()) {
                byte[] good = built(s, 7).toBytes();
                assertArrayEquals(good, UserState.fromBytes(m, good).toBytes(), "round trip");
                for (int trial = 0; trial < 2000; trial++) {
                    byte[] b = good.clone();
                    int flips = 1 + r.nextInt(4);
                    for (int k = 0; k < flips; k++) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                    if (Arrays.equals(b, good)) continue;
                    try {
                        UserState.fromBytes(m, b);
                        fail(name + ": corrupted state accepted (trial " + trial + ")");
                    } catch (IllegalArgumentException expected) {
                        // the checksum, magic or version names the problem
                    }
                }
            }
        }
    }

    @Test
    void idOutsideItsTableIsRejectedUnderAValidChecksum() {
        try (Model m = Model.load(GoldenCases.goldenDir().resolve("dien_torch_augru"),
                LoadOptions.defaults().withBackend("scalar"));
             Session s = m.newSession()) {
            byte[] b = built(s, 3).toBytes();
            // Layout: magic, version, UTF fingerprint (2-byte length + ASCII), T, len, then the first field's ids.
            int fpLen = ((b[8] & 0xff) << 8) | (b[9] & 0xff);
            int ids = 10 + fpLen + 8;
            ByteBuffer.wrap(b).putInt(ids + 4, 1_000_000_000);
            reseal(b);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UserState.fromBytes(m, b));
            assertTrue(e.getMessage().contains("1000000000") && e.getMessage().contains("position 1"), e.getMessage());
        }
    }

    /** Format 2 bytes, written by the engine before format 3 (7 events, as {@link #built}; scalar backend). */
    private static byte[] formatTwo() throws IOException {
        try (InputStream in = UserStateBytesTest.class.getResourceAsStream("user-state-v2-dien_torch_augru-7.bin")) {
            return in.readAllBytes();
        }
    }

    @Test
    void formatTwoStaysReadable() throws IOException {
        try (Model m = Model.load(GoldenCases.goldenDir().resolve("dien_torch_augru"),
                LoadOptions.defaults().withBackend("scalar"));
             Session s = m.newSession()) {
            byte[] old = formatTwo();
            assertEquals(2, ByteBuffer.wrap(old).getInt(4), "the fixture is format 2");
            UserState got = UserState.fromBytes(m, old), want = built(s, 7);
            assertEquals(want.length(), got.length());
            for (var f : m.info().eventFields()) {
                assertArrayEquals(want.history(f.name()), got.history(f.name()), f.name());
            }
            for (var v : want.valueDefs) {
                float[] a = want.value(v.name()), b = got.value(v.name());
                // Same cells, same backend, same inputs: only a change of the reference cells' arithmetic could move
                // a state, by a few ulps of values below 1 in magnitude.
                assertEquals(a.length, b.length, v.name());
                for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-6 + 1e-5 * Math.abs(a[i]), v.name());
            }
            byte[] now = got.toBytes();
            assertEquals(3, ByteBuffer.wrap(now).getInt(4), "written in format 3");
            // Format 3 drops, per value, its name (2-byte length + bytes) and its padding rows (past the 7 events).
            int saved = 0;
            for (var v : want.valueDefs) {
                saved += 2 + v.name().length() + 4 * (v.rowSize() - want.value(v.name()).length);
            }
            assertEquals(old.length - saved, now.length);
        }
    }

    @Test
    void formatTwoPaddingMustBeZero() throws IOException {
        try (Model m = Model.load(GoldenCases.goldenDir().resolve("dien_torch_augru"),
                LoadOptions.defaults().withBackend("scalar"))) {
            byte[] b = formatTwo();
            // The last float of the last value: a padding position of the extractor's states (window of 7 < T).
            ByteBuffer.wrap(b).putFloat(b.length - 8, 0.5f);
            reseal(b);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UserState.fromBytes(m, b));
            assertTrue(e.getMessage().contains("padding"), e.getMessage());
        }
    }

    @Test
    void unknownVersionAndWrongCountsAreNamed() {
        try (Model m = Model.load(GoldenCases.goldenDir().resolve("dien_torch_augru"),
                LoadOptions.defaults().withBackend("scalar"));
             Session s = m.newSession()) {
            byte[] good = built(s, 3).toBytes();
            byte[] v4 = good.clone();
            ByteBuffer.wrap(v4).putInt(4, 4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UserState.fromBytes(m, v4));
            assertTrue(e.getMessage().contains("version 4 is unknown"), e.getMessage());
            // A float count that disagrees with the window, under a valid checksum: counts are checked. The model's
            // one stateful value (the extractor's states) is last, just before the checksum.
            UserState st = built(s, 3);
            String name = st.valueDefs[st.valueDefs.length - 1].name();
            int cnt = st.value(name).length;
            byte[] len = good.clone();
            ByteBuffer.wrap(len).putInt(len.length - 4 - 4 * cnt - 4, cnt - 1);
            reseal(len);
            e = assertThrows(IllegalArgumentException.class, () -> UserState.fromBytes(m, len));
            assertTrue(e.getMessage().contains("holds " + (cnt - 1) + " floats, " + cnt + " expected"), e.getMessage());
            byte[] cut = java.util.Arrays.copyOf(good, good.length - 12);
            reseal(cut);
            e = assertThrows(IllegalArgumentException.class, () -> UserState.fromBytes(m, cut));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void nullsAreNamed() {
        try (Model m = Model.load(GoldenCases.goldenDir().resolve("dien_torch_augru"),
                LoadOptions.defaults().withBackend("scalar"))) {
            assertEquals("bytes", assertThrows(NullPointerException.class, () -> UserState.fromBytes(m,
                    null)).getMessage());
            assertEquals("model", assertThrows(NullPointerException.class, () -> UserState.fromBytes(null,
                    new byte[12])).getMessage());
        }
    }
}
