package io.interestengine.testkit;

import io.interestengine.format.SafeTensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Writes a model directory (model.json and F32 weights.safetensors, docs/FORMAT.md) from Java: tables, user,
 * sequence and candidate fields, ops as JSON objects, random weights. Weights are drawn in the order they are
 * declared, so a seed gives the same model every time. {@code format_version} is 1 unless the model needs 2
 * (a sequence group other than one length-masked "history", or a {@code max_pool} op) or {@link #formatVersion}
 * says otherwise. Ready-made architectures are in {@link Presets}.
 */
public final class ModelBuilder {
    private final String name;
    private final RandomGenerator rng;
    private String reference;
    private int formatVersion;
    private final Map<String, Object> tables = new LinkedHashMap<>();
    private final List<Object> user = new ArrayList<>(), candidate = new ArrayList<>();
    private final Map<String, Sequence> sequences = new LinkedHashMap<>();
    private final List<Map<String, Object>> graph = new ArrayList<>();
    private Map<String, Object> output;
    private final Map<String, float[]> tensors = new LinkedHashMap<>();
    private final Map<String, int[]> shapes = new LinkedHashMap<>();

    /** A model named {@code name} whose random weights come from {@code new SplittableRandom(seed)}. */
    public ModelBuilder(String name, long seed) {
        this(name, new SplittableRandom(seed));
    }

    public ModelBuilder(String name, RandomGenerator rng) {
        this.name = name;
        this.rng = rng;
    }

    /** A behaviour-sequence group: its fields share one length (or one id mask) per user. */
    public static final class Sequence {
        private final String name;
        private final int maxLength;
        private String padding;
        private Integer paddingId;
        private boolean idMask;
        private final List<Object> fields = new ArrayList<>();

        private Sequence(String name, int maxLength) {
            this.name = name;
            this.maxLength = maxLength;
        }

        /** Real events at {@code T−len..T−1} ({@code "padding": "left"}) or {@code 0..len−1} ("right"). */
        public Sequence leftPadding(boolean left) {
            padding = left ? "left" : "right";
            return this;
        }

        public Sequence paddingId(int id) {
            paddingId = id;
            return this;
        }

        /** A position is real iff the first field's id there is not the padding id ({@code "mask": "id"}). */
        public Sequence idMask() {
            idMask = true;
            return this;
        }

        /** An id field of the group looked up in {@code table}. */
        public Sequence field(String field, String table) {
            fields.add(obj("name", field, "table", table));
            return this;
        }

        private Map<String, Object> json(boolean withMask) {
            Map<String, Object> m = obj("max_length", maxLength);
            if (padding != null) m.put("padding", padding);
            if (paddingId != null) m.put("padding_id", paddingId);
            if (withMask && idMask) m.put("mask", "id");
            m.put("fields", fields);
            return m;
        }
    }

    /** A JSON object from alternating keys and values, in order. */
    public static Map<String, Object> obj(Object... keyValues) {
        if (keyValues.length % 2 != 0) throw new IllegalArgumentException("keys and values must alternate: " + Arrays.toString(keyValues));
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < keyValues.length; k += 2) m.put((String) keyValues[k], keyValues[k + 1]);
        return m;
    }

    /** A JSON array. */
    public static List<Object> list(Object... items) {
        return new ArrayList<>(Arrays.asList(items));
    }

    public ModelBuilder reference(String text) {
        reference = text;
        return this;
    }

    /** Forces {@code format_version} (1 or 2) instead of the lowest one the model needs. */
    public ModelBuilder formatVersion(int version) {
        formatVersion = version;
        return this;
    }

    /** A tensor of Gaussian values with standard deviation {@code std}; returns its name. */
    public String gaussian(String tensor, double std, int... shape) {
        float[] v = new float[size(shape)];
        for (int k = 0; k < v.length; k++) v[k] = (float) (rng.nextGaussian() * std);
        return tensor(tensor, v, shape);
    }

    /** A vector of {@code n} values in [0.5, 1.5) (batch-norm variances); returns its name. */
    public String positive(String tensor, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) v[k] = 0.5f + (float) rng.nextDouble();
        return tensor(tensor, v, n);
    }

    /** A tensor with the given values; returns its name. */
    public String tensor(String tensor, float[] values, int... shape) {
        if (values.length != size(shape)) {
            throw new IllegalArgumentException("tensor " + tensor + ": " + values.length + " values for shape " + Arrays.toString(shape));
        }
        if (tensors.put(tensor, values) != null) throw new IllegalArgumentException("tensor " + tensor + " declared twice");
        shapes.put(tensor, shape.clone());
        return tensor;
    }

    private static int size(int[] shape) {
        int n = 1;
        for (int d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /** An embedding table {@code name} of {@code rows × dim} Gaussian values, stored as tensor {@code emb.name}. */
    public ModelBuilder table(String name, int rows, int dim, double std) {
        tables.put(name, obj("tensor", gaussian("emb." + name, std, rows, dim), "rows", rows, "dim", dim));
        return this;
    }

    /** As {@link #table(String, int, int, double)}, with out-of-range ids mapped to {@code defaultRow}. */
    public ModelBuilder table(String name, int rows, int dim, double std, int defaultRow) {
        table(name, rows, dim, std);
        @SuppressWarnings("unchecked")
        Map<String, Object> t = (Map<String, Object>) tables.get(name);
        t.put("oov", obj("default_row", defaultRow));
        return this;
    }

    public ModelBuilder user(String field, String table) {
        user.add(obj("name", field, "table", table));
        return this;
    }

    public ModelBuilder userDense(String field, int width) {
        user.add(obj("name", field, "dense", width));
        return this;
    }

    public ModelBuilder candidate(String field, String table) {
        candidate.add(obj("name", field, "table", table));
        return this;
    }

    public ModelBuilder candidateDense(String field, int width) {
        candidate.add(obj("name", field, "dense", width));
        return this;
    }

    /** Declares a sequence group of up to {@code maxLength} events; add its fields to the returned group. */
    public Sequence sequence(String group, int maxLength) {
        Sequence s = new Sequence(group, maxLength);
        if (sequences.put(group, s) != null) throw new IllegalArgumentException("sequence group " + group + " declared twice");
        return s;
    }

    /** Appends op {@code kind} writing value {@code out}, with the given keys and values. */
    public ModelBuilder op(String kind, String out, Object... keyValues) {
        Map<String, Object> m = obj("op", kind, "out", out);
        m.putAll(obj(keyValues));
        graph.add(m);
        return this;
    }

    /** The model's output ({@code in}, {@code type} and the type's keys). */
    public ModelBuilder output(Object... keyValues) {
        output = obj(keyValues);
        return this;
    }

    private boolean needsVersion2() {
        if (graph.stream().anyMatch(o -> "max_pool".equals(o.get("op")))) return true;
        if (sequences.size() > 1) return true;
        return sequences.values().stream().anyMatch(s -> !s.name.equals("history") || s.idMask);
    }

    /** The model.json text: one line per top-level key and per op. */
    public String json() {
        int version = formatVersion != 0 ? formatVersion : needsVersion2() ? 2 : 1;
        Map<String, Object> fields = obj("user", user);
        boolean v1Form = version == 1 || !needsVersion2();
        if (v1Form && sequences.size() == 1) fields.put("history", sequences.values().iterator().next().json(version >= 2));
        else if (!sequences.isEmpty()) {
            Map<String, Object> groups = new LinkedHashMap<>();
            for (Sequence s : sequences.values()) groups.put(s.name, s.json(true));
            fields.put("sequences", groups);
        }
        fields.put("candidate", candidate);
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"format\": \"interest-engine-model\",\n");
        b.append("  \"format_version\": ").append(version).append(",\n");
        b.append("  \"name\": ").append(JsonText.spaced(name)).append(",\n");
        if (reference != null) b.append("  \"reference\": ").append(JsonText.spaced(reference)).append(",\n");
        b.append("  \"tables\": ").append(JsonText.spaced(tables)).append(",\n");
        b.append("  \"fields\": ").append(JsonText.spaced(fields)).append(",\n");
        b.append("  \"graph\": [\n");
        for (int k = 0; k < graph.size(); k++) {
            b.append("    ").append(JsonText.spaced(graph.get(k))).append(k + 1 < graph.size() ? ",\n" : "\n");
        }
        b.append("  ],\n");
        b.append("  \"output\": ").append(JsonText.spaced(output)).append("\n}\n");
        return b.toString();
    }

    /** The weights declared so far, in file order (a read-only view). */
    public Map<String, float[]> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    /** The shapes of {@link #tensors()}, in the same order (a read-only view). */
    public Map<String, int[]> shapes() {
        return Collections.unmodifiableMap(shapes);
    }

    /** Writes model.json and weights.safetensors into {@code dir} (created if needed) and returns it. */
    public Path write(Path dir) {
        return write(dir, json(), tensors, shapes);
    }

    /** Writes the given model.json text and tensors into {@code dir}: for tests that break one thing on purpose. */
    public static Path write(Path dir, String json, Map<String, float[]> tensors, Map<String, int[]> shapes) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("model.json"), json);
            SafeTensors.writeF32(dir.resolve("weights.safetensors"), tensors, shapes);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A safetensors file's bytes: header length, the header given verbatim (tests corrupt it), then the data. */
    public static byte[] assemble(String header, Map<String, float[]> tensors) {
        byte[] hb = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int data = 0;
        for (float[] v : tensors.values()) data += 4 * v.length;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + hb.length + data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(hb.length).put(hb);
        for (float[] v : tensors.values()) for (float x : v) b.putFloat(x);
        return b.array();
    }
}
