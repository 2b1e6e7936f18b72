package io.interestengine.cli;

import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.Session;
import io.interestengine.testkit.BackendChecks;
import io.interestengine.testkit.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The score command: one answer line per request line, errors name the problem and the run goes on. */
class ScoreCommandTest {
    @TempDir
    Path tmp;

    @Test
    void answersEveryLineAndSurvivesBadOnes() throws Exception {
        Path dir = Presets.tinyDin(7).write(tmp.resolve("m"));
        String good = "{\"user\":{\"uid\":3},\"history\":{\"hist_mid\":[1,2,3],\"hist_cat\":[0,1,2]},\"candidates\":{\"mid\":[0,1,2],\"cat\":[0,1,2]}}";
        String input = good + "\n"
                + "{\"user\":{\"uid\":3},\"history\":{\"hist_mid\":[1,2,3],\"hist_cat\":[0,1,2]},\"candidates\":{\"mid\":[0,1,70],\"cat\":[0,1,2]}}\n"
                + "not json\n"
                + "{\"batch\":[{\"user\":{\"uid\":3},\"history\":{\"hist_mid\":[1,2,3],\"hist_cat\":[0,1,2]},\"candidate\":{\"mid\":1,\"cat\":1}}]}\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = ScoreCommand.run(dir, "scalar",
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()));
        assertEquals(0, rc);
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(4, lines.length, out.toString());

        float[] expected;
        try (Model m = Model.load(dir, LoadOptions.defaults().withBackend("scalar")); Session s = m.newSession()) {
            expected = s.score(BackendChecks.tinyRequest(m, 3, 3).candidates("mid", new int[]{0, 1, 2}, 3).candidates("cat", new int[]{0, 1, 2}, 3)
                    .history("hist_mid", new int[]{1, 2, 3}, 3).history("hist_cat", new int[]{0, 1, 2}, 3));
        }
        assertEquals("{\"scores\":[" + expected[0] + "," + expected[1] + "," + expected[2] + "]}", lines[0]);
        assertTrue(lines[1].startsWith("{\"error\":") && lines[1].contains("id 70") && lines[1].endsWith("\"line\":2}"), lines[1]);
        assertTrue(lines[2].contains("invalid JSON") && lines[2].endsWith("\"line\":3}"), lines[2]);
        // The batch sample is candidate 1 of the first request.
        assertEquals("{\"scores\":[" + expected[1] + "]}", lines[3]);
    }

    @Test
    void aMillionCandidatesIsAnErrorLineAndTheRunGoesOn() throws Exception {
        Path dir = Presets.tinyDin(1).write(tmp.resolve("m"));
        StringBuilder huge = new StringBuilder("{\"user\":{\"uid\":3},\"history\":{\"hist_mid\":[1],\"hist_cat\":[0]},\"candidates\":{\"mid\":[0");
        for (int c = 1; c < 1_000_000; c++) huge.append(",0");
        huge.append("],\"cat\":[0]}}");
        String good = "{\"user\":{\"uid\":3},\"history\":{\"hist_mid\":[1],\"hist_cat\":[0]},\"candidates\":{\"mid\":[0,1],\"cat\":[0,1]}}";
        String input = huge + "\n" + good + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = ScoreCommand.run(dir, "scalar",
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), new PrintStream(out, true,
                        StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()));
        assertEquals(0, rc);
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].contains("1000000 candidates") && lines[0].contains("withMaxCandidates")
                && lines[0].endsWith("\"line\":1}"), lines[0]);
        assertTrue(lines[1].startsWith("{\"scores\":["), lines[1]);
    }
}
