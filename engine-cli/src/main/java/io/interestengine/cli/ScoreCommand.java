package io.interestengine.cli;

import io.interestengine.InvalidRequestException;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.NumericException;
import io.interestengine.RequestJson;
import io.interestengine.Session;
import io.interestengine.json.Json;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code score --model DIR}: one JSON request per stdin line → one {@code {"scores":[...]}} line; a bad line
 * gives {@code {"error": "...", "line": k}} and the run goes on, whatever the failure (the request limits of
 * {@link LoadOptions} keep a huge line from exhausting the heap).
 */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Read JSON requests on stdin (one per line), write {\"scores\":[...]} lines.")
final class ScoreCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "model directory")
    Path model;

    @Option(names = "--backend", paramLabel = "B", description = "auto|scalar|simd|cuda (default: auto)")
    String backend = "auto";

    @Override
    public Integer call() throws Exception {
        return run(model, backend, System.in, System.out, System.err);
    }

    static int run(Path dir, String backend, InputStream in, PrintStream out, PrintStream err) throws Exception {
        LoadOptions opts = LoadOptions.defaults().withBackend(backend);
        try (Model model = Model.load(dir, opts)) {
            err.println("model " + model.info().name() + ": " + model.selectionReport());
            int[] counts = serve(model, new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), out);
            if (counts[1] > 0) err.println(counts[1] + " of " + counts[0] + " lines had errors");
            return 0;
        }
    }

    /** Answers every line; returns {lines, lines with errors}. */
    private static int[] serve(Model model, BufferedReader r, PrintStream out) throws IOException {
        Session session = model.newSession();
        int n = 0, bad = 0;
        try {
            String line;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                try {
                    RequestJson.Parsed p = RequestJson.parse(model, line);
                    float[] s = RequestJson.score(session, p);
                    StringBuilder b = new StringBuilder("{\"scores\":[");
                    for (int i = 0; i < p.size(); i++) b.append(i == 0 ? "" : ",").append(s[i]);
                    out.println(b.append("]}"));
                } catch (InvalidRequestException | NumericException e) {
                    bad++;
                    out.println(error(e.getMessage(), n));
                } catch (RuntimeException e) {
                    // Not a documented answer to a bad request: report it on the line and go on with a fresh session,
                    // so that whatever state the failure left behind cannot touch the next lines. Errors are not
                    // caught.
                    bad++;
                    out.println(error(e.getClass().getSimpleName() + ": " + e.getMessage(), n));
                    session.close();
                    session = model.newSession();
                }
            }
            out.flush();
            return new int[]{n, bad};
        } finally {
            session.close();
        }
    }

    private static String error(String message, int line) {
        return "{\"error\":" + Json.quote(String.valueOf(message)) + ",\"line\":" + line + "}";
    }
}
