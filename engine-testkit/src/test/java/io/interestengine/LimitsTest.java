package io.interestengine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The size limits of LoadOptions: a request or model beyond one is refused before anything is allocated, with an
 * exception naming the limit and the option, and the session keeps serving.
 */
class LimitsTest {
    @TempDir
    Path tmp;

    private static void mentions(RuntimeException e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention '" + p
                + "'");
    }

    @Test
    void hugeBatchResetIsRefusedBeforeAnyArrayGrows() {
        try (Model m = Model.load(TinyModel.write(tmp.resolve("m")), LoadOptions.defaults().withBackend("scalar"))) {
            // 50,000,000 rows · max_length used to overflow an int (NegativeArraySizeException) or exhaust the heap.
            InvalidRequestException e = assertThrows(InvalidRequestException.class, ()
                    -> m.newBatchRequest().reset(50_000_000));
            mentions(e, "50000000", "withMaxBatchSamples");
            assertEquals(3, m.newBatchRequest().reset(3).size());
        }
    }

    @Test
    void batchWithinTheSampleLimitButBeyondTheWorkspace() {
        LoadOptions o = LoadOptions.defaults().withBackend("scalar").withMaxWorkspaceBytes(200_000);
        try (Model m = Model.load(TinyModel.write(tmp.resolve("m")), o)) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, ()
                    -> m.newBatchRequest().reset(50_000));
            mentions(e, "withMaxWorkspaceBytes", "200000");
        }
    }

    @Test
    void tooManyCandidates() {
        LoadOptions o = LoadOptions.defaults().withBackend("scalar").withMaxCandidates(10);
        try (Model m = Model.load(TinyModel.write(tmp.resolve("m")), o); Session s = m.newSession()) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> s.score(TinyModel.request(m,
                    3, 11)));
            mentions(e, "11 candidates", "limit of 10", "withMaxCandidates");
            assertEquals(10, s.score(TinyModel.request(m, 3, 10)).length, "the session keeps serving");
        }
    }

    @Test
    void tooManyCandidatesInJsonIsRefusedWhileParsing() {
        LoadOptions o = LoadOptions.defaults().withBackend("scalar").withMaxCandidates(2);
        try (Model m = Model.load(TinyModel.write(tmp.resolve("m")), o)) {
            String line = "{\"user\":{\"uid\":3},\"history\":{\"hist_mid\":[1],\"hist_cat\":[0]},\"candidates\":{\"mid\":[0,1,2],\"cat\":[0,1,2]}}";
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> RequestJson.parse(m, line));
            mentions(e, "3 candidates", "withMaxCandidates");
        }
    }

    @Test
    void workspaceLimitBoundsSessionGrowth() {
        // The default workspace limit must hold a million-candidate request far below the heap; a small limit shows
        // the refusal and that the exact size is used when doubling would pass the limit.
        long perCandidate = Limits.workspaceBytes(loadGraph(), 1, 2) - Limits.workspaceBytes(loadGraph(), 1, 1);
        long limit = Limits.workspaceBytes(loadGraph(), 1, 1) + 300 * perCandidate;
        LoadOptions o = LoadOptions.defaults().withBackend("scalar").withMaxWorkspaceBytes(limit);
        try (Model m = Model.load(TinyModel.write(tmp.resolve("m")), o); Session s = m.newSession()) {
            assertEquals(300, s.score(TinyModel.request(m, 2, 300)).length,
                    "300 candidates fit exactly (512 would not)");
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> s.score(TinyModel.request(m,
                    2, 302)));
            mentions(e, "302 candidate rows", "withMaxWorkspaceBytes");
            assertEquals(5, s.score(TinyModel.request(m, 2, 5)).length);
        }
    }

    private io.interestengine.graph.ModelGraph loadGraph() {
        try (Model m = Model.load(TinyModel.write(tmp.resolve("g")), LoadOptions.defaults().withBackend("scalar"))) {
            return m.graph();
        }
    }

    @Test
    void maxLengthBeyondTheLimitIsAFormatError() {
        Path d = TinyModel.write(tmp.resolve("m"), TinyModel.JSON.replace("\"max_length\": 4", "\"max_length\": 65536"),
                TinyModel.tensors(1), TinyModel.shapes());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Model.load(d,
                LoadOptions.defaults().withBackend("scalar")));
        mentions(e, "max_length 65536", "limit of 4096", "withMaxHistoryLength");
        LoadOptions raised = LoadOptions.defaults().withBackend("scalar").withMaxHistoryLength(65536)
                .withMaxWorkspaceBytes(64L << 20);
        try (Model m = Model.load(d, raised); Session s = m.newSession()) {
            assertEquals(65536, m.graph().sequences().get(0).maxLength(), "a raised limit admits it; the session starts small");
            assertEquals(2, s.score(TinyModel.request(m, 3, 2)).length);
        }
    }

    @Test
    void modelWhoseSmallestSessionPassesTheWorkspaceLimit() {
        Path d = TinyModel.write(tmp.resolve("m"));
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> Model.load(d, LoadOptions.defaults().withBackend("scalar").withMaxWorkspaceBytes(64)));
        mentions(e, "withMaxWorkspaceBytes", "limit of 64");
    }

    @Test
    void optionsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.defaults().withMaxCandidates(0));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.defaults().withMaxWorkspaceBytes(0));
        assertThrows(NullPointerException.class, () -> LoadOptions.defaults().withBackend(null));
    }
}
