package io.interestengine.cli;

import io.interestengine.InvalidRequestException;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.NumericException;
import io.interestengine.RequestJson;
import io.interestengine.Session;
import io.interestengine.json.Json;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@code score --model DIR}: one JSON request per stdin line → one {@code {"scores":[...]}} line; a bad line
 * gives {@code {"error": "...", "line": k}} and the run goes on.
 */
final class ScoreCommand {
    private ScoreCommand() {
    }

    static int run(Args args, InputStream in, PrintStream out, PrintStream err) throws Exception {
        Path dir = Path.of(args.require("model"));
        LoadOptions opts = LoadOptions.defaults().withBackend(args.get("backend", "auto"));
        try (Model model = Model.load(dir, opts); Session session = model.newSession()) {
            err.println("model " + model.info().name() + ": " + model.selectionReport());
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
