package io.interestengine;

import io.interestengine.format.SafeTensors;
import io.interestengine.testkit.ModelBuilder;
import io.interestengine.testkit.Presets;

import java.nio.file.Path;
import java.util.Map;

/**
 * The tiny DIN of {@link Presets#tinyDin} as text and bytes, for the engine-package tests that corrupt a model's
 * configuration or weights on purpose (the builder writes it; these give the pieces).
 */
final class TinyModel {
    private static final ModelBuilder TINY = Presets.tinyDin(1);
    /** The configuration, one line, {@code "key": value} with a space after each colon and comma. */
    static final String JSON = TINY.json();

    private TinyModel() {
    }

    static Map<String, int[]> shapes() {
        return TINY.shapes();
    }

    static Map<String, float[]> tensors(long seed) {
        return Presets.tinyDin(seed).tensors();
    }

    static Path write(Path dir) {
        return TINY.write(dir);
    }

    static Path write(Path dir, String json, Map<String, float[]> tensors, Map<String, int[]> shapes) {
        return ModelBuilder.write(dir, json, tensors, shapes);
    }

    static String header(Map<String, float[]> tensors, Map<String, int[]> shapes) {
        return SafeTensors.headerF32(tensors, shapes);
    }

    /** Header length + header + data, with the header given verbatim (tests corrupt it). */
    static byte[] assemble(String header, Map<String, float[]> tensors) {
        return ModelBuilder.assemble(header, tensors);
    }

    /** A complete ranking request for the tiny model. */
    static RankingRequest request(Model m, int len, int n) {
        return io.interestengine.testkit.BackendChecks.tinyRequest(m, len, n);
    }
}
