package io.interestengine.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The fingerprint hashes every layer byte and small tables in full, large tables by sampled pages: an edit between
 * the sampled pages of a large table is the one change it does not see (documented in ModelFingerprint).
 */
class ModelFingerprintTest {
    @TempDir
    Path tmp;

    private static final int ROWS = 40_000, DIM = 16; // 2.56 MB: sampled
    private static final byte[] JSON = "{}".getBytes();

    private String fingerprint(int tableIndex, float tableValue, int layerIndex, float layerValue,
            String name) throws Exception {
        Map<String, float[]> t = new LinkedHashMap<>();
        float[] table = new float[ROWS * DIM];
        for (int k = 0; k < table.length; k++) table[k] = k * 1e-6f;
        if (tableIndex >= 0) table[tableIndex] = tableValue;
        float[] layer = new float[64];
        if (layerIndex >= 0) layer[layerIndex] = layerValue;
        t.put("emb", table);
        t.put("fc", layer);
        Path f = tmp.resolve(name + ".safetensors");
        SafeTensors.writeF32(f, t, Map.of("emb", new int[]{ROWS, DIM}, "fc", new int[]{64}));
        try (Arena a = Arena.ofConfined()) {
            return ModelFingerprint.of(JSON, SafeTensors.open(f, a), List.of("emb"));
        }
    }

    @Test
    void layersAndSampledPagesCountUnsampledRowsDoNot() throws Exception {
        String base = fingerprint(-1, 0, -1, 0, "base");
        assertEquals(base, fingerprint(-1, 0, -1, 0, "same"), "deterministic");
        assertNotEquals(base, fingerprint(-1, 0, 63, 1f, "layer"), "every layer byte is hashed");
        assertNotEquals(base, fingerprint(3, 7f, -1, 0, "first"), "the table's first page is sampled");
        assertNotEquals(base, fingerprint(ROWS * DIM - 1, 7f, -1, 0, "last"), "the table's last page is sampled");
        // Pages are 4096 bytes at (size − 4096)·k/63: the float just past page 0 and before page 1 is not read.
        long size = 4L * ROWS * DIM;
        long page1 = (size - 4096) / 63;
        int between = (int) ((4096 + page1) / 2 / 4);
        assertEquals(base, fingerprint(between, 7f, -1, 0, "between"), "an edit between sampled pages is not seen");
    }
}
