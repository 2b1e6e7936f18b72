package io.interestengine.testkit.core;

import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.ModelFormatException;
import io.interestengine.json.Json;
import io.interestengine.testkit.GoldenCases;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The deep recommendation family's op definitions refuse a broken op with a ModelFormatException that names the op
 * ({@code graph[i](kind).key}) and the value at fault. For every family op of a fixture, every key (nested ones too:
 * CIN's layers, self-attention's per-layer weights, activations) is removed, given a value of the wrong type, a
 * reference to nothing, and, where it names a tensor, a tensor of another shape. A removed key may be optional
 * (the model then loads, or is refused for the tensor it left unread); any other outcome than loading or that
 * exception fails the test.
 */
class FamilyBadModelTest {
    private static final Set<String> FAMILY = Set.of("sum", "reduce_sum", "flatten", "fm", "bi_interaction",
            "inner_product", "outer_product", "cross", "cross_mix", "afm", "cin", "self_attention", "residual");

    @TempDir
    Path tmp;

    private int variant;

    @ParameterizedTest
    @ValueSource(strings = {"deepctr/deepfm_varlen_dense", "deepctr/nfm_bi_dropout_0", "deepctr/pnn_inner_outer_vec",
            "deepctr/pnn_outer_mat", "deepctr/pnn_outer_num", "deepctr/afm_attention", "deepctr/dcn_matrix_2",
            "deepctr/dcn_vector_1", "deepctr/dcnmix_2x3r4", "deepctr/xdeepfm_split_relu", "deepctr/autoint_3x2_res",
            "golden/autorec", "golden/deep_crossing"})
    @SuppressWarnings("unchecked")
    void everyKeyOfEveryFamilyOpIsChecked(String fixture) throws IOException {
        int slash = fixture.indexOf('/');
        Path dir = GoldenCases.fixturesDir(fixture.substring(0, slash)).resolve(fixture.substring(slash + 1));
        String json = Files.readString(dir.resolve("model.json"));
        Map<String, long[]> shapes = tensorShapes(dir.resolve("weights.safetensors"));
        List<Object> graph = (List<Object>) ((Map<String, Object>) Json.parse(json)).get("graph");
        int checked = 0;
        for (int i = 0; i < graph.size(); i++) {
            Map<String, Object> op = (Map<String, Object>) graph.get(i);
            String kind = (String) op.get("op");
            if (!FAMILY.contains(kind)) continue;
            String at = "graph[" + i + "](" + kind + ")";
            for (String key : new ArrayList<>(op.keySet())) {
                if (key.equals("op") || key.equals("out")) continue;
                checked += mutate(dir, json, i, List.of(key), at + "." + key, shapes);
            }
        }
        assertTrue(checked > 0, fixture + " has no family op");
    }

