package io.interestengine;

import io.interestengine.format.SafeTensors;
import io.interestengine.testkit.ModelBuilder;
import io.interestengine.testkit.Presets;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        int data = 0;
        for (float[] v : tensors.values()) data += 4 * v.length;
        ByteBuffer b = ByteBuffer.allocate(8 + hb.length + data).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(hb.length).put(hb);
        for (float[] v : tensors.values()) for (float x : v) b.putFloat(x);
        return b.array();
    }

    /** A complete ranking request for the tiny model. */
    static RankingRequest request(Model m, int len, int n) {
        int[] hm = {1, 2, 3, 4}, hc = {0, 1, 2, 1};
        int[] cm = new int[n], cc = new int[n];
        for (int c = 0; c < n; c++) {
            cm[c] = c % 7;
            cc[c] = c % 3;
        }
        return m.newRankingRequest().user("uid", 3).history("hist_mid", hm, len).history("hist_cat", hc, len)
                .candidates("mid", cm, n).candidates("cat", cc, n);
    }
}
