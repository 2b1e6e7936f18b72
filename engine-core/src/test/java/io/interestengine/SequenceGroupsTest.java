package io.interestengine;

import io.interestengine.internal.Internals;
import io.interestengine.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several behaviour-sequence groups (format_version 2): requests carry each group with its own length, id-masked
 * groups mask by id wherever the padding id sits, user state keeps working for the group its stateful ops read,
 * and the loader refuses what a group cannot mean.
 */
class SequenceGroupsTest {
    @TempDir
    Path tmp;

    static Path fixtures() {
        Path d = Path.of("").toAbsolutePath();
        while (d != null && !Files.isDirectory(d.resolve("fixtures"))) d = d.getParent();
        if (d == null) throw new IllegalStateException("fixtures/ not found above " + Path.of("").toAbsolutePath());
        return d.resolve("fixtures");
    }

    private static LoadOptions scalar() {
        return LoadOptions.defaults().withBackend("scalar");
    }

    /** A DIN with a tags feature of its own length: the Java API gives the scores of the JSON request, case by case. */
    @Test
    void javaRequestWithTwoGroupsScoresAsTheFixture() throws IOException {
        Path dir = fixtures().resolve("deepctr/din_tags_own_length");
        try (Model m = Model.load(dir, scalar()); Session s = m.newSession()) {
            assertEquals(List.of("history", "tags_len"), m.info().sequences().stream().map(ModelInfo.SequenceInfo::name).toList());
            RankingRequest r = m.newRankingRequest();
            // Line 3 of cases.jsonl: 6 history events, 3 tags (another length: each group has its own).
            r.user("user", 9).history("hist_item", new int[]{5, 8, 20, 24, 7, 25}, 6).history("hist_cate", new int[]{2, 8, 4, 6, 5, 6}, 6)
                    .history("tags", new int[]{9, 11, 6}, 3).candidates("item", new int[]{23, 14}, 2).candidates("cate", new int[]{0, 4}, 2);
            float[] java = s.score(r);
            String line = Files.readAllLines(dir.resolve("cases.jsonl")).get(2);
            String req = line.substring(line.indexOf(":") + 1, line.indexOf(",\"scores\""));
            float[] json = RequestJson.score(s, RequestJson.parse(m, req));
            assertArrayEquals(json, java, 0f);
            // The expected scores of that line (DeepCTR-Torch's predict): rtol 1e-5 + atol 1e-6 as every conformance case.
            String[] exp = line.substring(line.indexOf("\"scores\":[") + 10, line.lastIndexOf(']')).split(",");
            for (int c = 0; c < 2; c++) {
                double e = Double.parseDouble(exp[c]);
                assertTrue(Math.abs(java[c] - e) <= 1e-6 + 1e-5 * Math.abs(e), "candidate " + c + ": " + java[c] + " vs " + e);
            }
            // Changing only the tags changes the score: the second group is read.
            r.clear().user("user", 9).history("hist_item", new int[]{5, 8, 20, 24, 7, 25}, 6).history("hist_cate", new int[]{2, 8, 4, 6, 5, 6}, 6)
                    .history("tags", new int[]{1}, 1).candidates("item", new int[]{23, 14}, 2).candidates("cate", new int[]{0, 4}, 2);
            assertNotEquals(java[0], s.score(r)[0]);
            // Fields of one group must agree on the length; another group's length is its own.
            RankingRequest bad = m.newRankingRequest().history("hist_item", new int[]{1, 2}, 2);
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> bad.history("hist_cate", new int[]{1}, 1));
            assertTrue(e.getMessage().contains("differs from the length 2"), e.getMessage());
            RankingRequest missing = m.newRankingRequest().user("user", 1).history("hist_item", new int[]{1}, 1).history("hist_cate", new int[]{1}, 1)
                    .candidates("item", new int[]{1}, 1).candidates("cate", new int[]{1}, 1);
            e = assertThrows(InvalidRequestException.class, () -> s.score(missing));
            assertTrue(e.getMessage().contains("tags"), e.getMessage());
        }
    }

    /** Id masks: a padding id anywhere in the list is masked, so dropping it changes no pooled value. */
    @Test
    void idMaskedGroupIgnoresPaddingIdsWherever() {
        Path dir = fixtures().resolve("deepctr/din_id_masked_max");
        try (Model m = Model.load(dir, scalar()); Session s = m.newSession()) {
            float[] withZeros = score(s, m, new int[]{6, 0, 2, 0}), without = score(s, m, new int[]{6, 2});
            assertArrayEquals(without, withZeros, 0f);
            assertNotEquals(without[0], score(s, m, new int[]{6, 1, 2})[0]);
            // Empty (or all padding): max pooling gives about −1e9 per channel, which drives this model's logit far
            // below zero: the sigmoid is exactly 0, as DeepCTR-Torch predicts for such rows.
            assertEquals(0f, score(s, m, new int[]{0, 0})[0]);
            assertEquals(0f, score(s, m, new int[]{})[0]);
        }
    }

    private static float[] score(Session s, Model m, int[] genres) {
        RankingRequest r = m.newRankingRequest().user("user", 6).userDense("age", new float[]{0.25f})
                .history("hist_item", new int[]{14, 3}, 2).history("genres", genres, genres.length).candidates("item", new int[]{12, 21}, 2);
        return s.score(r);
    }

    /** A DIEN with a second (id-masked) group: its state is the history group's, and the request carries the other. */
    @Test
    void userStateKeepsWorkingBesideAnotherGroup() throws IOException {
        Path dir = copyWith("dien_torch_augru", m -> {
            m.put("format_version", 2L);
            Map<String, Object> fields = obj(m.get("fields"));
            Map<String, Object> seq = new LinkedHashMap<>();
            seq.put("history", fields.remove("history"));
            seq.put("tags", Json.parse("{\"max_length\": 3, \"mask\": \"id\", \"fields\": [{\"name\": \"tags\", \"table\": \"cate\"}]}"));
            fields.put("sequences", seq);
        });
        try (Model m = Model.load(dir, scalar()); Session s = m.newSession()) {
            assertEquals(2, m.info().sequences().size());
            int[] items = {3, 7, 1, 9}, cats = {1, 2, 1, 3};
            RankingRequest r = m.newRankingRequest().user("user", 2).history("hist_item", items, 4).history("hist_cate", cats, 4)
                    .history("tags", new int[]{1, 2}, 2).candidates("item", new int[]{5, 6}, 2).candidates("cate", new int[]{1, 2}, 2);
            float[] direct = s.score(r);
            UserState st = s.emptyState();
            for (int t = 0; t < 4; t++) st = s.advance(st, items[t], cats[t]);
            assertEquals(4, st.length());
            assertArrayEquals(direct, s.score(st, r), 0f);
            UserState restored = UserState.fromBytes(m, st.toBytes());
            assertArrayEquals(direct, s.score(restored, r), 0f);
            assertArrayEquals(items, restored.history("hist_item"));
        }
    }

    @Test
    void loaderRefusesWhatAGroupCannotMean() throws IOException {
        // sequence groups are version 2
        assertFormatError(copyWith("dien_torch_augru", m -> {
            Map<String, Object> fields = obj(m.get("fields"));
            fields.put("sequences", Map.of("history", fields.remove("history")));
        }), "format_version\": 2");
        // a GRU needs consecutive events
        assertFormatError(copyWith("dien_torch_augru", m -> {
            m.put("format_version", 2L);
            obj(obj(m.get("fields")).get("history")).put("mask", "id");
        }), "masked by id");
        // an unknown mask
        assertFormatError(copyWith("dien_torch_augru", m -> {
            m.put("format_version", 2L);
            obj(obj(m.get("fields")).get("history")).put("mask", "ids");
        }), "expected \"length\" or \"id\"");
        // a mask is version 2
        assertFormatError(copyWith("dien_torch_augru", m -> obj(obj(m.get("fields")).get("history")).put("mask", "length")), "unknown key");
        // version 3 is not read
        assertFormatError(copyWith("dien_torch_augru", m -> m.put("format_version", 3L)), "unsupported version 3");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Object o) {
        return (Map<String, Object>) o;
    }

    private void assertFormatError(Path dir, String expected) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Model.load(dir, scalar()).close());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private Path copyWith(String golden, Consumer<Map<String, Object>> edit) throws IOException {
        Path src = fixtures().resolve("golden").resolve(golden), dst = Files.createTempDirectory(tmp, golden);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) Files.copy(f, dst.resolve(f.getFileName()));
        }
        Map<String, Object> model = obj(Json.parse(Files.readString(dst.resolve("model.json"))));
        edit.accept(model);
        Files.writeString(dst.resolve("model.json"), Json.write(model));
        return dst;
    }

    /** The graph's groups are what info() reports (the internal view and the public one agree). */
    @Test
    void infoDescribesTheGroups() {
        try (Model m = Model.load(fixtures().resolve("deepctr/din_id_masked_max"), scalar())) {
            ModelInfo.SequenceInfo g = m.info().sequences().get(1);
            assertEquals("genres", g.name());
            assertEquals("id", g.mask());
            assertEquals(Internals.graph(m).sequences().get(1).maxLength(), g.maxLength());
            assertEquals("genres", m.info().fields("history").get(1).sequence());
        }
    }
}
