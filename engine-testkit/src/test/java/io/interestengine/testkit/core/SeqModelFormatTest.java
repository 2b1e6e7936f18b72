package io.interestengine.testkit.core;

import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.ModelFormatException;
import io.interestengine.testkit.GoldenCases;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gru, mimn and mimn_read ops reject configurations that disagree with their tensors, naming what is wrong. */
class SeqModelFormatTest {
    @TempDir
    Path tmp;

    /** A golden model with one textual replacement in model.json. */
    private Path edited(String golden, String from, String to) throws IOException {
        Path src = GoldenCases.goldenDir().resolve(golden), dst = Files.createTempDirectory(tmp, golden);
        Files.createDirectories(dst);
        Files.copy(src.resolve("weights.safetensors"), dst.resolve("weights.safetensors"));
        String json = Files.readString(src.resolve("model.json"));
        assertTrue(json.contains(from), "fixture should contain " + from);
        Files.writeString(dst.resolve("model.json"), json.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to)));
        return dst;
    }

    private static void expect(Path dir, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Model.load(dir, LoadOptions.defaults().withBackend("scalar")));
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should mention '" + f + "'");
    }

    @Test
    void hiddenSizeDisagreesWithTheCellTensors() throws IOException {
        expect(edited("dien_mouna99_augru", "\"hidden\": 6", "\"hidden\": 5"), "gru1.gate_weight", "graph[9](gru).cell", "[12, 14]", "expected [10, 13]");
    }

    @Test
    void unknownCellStyleAndAttentionForm() throws IOException {
        expect(edited("dien_torch_augru", "\"style\": \"torch\"", "\"style\": \"keras\""), "keras", "\"tf\" or \"torch\"");
        expect(edited("dien_torch_augru", "\"augru_update\"", "\"augru_paper\""), "augru_paper", "augru_keep");
    }

    @Test
    void attentionFormWithoutWeights() throws IOException {
        expect(edited("dien_mouna99_agru", "\"attention\": \"alpha\",", ""), "needs \"attention\"");
    }

    @Test
    void weightsOfTheWrongShape() throws IOException {
        // The weights of an attention over a vector-valued input cannot feed a gru.
        expect(edited("dien_mouna99_augru", "\"attention\": \"alpha\"", "\"attention\": \"item\""), "attention weights must be a sequence of width 1");
    }

    @Test
    void mimnSizes() throws IOException {
        expect(edited("mimn_miu_reg_mask", "\"slots\": 4", "\"slots\": 2"), "2 slots", "shift of range 1");
        expect(edited("mimn_nomiu_noreg_mask", "\"memory_dim\": 8", "\"memory_dim\": 7"), "mimn.");
        expect(edited("mimn_miu_reg_mask", "\"steps\": \"padded\"", "\"steps\": \"all\""), "\"padded\" or \"events\"");
    }

    @Test
    void mimnReadNeedsAMimnState() throws IOException {
        expect(edited("mimn_miu_reg_mask", "\"state\": \"mimn_state\"", "\"state\": \"his_sum\""), "not the state written by a mimn op");
    }

    @Test
    void mimnOutputNamesMustBeNew() throws IOException {
        expect(edited("mimn_miu_reg_mask", "\"mean_memory\": \"mean_memory\"", "\"mean_memory\": \"his_sum\""), "\"his_sum\" is already defined");
    }
}
