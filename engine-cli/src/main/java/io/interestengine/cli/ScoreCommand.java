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
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code score --model DIR}: one JSON request per stdin line → one {@code {"scores":[...]}} line; a bad line
 * gives {@code {"error": "...", "line": k}} and the run goes on.
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
        try (Model model = Model.load(dir, opts); Session session = model.newSession()) {
            err.println("model " + model.graph().name() + ": " + model.selectionReport());
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int n = 0, bad = 0;
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
                    out.println("{\"error\":" + Json.quote(e.getMessage()) + ",\"line\":" + n + "}");
                }
            }
            out.flush();
            if (bad > 0) err.println(bad + " of " + n + " lines had errors");
            return 0;
        }
    }
}
