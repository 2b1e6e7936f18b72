package io.interestengine.testkit.core;

import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.RequestJson;
import io.interestengine.Session;
import io.interestengine.UserState;
import io.interestengine.testkit.GoldenCases;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Left padding: a DIEN model whose history is stored left-padded runs its GRUs and attention over the same
 * real events, so it must reproduce the right-padded golden scores (the unmasked history sum includes the
 * same T − len padding rows either way). Also checks that the state API's event-order storage holds.
 */
class GruPaddingTest {
    @TempDir
    Path tmp;

    private Path leftPadded(String golden) throws IOException {
        Path src = GoldenCases.goldenDir().resolve(golden), dst = tmp.resolve(golden);
        Files.createDirectories(dst);
        for (String f : new String[]{"weights.safetensors", "cases.jsonl", "reference.json"}) Files.copy(src.resolve(f), dst.resolve(f));
        String json = Files.readString(src.resolve("model.json"));
        assertTrue(json.contains("\"padding\": \"right\""));
        Files.writeString(dst.resolve("model.json"), json.replace("\"padding\": \"right\"", "\"padding\": \"left\""));
        return dst;
    }

    @Test
    void leftPaddedDienMatchesTheRightPaddedGoldens() throws IOException {
        for (String g : new String[]{"dien_mouna99_augru", "dien_mouna99_gru_att", "dien_torch_aigru", "dien_torch_gru_raw"}) {
            Path d = leftPadded(g);
            GoldenCases.check(d, "scalar");
            try (Model m = Model.load(d, LoadOptions.defaults().withBackend("scalar")); Session s = m.newSession()) {
                // golden line 5: a history of 3 events in a window of 10
                RankingRequest req = RequestJson.parse(m, GoldenCases.read(d).get(4).request()).ranking();
                UserState built = s.buildState(req);
                UserState st = s.emptyState();
                int[] a = built.history(io.interestengine.internal.Internals.graph(m).fields(io.interestengine.graph.Field.Group.HISTORY).get(0).name());
                int[] b = built.history(io.interestengine.internal.Internals.graph(m).fields(io.interestengine.graph.Field.Group.HISTORY).get(1).name());
                for (int t = 0; t < a.length; t++) st = s.advance(st, a[t], b[t]);
                assertTrue(built.length() > 0 && built.length() < io.interestengine.internal.Internals.graph(m).sequences().get(0).maxLength());
                assertArrayEquals(built.value("ext"), st.value("ext"), g);
                assertArrayEquals(s.score(req), s.score(st, req), g);
            }
        }
    }
}
