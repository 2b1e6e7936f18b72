package io.interestengine.testkit.core;

import io.interestengine.LoadOptions;
import io.interestengine.ModelFormatException;
import io.interestengine.Model;
import io.interestengine.NumericException;
import io.interestengine.RequestJson;
import io.interestengine.Session;
import io.interestengine.json.Json;
import io.interestengine.testkit.GoldenCases;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Non-finite values reaching DIEN's attention weights or a recurrent/memory state are reported with a
 * {@link NumericException} naming the value, not turned into a NaN score. The golden models are copied with
 * one embedding row set to +Inf, so that a request selecting that id drives the maths out of range. A copied table
 * with +Inf is refused at load; a memory-mapped one is not read at load, so the tests map their tables. The
 * message then blames the model's table, not the request.
 */
class SeqNumericTest {
    @TempDir
    Path tmp;

    /** Copies a golden model with row {@code row} of tensor {@code tensor} set to +Inf. */
    private Path poisoned(String golden, String tensor, int row) throws IOException {
        Path src = GoldenCases.goldenDir().resolve(golden), dst = tmp.resolve(golden);
        Files.createDirectories(dst);
        Files.copy(src.resolve("model.json"), dst.resolve("model.json"));
        byte[] b = Files.readAllBytes(src.resolve("weights.safetensors"));
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) bb.getLong(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> header = (Map<String, Object>) Json.parse(new String(b, 8, n, StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        Map<String, Object> e = (Map<String, Object>) header.get(tensor);
        List<?> shape = (List<?>) e.get("shape"), offs = (List<?>) e.get("data_offsets");
        int dim = ((Number) shape.get(1)).intValue(), at = 8 + n + ((Number) offs.get(0)).intValue();
        for (int j = 0; j < dim; j++) bb.putFloat(at + 4 * (row * dim + j), Float.POSITIVE_INFINITY);
        Files.write(dst.resolve("weights.safetensors"), b);
        return dst;
    }

    private static NumericException score(Path dir, String request) {
        assertThrows(ModelFormatException.class, () -> Model.load(dir, LoadOptions.defaults().withBackend("scalar")));
        try (Model m = Model.load(dir,
                LoadOptions.defaults().withBackend("scalar").withMmapTables(true)); Session s = m.newSession()) {
            NumericException e = assertThrows(NumericException.class, () -> RequestJson.score(s, RequestJson.parse(m,
                    request)));
            assertTrue(e.getMessage().contains("the model's weights are at fault")
                    && e.getMessage().contains("table 'mid'"), e.getMessage());
            return e;
        }
    }

    @Test
    void dienExtractorStateFromAnInfiniteHistoryEmbedding() throws IOException {
        Path d = poisoned("dien_mouna99_augru", "emb.mid", 5);
        NumericException e = score(d, "{\"user\":{\"uid\":1},\"history\":{\"hist_mid\":[3,5,4],\"hist_cat\":[1,2,3]},\"candidates\":{\"mid\":[7,8],\"cat\":[1,1]}}");
        assertTrue(e.getMessage().contains("gru 'ext'"), e.getMessage());
    }

    @Test
    void dienAttentionWeightsFromAnInfiniteCandidate() throws IOException {
        Path d = poisoned("dien_mouna99_augru", "emb.mid", 5);
        NumericException e = score(d, "{\"user\":{\"uid\":1},\"history\":{\"hist_mid\":[3,6,4],\"hist_cat\":[1,2,3]},\"candidates\":{\"mid\":[7,5],\"cat\":[1,1]}}");
        assertTrue(e.getMessage().contains("attention weight of 'alpha'") && e.getMessage().contains("row 1"), e.getMessage());
    }

    @Test
    void mimnMemoryFromAnInfiniteHistoryEmbedding() throws IOException {
        Path d = poisoned("mimn_miu_reg_mask", "emb.mid", 5);
        NumericException e = score(d, "{\"history\":{\"hist_mid\":[3,5],\"hist_cat\":[1,2]},\"candidates\":{\"mid\":[7],\"cat\":[1]}}");
        assertTrue(e.getMessage().contains("memory state of mimn 'mimn_state'"), e.getMessage());
    }
}
