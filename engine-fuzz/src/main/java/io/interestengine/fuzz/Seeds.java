package io.interestengine.fuzz;

import io.interestengine.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The inputs mutations start from: each bundled model directory ({@code models/*} with a demo request) and its
 * demo request cut to a few candidates, so that one scalar call stays in the milliseconds.
 */
record Seeds(List<Seed> models) {
    /** One model directory's files and a small request for it. */
    record Seed(String name, Path dir, byte[] json, byte[] weights, String request) {
    }

    static Seeds load(Path modelsRoot, int candidates) {
        List<Seed> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(modelsRoot)) {
            for (Path d : s.sorted().toList()) {
                if (!Files.exists(d.resolve("model.json")) || !Files.exists(d.resolve("demo_request.json"))) continue;
                out.add(new Seed(d.getFileName().toString(), d, Files.readAllBytes(d.resolve("model.json")),
                        Files.readAllBytes(d.resolve("weights.safetensors")),
                                cut(Files.readString(d.resolve("demo_request.json")), candidates)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no model directories with demo_request.json under "
                + modelsRoot);
        return new Seeds(List.copyOf(out));
    }

    /** The request with only its first {@code n} candidates. */
    static String cut(String request, int n) {
        @SuppressWarnings("unchecked") Map<String, Object> doc = (Map<String, Object>) Json.parse(request);
        @SuppressWarnings("unchecked") Map<String, Object> cands = (Map<String, Object>) doc.get("candidates");
        for (var e : cands.entrySet()) {
            List<?> l = (List<?>) e.getValue();
            e.setValue(new ArrayList<>(l.subList(0, Math.min(n, l.size()))));
        }
        return JsonText.write(doc);
    }

    /** The models folder of the repository above the working directory (tests run in a module folder). */
    static Path findModels() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("models"))
                    && Files.exists(d.resolve("models/din/model.json"))) return d.resolve("models");
        }
        throw new IllegalStateException("no models/ folder above " + Path.of("").toAbsolutePath());
    }
}
