package io.interestengine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Null arguments to the public API are NullPointerExceptions naming the argument, as documented in @throws. */
class NullArgumentsTest {
    @TempDir
    Path tmp;

    private static void named(String arg, org.junit.jupiter.api.function.Executable call) {
        assertEquals(arg, assertThrows(NullPointerException.class, call).getMessage());
    }

    @Test
    void publicApiNamesTheNullArgument() {
        Path dir = TinyModel.write(tmp.resolve("m"));
        named("dir", () -> Model.load(null));
        named("options", () -> Model.load(dir, null));
        try (Model m = Model.load(dir, LoadOptions.defaults().withBackend("scalar")); Session s = m.newSession()) {
            RankingRequest r = TinyModel.request(m, 2, 3);
            named("request", () -> s.score((RankingRequest) null));
            named("out", () -> s.score(r, null));
            named("batch", () -> s.score((BatchRequest) null));
            named("request", () -> s.buildState(null));
            named("state", () -> s.advance(null, 1, 1));
            named("event", () -> s.advance(s.emptyState(), (int[]) null));
            named("policy", () -> s.advance(s.emptyState(), null, 1, 1));
            named("state", () -> s.score((UserState) null, r));
            named("json", () -> RequestJson.parse(m, null));
            named("model", () -> RequestJson.parse(null, "{}"));
            named("session", () -> RequestJson.score(null, RequestJson.parse(m,
                    "{\"candidates\":{\"mid\":[1],\"cat\":[1]}}")));
            assertEquals(3, s.score(r).length, "the session still serves");
        }
    }
}
