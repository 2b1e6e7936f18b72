package io.interestengine;

import io.interestengine.testkit.GoldenCases;

import org.junit.jupiter.api.Test;

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
 * that carry a valid checksum are still checked for ids outside their tables and non-zero padding.
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

    @Test
    void paddingMustBeZero() {
        try (Model m = Model.load(GoldenCases.goldenDir().resolve("dien_torch_augru"),
                LoadOptions.defaults().withBackend("scalar"));
             Session s = m.newSession()) {
            UserState st = built(s, 2);
            byte[] b = st.toBytes();
            // The last float of the last value: a padding position of the extractor's states (window of 2 < T).
            ByteBuffer.wrap(b).putFloat(b.length - 8, 0.5f);
            reseal(b);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UserState.fromBytes(m, b));
            assertTrue(e.getMessage().contains("padding"), e.getMessage());
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