    /** Every mutation of the value at {@code path} (keys and list indices under op i), then of its children. */
    @SuppressWarnings("unchecked")
    private int mutate(Path dir, String json, int i, List<Object> path, String where, Map<String, long[]> shapes)
            throws IOException {
        Object v = at(Json.parse(json), i, path);
        int n = 0;
        // Removed (a list element is not removed: a shorter list is a different model, checked by the shape cases).
        if (path.get(path.size() - 1) instanceof String) n += expect(dir, json, i, path, null, true, where, null);
        // Wrong type: a number where a string, list, object or boolean belongs, a string where a number does.
        Object wrong = v instanceof Number ? "bogus_7" : (Object) 7.5;
        n += expect(dir, json, i, path, wrong, false, where, v instanceof Number ? "bogus_7" : null);
        if (v instanceof String s) {
            n += expect(dir, json, i, path, "no_such_name", false, where, "no_such_name");
            long[] own = shapes.get(s);
            if (own != null) {
                for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                    if (java.util.Arrays.equals(e.getValue(), own)) continue;
                    n += expect(dir, json, i, path, e.getKey(), false, where, e.getKey());
                    break;
                }
            }
        } else if (v instanceof Number) {
            n += expect(dir, json, i, path, -3, false, where, null);
        } else if (v instanceof Map<?, ?> m) {
            for (Object k : m.keySet()) n += mutate(dir, json, i, plus(path, k), where + "." + k, shapes);
        } else if (v instanceof List<?> l) {
            for (int e = 0; e < l.size(); e++) n += mutate(dir, json, i, plus(path, e), where + "[" + e + "]", shapes);
        }
        return n;
    }

    private static List<Object> plus(List<Object> path, Object k) {
        List<Object> p = new ArrayList<>(path);
        p.add(k);
        return p;
    }

    @SuppressWarnings("unchecked")
    private static Object at(Object root, int i, List<Object> path) {
        Object v = ((List<Object>) ((Map<String, Object>) root).get("graph")).get(i);
        for (Object k : path) {
            v = k instanceof String s ? ((Map<String, Object>) v).get(s) : ((List<Object>) v).get((Integer) k);
        }
        return v;
    }

    /**
     * Loads the model with the value at {@code path} replaced (or removed): it must load (a removed optional key, or
     * a value that happens to be valid) or fail with a ModelFormatException naming {@code where} and {@code value}.
     */
    @SuppressWarnings("unchecked")
    private int expect(Path dir, String json, int i, List<Object> path, Object to, boolean remove, String where,
                       String value) throws IOException {
        Object root = Json.parse(json);
        Object parent = at(root, i, path.subList(0, path.size() - 1));
        Object k = path.get(path.size() - 1);
        if (k instanceof String s) {
            if (remove) ((Map<String, Object>) parent).remove(s);
            else ((Map<String, Object>) parent).put(s, to);
        } else {
            ((List<Object>) parent).set((Integer) k, to);
        }
        Path m = tmp.resolve("m" + variant++);
        Files.createDirectories(m);
        Files.writeString(m.resolve("model.json"), Json.write(root));
        Files.copy(dir.resolve("weights.safetensors"), m.resolve("weights.safetensors"));
        String what = where + (remove ? " removed" : " = " + Json.write(to));
        Object was = at(Json.parse(json), i, path);
        try (Model ignored = Model.load(m, LoadOptions.defaults().withBackend("scalar"))) {
            // Loads: an optional key, or a replacement that is itself valid (a tensor of the right shape).
            return 1;
        } catch (ModelFormatException e) {
            String msg = e.getMessage();
            if (System.getProperty("familybad.print") != null) System.out.println(what + " -> " + msg);
            // An optional tensor key removed leaves its tensor unread, which the loader refuses by the tensor's name.
            if (remove && was instanceof String t && msg.contains("'" + t + "' is not used by model.json")) return 1;
            String key = where.replaceFirst("^(graph\\[\\d+\\]\\([a-z_]+\\)\\.[A-Za-z_0-9]+).*$", "$1");
            assertTrue(msg.contains(key), what + ": message '" + msg + "' should name " + key);
            if (value != null) {
                assertTrue(msg.contains(value), what + ": message '" + msg + "' should name '" + value + "'");
            }
            return 1;
        } catch (RuntimeException e) {
            fail(what + ": " + e + " instead of a ModelFormatException", e);
            return 0;
        } finally {
            deleteTree(m);
        }
    }

    private static void deleteTree(Path d) throws IOException {
        try (var s = Files.walk(d)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The shapes in a safetensors header (8-byte little-endian length, then JSON). */
    @SuppressWarnings("unchecked")
    private static Map<String, long[]> tensorShapes(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        long len = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Map<String, Object> h = (Map<String, Object>) Json.parse(new String(b, 8, (int) len, StandardCharsets.UTF_8));
        Map<String, long[]> shapes = new LinkedHashMap<>();
        h.forEach((name, t) -> {
            if (!(t instanceof Map<?, ?> m) || !(m.get("shape") instanceof List<?> s)) return;
            long[] dims = new long[s.size()];
            for (int d = 0; d < dims.length; d++) dims[d] = ((Number) s.get(d)).longValue();
            shapes.put(name, dims);
        });
        return shapes;
    }
}
