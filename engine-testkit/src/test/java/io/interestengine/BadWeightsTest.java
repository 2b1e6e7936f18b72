package io.interestengine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Weights that are corrupt in ways a header check alone misses: shapes whose byte count overflows a long, and
 * values that are NaN or infinite (read from the file, or made by folding a batch norm). Each is a
 * ModelFormatException naming the tensor (and the index of a bad value), never an ArithmeticException.
 */
class BadWeightsTest {
    @TempDir
    Path tmp;

    private void expect(Path dir, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Model.load(dir,
                LoadOptions.defaults().withBackend("scalar")));
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message '" + e.getMessage()
                + "' should mention '" + f + "'");
    }

    private Path withHeader(String from, String to) throws IOException {
        String h = TinyModel.header(TinyModel.tensors(1), TinyModel.shapes());
        assertTrue(h.contains(from), "test setup: header lacks " + from);
        Path d = TinyModel.write(tmp.resolve("m"));
        Files.write(d.resolve("weights.safetensors"), TinyModel.assemble(h.replace(from, to), TinyModel.tensors(1)));
        return d;
    }

    @Test
    void dimensionWhoseProductOverflowsALong() throws IOException {
        // 2^62 · 96 does not fit in a long: Math.multiplyExact used to escape as an ArithmeticException.
        expect(withHeader("\"shape\":[7,2]", "\"shape\":[4611686018427387904,96]"), "emb.mid", "2^63 bytes");
    }

    @Test
    void byteCountThatWrapsToTheRealSpan() throws IOException {
        // (2^55 + 80) · 128 elements fit in a long, but · 4 bytes wraps to 2^64 + 40960 ≡ 40960: had the span been
        // 40960 bytes the header would have passed. Here the span check must not be fooled by the wrapped product.
        long dim = (1L << 55) + 80;
        expect(withHeader("\"shape\":[7,2]", "\"shape\":[" + dim + ",128]"), "emb.mid", "2^63 bytes");
    }

    @Test
    void wrappedByteCountEqualToTheSpanIsRejected() throws IOException {
        // att.0.bias is 3 floats = 12 bytes. A shape of (2^62 + 3) elements times 4 bytes wraps to exactly 12.
        long dim = (1L << 62) + 3;
        expect(withHeader("\"att.0.bias\":{\"dtype\":\"F32\",\"shape\":[3]",
                "\"att.0.bias\":{\"dtype\":\"F32\",\"shape\":[" + dim + "]"),
                "att.0.bias", "2^63 bytes");
    }

    private Path withValue(String tensor, int index, float v) {
        Map<String, float[]> t = new LinkedHashMap<>(TinyModel.tensors(1));
        t.get(tensor)[index] = v;
        return TinyModel.write(tmp.resolve("m"), TinyModel.JSON, t, TinyModel.shapes());
    }

    @Test
    void nanWeightNamesTensorAndIndex() {
        expect(withValue("fc1.weight", 21, Float.NaN), "fc1.weight", "NaN", "index 21", "[1, 3]");
    }

    @Test
    void infiniteTableValueNamesTensorAndIndex() {
        expect(withValue("emb.mid", 5, Float.NEGATIVE_INFINITY), "emb.mid", "-Infinity", "index 5");
    }

    @Test
    void infiniteHalfPrecisionTableValue() throws IOException {
        // emb.mid as F16 with one +Inf (0x7c00): the conversion to fp32 checks each value.
        Map<String, float[]> t = new LinkedHashMap<>(TinyModel.tensors(1));
        String h = TinyModel.header(t, TinyModel.shapes());
        Path d = TinyModel.write(tmp.resolve("m"));
        // Replace emb.mid's 56 F32 bytes by 28 F16 bytes plus 28 unused bytes (allowed: span must equal 28).
        String h16 = h.replace("\"emb.mid\":{\"dtype\":\"F32\",\"shape\":[7,2],\"data_offsets\":[40,96]",
                "\"emb.mid\":{\"dtype\":\"F16\",\"shape\":[7,2],\"data_offsets\":[40,68]");
        assertTrue(!h16.equals(h), "test setup: emb.mid entry");
        byte[] b = TinyModel.assemble(h16, t);
        int dataStart = b.length - 4 * t.values().stream().mapToInt(a -> a.length).sum();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < 14; k++) bb.putShort(dataStart + 40 + 2 * k, k == 9 ? (short) 0x7c00 : (short) 0x3c00);
        Files.write(d.resolve("weights.safetensors"), b);
        expect(d, "emb.mid", "Infinity", "index 9", "[4, 1]");
    }

    @Test
    void batchNormFoldingThatOverflows() {
        // Finite inputs, infinite result: variance 1e-38 with eps 0 scales the weights by 1e19;
        // 1e30 · 1e19 > fp32 max.
        Map<String, float[]> t = new LinkedHashMap<>(TinyModel.tensors(1));
        t.get("bn.var")[4] = 1e-38f;
        t.get("fc1.weight")[4] = 1e30f;
        Path d = TinyModel.write(tmp.resolve("m"), TinyModel.JSON.replace("\"eps\": 0.001", "\"eps\": 0"), t,
                TinyModel.shapes());
        expect(d, "logits", "Infinity", "index 4", "batch norm");
    }

    @Test
    void overflowFromHugeFiniteWeightsBlamesTheWeights() {
        // 3e38 is finite, so the model loads; the first layer's sums then overflow fp32. The request is fine: the
        // message must say so (scalar and SIMD sum in different orders and may overflow on different inputs).
        Map<String, float[]> t = new LinkedHashMap<>(TinyModel.tensors(1));
        java.util.Arrays.fill(t.get("fc1.weight"), 3e38f);
        String noBatchNorm = TinyModel.JSON.replace("\"format_version\": 1,",
                "\"format_version\": 1, \"allow_unused_tensors\": true,")
                .replaceAll(",\\s*\"batch_norm_before\": \\{[^}]*\\}", "");
        assertTrue(!noBatchNorm.contains("batch_norm_before"), "test setup: the layer has no batch norm to fold");
        Path d = TinyModel.write(tmp.resolve("m"), noBatchNorm, t, TinyModel.shapes());
        for (String backend : new String[]{"scalar", "simd"}) {
            if (backend.equals("simd") && Backends.registered().stream().noneMatch(b
                    -> b.name().equals("simd"))) continue;
            try (Model m = Model.load(d, LoadOptions.defaults().withBackend(backend)); Session s = m.newSession()) {
                NumericException e = assertThrows(NumericException.class, () -> s.score(TinyModel.request(m, 3, 4)));
                assertTrue(e.getMessage().contains("the model's weights are at fault")
                        && e.getMessage().contains("layer 'logits'")
                        && e.getMessage().contains("3.0E38") && !e.getMessage().contains("request's values"),
                                e.getMessage());
            }
        }
    }
}
