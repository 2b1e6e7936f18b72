package io.interestengine.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SafeTensors#writeF32} against the reader: what is written reads back bit for bit, with its shapes. */
class SafeTensorsWriteTest {
    @TempDir
    Path tmp;

    @Test
    void writtenTensorsReadBackExactly() throws Exception {
        Map<String, float[]> t = new LinkedHashMap<>();
        Map<String, int[]> sh = new LinkedHashMap<>();
        t.put("emb.mid", new float[]{1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, 3e-39f, -7.25f});
        sh.put("emb.mid", new int[]{3, 2});
        t.put("a \"quoted\" name", new float[]{42f});
        sh.put("a \"quoted\" name", new int[]{1});
        t.put("empty", new float[0]);
        sh.put("empty", new int[]{0, 4});
        Path f = tmp.resolve("w.safetensors");
        SafeTensors.writeF32(f, t, sh);
        try (Arena arena = Arena.ofConfined()) {
            SafeTensors st = SafeTensors.open(f, arena);
            assertEquals(t.keySet(), st.entries().keySet());
            for (var e : t.entrySet()) {
                SafeTensors.Entry en = st.entries().get(e.getKey());
                assertEquals(SafeTensors.DType.F32, en.dtype());
                long[] want = new long[sh.get(e.getKey()).length];
                for (int k = 0; k < want.length; k++) want[k] = sh.get(e.getKey())[k];
                assertArrayEquals(want, en.shape(), e.getKey());
                assertArrayEquals(e.getValue(), st.floats(en, arena).toFloatArray(), e.getKey());
            }
        }
    }

    @Test
    void lengthThatIsNotTheShapeNamesTheTensor() {
        Map<String, float[]> t = Map.of("fc1.weight", new float[5]);
        Map<String, int[]> sh = Map.of("fc1.weight", new int[]{2, 3});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.writeF32(tmp.resolve("x"), t, sh));
        assertTrue(e.getMessage().contains("fc1.weight") && e.getMessage().contains("5 values"), e.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> SafeTensors.headerF32(t, Map.of()));
        assertTrue(none.getMessage().contains("fc1.weight"), none.getMessage());
    }
}
