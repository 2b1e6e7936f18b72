package io.interestengine.testkit.core;

import io.interestengine.InvalidRequestException;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.RequestJson;
import io.interestengine.Session;
import io.interestengine.testkit.BackendChecks;
import io.interestengine.testkit.ModelBuilder;
import io.interestengine.testkit.Presets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invalid requests are rejected with the field, position and value named, and the session stays usable. */
class BadRequestTest {
    private static final ModelBuilder TINY = Presets.tinyDin(1);
    private static final String TINY_JSON = TINY.json();

    /** {@code text} with {@code from} replaced, failing if it lacks it (the test would then change nothing). */
    private static String edit(String text, String from, String to) {
        assertTrue(text.contains(from), "test setup: model.json lacks " + from);
        return text.replace(from, to);
    }

    @TempDir
    Path tmp;
    Model model;
    Session session;
    float[] reference;

    @BeforeEach
    void open() {
        model = Model.load(Presets.tinyDin(7).write(tmp.resolve("m")), LoadOptions.defaults().withBackend("scalar"));
        session = model.newSession();
        reference = session.score(BackendChecks.tinyRequest(model, 3, 5));
    }

    @AfterEach
    void close() {
        // The session must still give the same scores after every rejected request.
        assertArrayEquals(reference, session.score(BackendChecks.tinyRequest(model, 3, 5)));
        session.close();
        model.close();
    }

    private void expect(Runnable r, String... fragments) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, r::run);
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should mention '" + f + "'");
    }

    @Test
    void idOutsideTableWithErrorPolicy() {
        RankingRequest r = BackendChecks.tinyRequest(model, 3, 5).candidates("mid", new int[]{0, 1, 9, 2, 3}, 5);
        expect(() -> session.score(r), "candidate field 'mid'", "id 9", "candidate 2", "table 'mid' of 7 rows");
    }

    @Test
    void historyIdOutsideTable() {
        RankingRequest r = BackendChecks.tinyRequest(model, 3, 5).history("hist_mid", new int[]{1, -4, 2}, 3);
        expect(() -> session.score(r), "history field 'hist_mid'", "id -4", "history position 1");
    }

    @Test
    void idOutsideTableWithDefaultRow() {
        // Table cat has oov {"default_row": 0}: id 99 must score exactly like id 0.
        float[] viaDefault = session.score(BackendChecks.tinyRequest(model, 3, 5).candidates("cat", new int[]{99, 1, 2, 0, 1}, 5));
        float[] viaZero = session.score(BackendChecks.tinyRequest(model, 3, 5).candidates("cat", new int[]{0, 1, 2, 0, 1}, 5));
        assertArrayEquals(viaZero, viaDefault);
    }

    @Test
    void negativeLength() {
        expect(() -> BackendChecks.tinyRequest(model, -1, 5), "hist_mid", "negative length -1");
    }

    @Test
    void lengthBeyondMax() {
        expect(() -> model.newRankingRequest().history("hist_mid", new int[]{1, 2, 3, 4, 5}, 5), "hist_mid", "length 5 exceeds max_length 4");
    }

    @Test
    void historyLengthsDisagree() {
        expect(() -> model.newRankingRequest().history("hist_mid", new int[]{1, 2, 3}, 3).history("hist_cat", new int[]{1, 2}, 2),
                "hist_cat", "length 2 differs", "length 3");
    }

    @Test
    void emptyCandidateList() {
        expect(() -> model.newRankingRequest().candidates("mid", new int[0], 0), "candidate list empty");
        RankingRequest r = model.newRankingRequest().user("uid", 1).history("hist_mid", new int[0], 0).history("hist_cat", new int[0], 0);
        expect(() -> session.score(r), "no candidates");
        expect(() -> RequestJson.parse(model, "{\"user\":{\"uid\":1},\"history\":{\"hist_mid\":[],\"hist_cat\":[]},\"candidates\":{\"mid\":[],\"cat\":[]}}"),
                "candidates.mid", "candidate list empty");
    }

    @Test
    void missingField() {
        RankingRequest r = model.newRankingRequest().history("hist_mid", new int[0], 0).history("hist_cat", new int[0], 0)
                .candidates("mid", new int[]{1}, 1).candidates("cat", new int[]{1}, 1);
        expect(() -> session.score(r), "user field 'uid' was not set");
    }

    @Test
    void unknownField() {
        expect(() -> model.newRankingRequest().user("age", 3), "no user field 'age'", "uid");
        expect(() -> RequestJson.parse(model, "{\"user\":{\"uid\":1,\"gender\":2}}"), "user.gender", "no user field 'gender'");
    }

    @Test
    void candidateCountsDisagree() {
        expect(() -> model.newRankingRequest().candidates("mid", new int[]{1, 2}, 2).candidates("cat", new int[]{1}, 1),
                "candidate field 'cat'", "1 candidates", "has 2");
    }

    @Test
    void malformedJson() {
        expect(() -> RequestJson.parse(model, "{\"user\": {\"uid\": 1"), "invalid JSON");
        expect(() -> RequestJson.parse(model, "{\"user\": {\"uid\": 1.5}}"), "user.uid", "expected an integer");
    }

    @Test
    void clearedRequestForgetsValues() {
        RankingRequest r = BackendChecks.tinyRequest(model, 3, 5);
        r.clear().user("uid", 1);
        expect(() -> session.score(r), "no candidates");
        r.candidates("mid", new int[]{1}, 1).candidates("cat", new int[]{1}, 1);
        expect(() -> session.score(r), "history");
    }

    @Test
    void nonFiniteDenseValue(@TempDir Path dir) {
        String json = TINY_JSON;
        json = edit(json, "\"user\": [{\"name\": \"uid\", \"table\": \"uid\"}]", "\"user\": [{\"name\": \"uid\", \"table\": \"uid\"}, {\"name\": \"age\", \"dense\": 1}]");
        json = edit(json, "{\"op\": \"embedding\", \"out\": \"u\", \"field\": \"uid\"},", "{\"op\": \"embedding\", \"out\": \"u\", \"field\": \"uid\"}, {\"op\": \"dense_input\", \"out\": \"age_v\", \"field\": \"age\"},");
        json = edit(json, "\"in\": [\"u\", \"item\"", "\"in\": [\"u\", \"age_v\", \"item\"");
        Map<String, int[]> shapes = new LinkedHashMap<>(TINY.shapes());
        shapes.put("fc1.weight", new int[]{2, 19});
        shapes.put("bn.mean", new int[]{19});
        shapes.put("bn.var", new int[]{19});
        Map<String, float[]> t = new LinkedHashMap<>(TINY.tensors());
        t.put("fc1.weight", new float[38]);
        t.put("bn.mean", new float[19]);
        float[] var = new float[19];
        java.util.Arrays.fill(var, 1f);
        t.put("bn.var", var);
        try (Model m = Model.load(ModelBuilder.write(dir.resolve("dense"), json, t, shapes), LoadOptions.defaults().withBackend("scalar"));
             Session s = m.newSession()) {
            RankingRequest r = BackendChecks.tinyRequest(m, 2, 3).userDense("age", new float[]{Float.NaN});
            expect(() -> s.score(r), "dense field 'age'", "NaN", "the user");
            r.userDense("age", new float[]{0.5f});
            assertEquals(3, s.score(r, new float[3]));
        }
    }
}
