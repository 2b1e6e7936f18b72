package io.interestengine.testkit;

import io.interestengine.InvalidRequestException;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.ModelInfo;
import io.interestengine.RankingRequest;
import io.interestengine.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.interestengine.testkit.ModelBuilder.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelBuilderTest {
    @TempDir
    Path tmp;

    /**
     * sigmoid(W·(E[c] + Σ_{t<len} E[h_t]) + b) computed here in double from the builder's own tensors: a tensor
     * written in the wrong layout or under the wrong name, or a key the loader reads otherwise, moves the score.
     * fp32 in the engine over a handful of products: 1e-6 relative and absolute is ample.
     */
    @Test
    void builtModelScoresAsItsWeightsSay() {
        ModelBuilder b = new ModelBuilder("sum_din", 3);
        b.table("mid", 10, 2, 1.0).candidate("mid", "mid");
        b.sequence("history", 3).field("hist_mid", "mid");
        b.gaussian("w", 1.0, 1, 2);
        b.gaussian("b", 1.0, 1);
        b.op("embedding", "c", "field", "mid").op("embedding", "h", "field", "hist_mid")
                .op("pool", "p", "in", "h", "mode", "sum", "masked", true)
                .op("add", "x", "in", list("c", "p"))
                .op("dense", "logit", "in", "x", "weight", "w", "bias", "b")
                .output("in", "logit", "type", "sigmoid");
        float[] e = b.tensors().get("emb.mid"), w = b.tensors().get("w");
        float bias = b.tensors().get("b")[0];
        int[] hist = {4, 9, 2}, cands = {0, 7, 4};
        try (Model m = Model.load(b.write(tmp.resolve("m")), LoadOptions.defaults().withBackend("scalar")); Session s = m.newSession()) {
            assertEquals(1, m.info().formatVersion());
            for (int len = 0; len <= 3; len++) {
                float[] got = s.score(m.newRankingRequest().history("hist_mid", hist, len).candidates("mid", cands, 3));
                for (int c = 0; c < 3; c++) {
                    double z = bias;
                    for (int j = 0; j < 2; j++) {
                        double x = e[cands[c] * 2 + j];
                        for (int t = 0; t < len; t++) x += e[hist[t] * 2 + j];
                        z += w[j] * x;
                    }
                    double want = 1 / (1 + Math.exp(-z));
                    assertEquals(want, got[c], 1e-6 + 1e-6 * Math.abs(want), "len " + len + " candidate " + c);
                }
            }
        }
    }

    /** Two sequence groups, one masked by id: format_version 2, declared as built, and random requests fill both. */
    @Test
    void severalSequenceGroupsRoundTrip() {
        ModelBuilder b = new ModelBuilder("two_groups", 5);
        b.table("uid", 4, 3, 0.5).table("mid", 20, 3, 0.5).table("tag", 6, 3, 0.5);
        b.user("uid", "uid").candidate("mid", "mid");
        b.sequence("hist", 7).leftPadding(true).field("hist_mid", "mid");
        b.sequence("tags", 4).idMask().field("tags", "tag");
        b.gaussian("w", 0.5, 1, 12);
        b.op("embedding", "u", "field", "uid").op("embedding", "c", "field", "mid")
                .op("embedding", "h", "field", "hist_mid").op("embedding", "t", "field", "tags")
                .op("pool", "hp", "in", "h", "mode", "mean", "masked", true)
                .op("max_pool", "tp", "in", "t")
                .op("concat", "x", "in", list("u", "c", "hp", "tp"))
                .op("dense", "logit", "in", "x", "weight", "w")
                .output("in", "logit", "type", "sigmoid");
        try (Model m = Model.load(b.write(tmp.resolve("m")), LoadOptions.defaults().withBackend("scalar")); Session s = m.newSession()) {
            ModelInfo info = m.info();
            assertEquals(2, info.formatVersion());
            assertEquals(List.of(new ModelInfo.SequenceInfo("hist", 7, true, 0, "length"),
                    new ModelInfo.SequenceInfo("tags", 4, false, 0, "id")), info.sequences());
            assertEquals(List.of("uid", "hist_mid", "tags", "mid"), info.fields().stream().map(ModelInfo.FieldInfo::name).sorted(
                    (x, y) -> order(x) - order(y)).toList());
            // A request lacking the tags group is refused: the random one must carry both groups to score.
            RankingRequest partial = m.newRankingRequest().user("uid", 1).history("hist_mid", new int[]{1, 2}, 2)
                    .candidates("mid", new int[]{3}, 1);
            assertThrows(InvalidRequestException.class, () -> s.score(partial));
            float[] r = s.score(RandomRequests.ranking(m, 9, 3, 11));
            float[] q = s.score(RandomRequests.batch(m, 15, 12));
            assertEquals(9, r.length);
            assertEquals(15, q.length);
            for (float v : r) assertTrue(v > 0 && v < 1, "sigmoid score " + v);
        }
    }

    private static int order(String field) {
        return List.of("uid", "hist_mid", "tags", "mid").indexOf(field);
    }

    /** The standard benchmark DIN declares DESIGN.md's sizes. */
    @Test
    void standardDinHasTheDesignSizes() {
        ModelBuilder b = Presets.standard("din", 42);
        assertEquals(List.of(100_000, 18), List.of(b.shapes().get("emb.mid")[0], b.shapes().get("emb.mid")[1]));
        assertEquals(List.of(80, 144), List.of(b.shapes().get("att.0.weight")[0], b.shapes().get("att.0.weight")[1]));
        assertEquals(List.of(200, 162), List.of(b.shapes().get("fc1.weight")[0], b.shapes().get("fc1.weight")[1]));
        assertTrue(b.json().contains("\"max_length\": 100"), b.json());
    }

    @Test
    void sameSeedSameWeights() {
        assertTrue(java.util.Arrays.equals(Presets.tinyDin(3).tensors().get("fc1.weight"), Presets.tinyDin(3).tensors().get("fc1.weight")));
        assertTrue(!java.util.Arrays.equals(Presets.tinyDin(3).tensors().get("fc1.weight"), Presets.tinyDin(4).tensors().get("fc1.weight")));
    }
}
