package io.interestengine.testkit;

import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RequestJson;
import io.interestengine.Session;
import io.interestengine.json.Json;
import io.interestengine.json.Node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The conformance harness: golden fixtures written by tools/reference from PyTorch (inputs and expected
 * scores), read here and replayed on any backend ({@link ConformanceSuite} runs every fixture set on each one).
 */
public final class GoldenCases {
    /**
     * fp32 everywhere: the engine folds batch norm in double and sums in another order than PyTorch, which
     * moves a score by a few ulps per layer; 1e-5 relative is the bar, and 1e-6 absolute (about 8 ulps
     * at 1.0) covers scores near zero where a relative bound means nothing.
     */
    public static final double RTOL = 1e-5, ATOL = 1e-6;

    private GoldenCases() {
    }

    /** One request line with its expected scores. */
    public record Case(int line, String request, float[] scores) {
    }

    /** The repository's fixtures/golden directory (property {@code interestengine.fixtures}, else found upward). */
    public static Path goldenDir() {
        return fixturesDir("golden");
    }

    /**
     * The repository's fixtures/{@code name} directory: under the property {@code interestengine.fixtures}, else
     * the first one found upward from the working directory.
     */
    public static Path fixturesDir(String name) {
        String p = System.getProperty("interestengine.fixtures");
        if (p != null) return Path.of(p).resolve(name);
        Path d = Path.of("").toAbsolutePath();
        while (d != null) {
            if (Files.isDirectory(d.resolve("fixtures").resolve(name))) return d.resolve("fixtures").resolve(name);
            d = d.getParent();
        }
        throw new IllegalStateException("fixtures/" + name + " not found above " + Path.of("").toAbsolutePath());
    }

    /** fixtures/deepctr: models trained and exported with the real DeepCTR-Torch, scores of its own predict. */
    public static Path deepCtrDir() {
        return fixturesDir("deepctr");
    }

    /** Every exported DeepCTR-Torch case (directories with a cases.jsonl), sorted by name. */
    public static List<Path> deepCtrCaseDirs() {
        return caseDirs(deepCtrDir());
    }

    /** Every golden model directory (those with a cases.jsonl), sorted by name. */
    public static List<Path> caseDirs() {
        return caseDirs(goldenDir());
    }

    /** Every model directory under {@code base} with a cases.jsonl, sorted by name. */
    public static List<Path> caseDirs(Path base) {
        try (Stream<Path> s = Files.list(base)) {
            return s.filter(d -> Files.exists(d.resolve("cases.jsonl"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code reference} named in {@code dir}/reference.json (what the expected scores come from). */
    public static String reference(Path dir) {
        try {
            Path r = dir.resolve("reference.json");
            if (!Files.exists(r)) return "(no reference.json)";
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) Json.parse(Files.readString(r));
            return String.valueOf(m.get("reference"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The cases of {@code dir}/cases.jsonl, blank lines skipped. */
    public static List<Case> read(Path dir) {
        List<Case> out = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(dir.resolve("cases.jsonl"));
            for (int k = 0; k < lines.size(); k++) {
                if (lines.get(k).isBlank()) continue;
                Node n = new Node(Json.parse(lines.get(k)), "cases.jsonl:" + (k + 1), IllegalStateException::new);
                List<Node> sc = n.get("scores").list();
                float[] s = new float[sc.size()];
                for (int i = 0; i < s.length; i++) s[i] = (float) sc.get(i).num();
                String req = jsonOf(n.get("request").raw());
                out.add(new Case(k + 1, req, s));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Re-serialises a parsed JSON value (the request is replayed through the public JSON reader). */
    public static String jsonOf(Object v) {
        return JsonText.compact(v);
    }

    /** Asserts {@code |actual − expected| ≤ atol + rtol·|expected|} element-wise, naming the first mismatch. */
    public static void assertClose(String what, float[] expected, float[] actual, double rtol, double atol) {
        if (actual.length < expected.length) fail(what + ": " + actual.length + " scores, expected " + expected.length);
        for (int i = 0; i < expected.length; i++) {
            double tol = atol + rtol * Math.abs(expected[i]);
            if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
                fail(what + ": score " + i + " is " + actual[i] + ", expected " + expected[i] + " (|diff| " + Math.abs(actual[i] - expected[i]) + " > " + tol + ")");
            }
        }
    }

    /** Loads one golden directory on {@code backend} and checks every case. */
    public static void check(Path dir, String backend) {
        try (Model m = Model.load(dir, LoadOptions.defaults().withBackend(backend)); Session s = m.newSession()) {
            for (Case c : read(dir)) {
                RequestJson.Parsed p = RequestJson.parse(m, c.request());
                float[] got = RequestJson.score(s, p);
                if (p.size() != c.scores().length) {
                    fail(dir.getFileName() + " line " + c.line() + ": " + p.size() + " scores, expected " + c.scores().length);
                }
                assertClose(dir.getFileName() + " [" + reference(dir) + "] line " + c.line() + " on " + backend, c.scores(), got, RTOL, ATOL);
            }
        }
    }
}
