package io.interestengine.testkit.core;

import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.ModelFormatException;
import io.interestengine.Session;
import io.interestengine.format.SafeTensors;
import io.interestengine.testkit.BackendChecks;
import io.interestengine.testkit.ModelBuilder;
import io.interestengine.testkit.Presets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every malformed model directory gives a ModelFormatException naming the tensor or field and the value. */
class BadModelTest {
    /** The valid model every test breaks in one place. */
    private static final ModelBuilder TINY = Presets.tinyDin(1);
    private static final String TINY_JSON = TINY.json();

    @TempDir
    Path tmp;

    /** TINY_JSON with {@code from} replaced, failing if the text lacks it (the test would then break nothing). */
    private static String edit(String from, String to) {
        assertTrue(TINY_JSON.contains(from), "test setup: model.json lacks " + from);
        return TINY_JSON.replace(from, to);
    }

    private static byte[] safetensors(Map<String, float[]> tensors, Map<String, int[]> shapes) {
        return ModelBuilder.assemble(SafeTensors.headerF32(tensors, shapes), tensors);
    }

    private void expect(Path dir, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Model.load(dir, LoadOptions.defaults().withBackend("scalar")));
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should mention '" + f + "'");
    }

    private Path model(String json) {
        return ModelBuilder.write(tmp.resolve("m"), json, TINY.tensors(), TINY.shapes());
    }

    private Path withWeights(byte[] weights) throws IOException {
        Path d = Presets.tinyDin(7).write(tmp.resolve("m"));
        Files.write(d.resolve("weights.safetensors"), weights);
        return d;
    }

    @Test
    void validModelLoads() {
        try (Model m = Model.load(Presets.tinyDin(7).write(tmp.resolve("ok")), LoadOptions.defaults().withBackend("scalar"))) {
            assertEquals("scalar", m.backendName());
        }
    }

    @Test
    void truncatedFile() throws IOException {
        expect(withWeights(new byte[]{1, 2, 3, 4, 5}), "truncated", "5 bytes");
    }

    @Test
    void truncatedData() throws IOException {
        byte[] full = safetensors(TINY.tensors(), TINY.shapes());
        // Cutting the last tensor's bytes leaves its offsets beyond the data block.
        expect(withWeights(Arrays.copyOf(full, full.length - 8)), "bn.var", "outside the data block");
    }

    @Test
    void headerLengthBeyondFile() throws IOException {
        byte[] b = safetensors(TINY.tensors(), TINY.shapes());
        b[0] = (byte) 0xff;
        b[1] = (byte) 0xff;
        b[2] = (byte) 0x7f;
        expect(withWeights(b), "header length 8388607", "beyond the file");
    }

    @Test
    void invalidHeaderJson() throws IOException {
        expect(withWeights(ModelBuilder.assemble("{\"emb.uid\": {\"dtype\": ", Map.of())), "not valid JSON");
    }

    private String header(String replaceFrom, String replaceTo) {
        String json = SafeTensors.headerF32(TINY.tensors(), TINY.shapes());
        assertTrue(json.contains(replaceFrom), "test setup: header lacks " + replaceFrom);
        return json.replace(replaceFrom, replaceTo);
    }

    @Test
    void unknownDtype() throws IOException {
        String h = header("\"emb.mid\":{\"dtype\":\"F32\"", "\"emb.mid\":{\"dtype\":\"Q4\"");
        expect(withWeights(ModelBuilder.assemble(h, TINY.tensors())), "emb.mid", "unknown dtype \"Q4\"");
    }

    @Test
    void overlappingOffsets() throws IOException {
        // emb.uid is [0,40); pointing emb.mid (56 bytes) at [16,72) overlaps it.
        String h = header("\"data_offsets\":[40,96]", "\"data_offsets\":[16,72]");
        expect(withWeights(ModelBuilder.assemble(h, TINY.tensors())), "emb.uid", "emb.mid", "overlap");
    }

    @Test
    void offsetsOutsideFile() throws IOException {
        String h = header("\"data_offsets\":[40,96]", "\"data_offsets\":[4000,4056]");
        expect(withWeights(ModelBuilder.assemble(h, TINY.tensors())), "emb.mid", "[4000, 4056]", "outside the data block");
    }

    @Test
    void tensorMissing() {
        Map<String, float[]> t = new LinkedHashMap<>(TINY.tensors());
        t.remove("fc1.bias");
        ModelBuilder.write(tmp.resolve("m"), TINY_JSON, t, TINY.shapes());
        expect(tmp.resolve("m"), "graph[11](dense).bias", "fc1.bias", "missing");
    }

    @Test
    void wrongShape() {
        Map<String, int[]> s = new LinkedHashMap<>(TINY.shapes());
        s.put("emb.mid", new int[]{2, 7});
        ModelBuilder.write(tmp.resolve("m"), TINY_JSON, TINY.tensors(), s);
        expect(tmp.resolve("m"), "emb.mid", "[2, 7]", "expected [7, 2]");
    }

    @Test
    void wrongLayerInputWidth() {
        expect(model(edit("\"in\": [\"u\", \"item\", \"his_sum\", \"item_his\", \"att\"]", "\"in\": [\"item\", \"his_sum\", \"item_his\", \"att\"]")),
                "fc1.weight", "[2, 18]", "expected [out, 16]");
    }

    @Test
    void unknownOp() {
        expect(model(edit("\"op\": \"mul\"", "\"op\": \"matmul\"")), "graph[8].op", "unknown op \"matmul\"");
    }

    @Test
    void unknownOption() {
        expect(model(edit("\"mode\": \"sum\",", "\"mode\": \"sum\", \"window\": 3,")), "graph[7](pool).window", "unknown key");
    }

    @Test
    void unknownActivation() {
        expect(model(edit("{\"type\": \"sigmoid\"}", "{\"type\": \"gelu\"}")), "activation.type", "unknown activation \"gelu\"");
    }

    @Test
    void paddingIdOutsideAHistoryTable() {
        // cat has 3 rows: padding id 5 would be looked up at every padded position of hist_cat.
        expect(model(edit("\"max_length\": 4,", "\"max_length\": 4, \"padding_id\": 5,")), "padding_id", "5", "table 'cat'", "hist_cat");
    }

    @Test
    void badOptionValue() {
        expect(model(edit("\"normalization\": \"softmax\"", "\"normalization\": \"sparsemax\"")), "normalization", "\"sparsemax\"");
    }

    @Test
    void unknownValueReference() {
        expect(model(edit("\"in\": [\"item\", \"his_sum\"]", "\"in\": [\"item\", \"his_summ\"]")), "graph[8](mul).in[1]", "unknown value \"his_summ\"");
    }

    @Test
    void unsupportedFormatVersion() {
        expect(model(edit("\"format_version\": 1", "\"format_version\": 7")), "format_version", "unsupported version 7");
    }

    @Test
    void invalidModelJson() {
        expect(model(edit("\"tables\": {", "\"tables\" {")), "model.json", "invalid JSON", "line 5, column 12");
    }

    @Test
    void unusedTensor() {
        Map<String, float[]> t = new LinkedHashMap<>(TINY.tensors());
        Map<String, int[]> s = new LinkedHashMap<>(TINY.shapes());
        t.put("stray", new float[]{1f});
        s.put("stray", new int[]{1});
        ModelBuilder.write(tmp.resolve("m"), TINY_JSON, t, s);
        expect(tmp.resolve("m"), "'stray'", "not used");
    }

    @Test
    void oovDefaultRowOutsideTable() {
        expect(model(edit("\"oov\": {\"default_row\": 0}", "\"oov\": {\"default_row\": 3}")), "tables.cat.oov.default_row", "value 3 outside [0, 2]");
    }

    @Test
    void missingDirectory() {
        expect(tmp.resolve("nowhere"), "no model.json");
    }

    @Test
    void failedLoadLeavesOtherModelsUntouched() {
        try (Model good = Model.load(Presets.tinyDin(7).write(tmp.resolve("good")), LoadOptions.defaults().withBackend("scalar"));
             Session s = good.newSession()) {
            float[] before = s.score(BackendChecks.tinyRequest(good, 3, 4));
            Map<String, float[]> t = new LinkedHashMap<>(TINY.tensors());
            t.remove("att.1.bias");
            ModelBuilder.write(tmp.resolve("bad"), TINY_JSON, t, TINY.shapes());
            assertThrows(ModelFormatException.class, () -> Model.load(tmp.resolve("bad")));
            assertTrue(Arrays.equals(before, s.score(BackendChecks.tinyRequest(good, 3, 4))));
        }
    }
}
