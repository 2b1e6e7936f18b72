package io.interestengine.fuzz;

import io.interestengine.json.Json;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Mutations of the engine's inputs: byte-level (bit flips, interesting bytes, cuts, splices) for any input, and
 * structure-aware ones that keep a JSON document parseable (a value replaced by an edge case, a key dropped or
 * added, a list element removed or duplicated) so that the loader's and request reader's checks past the parser
 * are reached. Deterministic for a given {@link Random}.
 */
final class Mutator {
    private static final Object[] NUMBERS = {0L, -1L, 1L, 2L, 3L, 7L, 255L, 4096L, 65536L, 65537L,
            (long) Integer.MAX_VALUE,
            (long) Integer.MAX_VALUE + 1, (long) Integer.MIN_VALUE, 1L << 53, Long.MAX_VALUE, Long.MIN_VALUE,
                    4611686018427387904L,
            (1L << 55) + 80, 0.5, -0.5, 1e-45, 1e-38, 3.0e38, -3.0e38, 1e39, 1e300, -1e300};
    private static final float[] FLOATS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3e38f, -3e38f,
            Float.MAX_VALUE,
            1e30f, -1e30f, 1e10f, 1e-45f, -0f, 0f, 1f, 100f};

    private final Random r;

    Mutator(Random r) {
        this.r = r;
    }

    /** One to four byte-level mutations. */
    byte[] bytes(byte[] in) {
        byte[] b = in;
        int n = 1 + r.nextInt(4);
        for (int k = 0; k < n; k++) b = oneByteMutation(b);
        return b;
    }

    private byte[] oneByteMutation(byte[] b) {
        if (b.length == 0) return new byte[]{(byte) r.nextInt(256)};
        switch (r.nextInt(8)) {
            case 0, 1 -> {
                byte[] c = b.clone();
                c[r.nextInt(c.length)] ^= (byte) (1 << r.nextInt(8));
                return c;
            }
            case 2 -> {
                byte[] c = b.clone();
                byte[] edge = {0, -1, 0x7f, (byte) 0x80, '"', '\\', '[', ']', '{', '}', ',', ':', '-', '9', 'e'};
                c[r.nextInt(c.length)] = edge[r.nextInt(edge.length)];
                return c;
            }
            case 3 -> {
                return Arrays.copyOf(b, r.nextInt(b.length));
            }
            case 4 -> {
                int at = r.nextInt(b.length), len = Math.min(b.length - at, 1 + r.nextInt(16));
                byte[] c = new byte[b.length - len];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(b, at + len, c, at, b.length - at - len);
                return c;
            }
            case 5 -> {
                int from = r.nextInt(b.length), len = Math.min(b.length - from, 1 + r.nextInt(32)),
                        at = r.nextInt(b.length + 1);
                byte[] c = new byte[b.length + len];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(b, from, c, at, len);
                System.arraycopy(b, at, c, at + len, b.length - at);
                return c;
            }
            case 6 -> {
                byte[] c = b.clone();
                int at = r.nextInt(c.length);
                for (int k = at; k < Math.min(c.length, at + 1 + r.nextInt(8)); k++) c[k] = (byte) r.nextInt(256);
                return c;
            }
            default -> {
                byte[] c = b.clone();
                int at = r.nextInt(c.length);
                c[at] = (byte) (c[at] + (r.nextBoolean() ? 1 : -1));
                return c;
            }
        }
    }

    /** A structural mutation of a JSON document, or a byte-level one when the text does not parse. */
    String json(String text) {
        Object doc;
        try {
            doc = Json.parse(text);
        } catch (RuntimeException e) {
            return new String(bytes(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        }
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n; k++) doc = mutateTree(doc);
        return JsonText.write(doc);
    }

    private Object mutateTree(Object doc) {
        List<Object> containers = new ArrayList<>();
        collect(doc, containers);
        if (containers.isEmpty()) return edgeValue(doc);
        Object c = containers.get(r.nextInt(containers.size()));
        if (c instanceof Map<?, ?> m0) {
            @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) m0;
            List<String> keys = new ArrayList<>(m.keySet());
            int op = r.nextInt(10);
            if (keys.isEmpty() || op == 0) {
                m.put(keys.isEmpty() || r.nextBoolean() ? "x" + r.nextInt(3) : keys.get(r.nextInt(keys.size())) + "_",
                        edgeValue(null));
            } else if (op == 1) {
                m.remove(keys.get(r.nextInt(keys.size())));
            } else {
                String k = keys.get(r.nextInt(keys.size()));
                m.put(k, edgeValue(m.get(k)));
            }
        } else {
            @SuppressWarnings("unchecked") List<Object> l = (List<Object>) c;
            int op = r.nextInt(10);
            if (l.isEmpty() || op == 0) {
                l.add(l.isEmpty() ? edgeValue(null) : l.get(r.nextInt(l.size())));
            } else if (op == 1) {
                l.remove(r.nextInt(l.size()));
            } else if (op == 2) {
                int reps = 1 + r.nextInt(200);
                Object v = l.get(r.nextInt(l.size()));
                for (int k = 0; k < reps; k++) l.add(v);
            } else {
                int i = r.nextInt(l.size());
                l.set(i, edgeValue(l.get(i)));
            }
        }
        return doc;
    }

    /** Every map and list of the tree (containers are mutated in place). */
    private static void collect(Object v, List<Object> out) {
        if (v instanceof Map<?, ?> m) {
            out.add(m);
            for (Object x : m.values()) collect(x, out);
        } else if (v instanceof List<?> l) {
            out.add(l);
            for (Object x : l) collect(x, out);
        }
    }

    /** A replacement for {@code old}: mostly an edge case of its own kind, sometimes another kind. */
    private Object edgeValue(Object old) {
        int kind = r.nextInt(10);
        if (old instanceof Number n && kind < 7) {
            if (kind < 3) return NUMBERS[r.nextInt(NUMBERS.length)];
            if (kind < 5) return n.longValue() + (r.nextBoolean() ? 1 : -1);
            return n.doubleValue() * (r.nextBoolean() ? 1e20 : -1);
        }
        if (old instanceof String s && kind < 7) {
            return switch (r.nextInt(5)) {
                case 0 -> "";
                case 1 -> s + s;
                case 2 -> s.isEmpty() ? "\u0000" : s.substring(0, r.nextInt(s.length()));
                case 3 -> "\u00e9\ud83d\ude00";
                default -> "1";
            };
        }
        if (old instanceof Boolean bo && kind < 7) return !bo;
        return switch (r.nextInt(7)) {
            case 0 -> null;
            case 1 -> new ArrayList<>();
            case 2 -> new LinkedHashMap<>();
            case 3 -> "s";
            case 4 -> Boolean.TRUE;
            case 5 -> new ArrayList<>(List.of(NUMBERS[r.nextInt(NUMBERS.length)]));
            default -> NUMBERS[r.nextInt(NUMBERS.length)];
        };
    }

    /**
     * A safetensors mutation: the header (structurally, with the length prefix rewritten or not), float values in
     * the data block set to edge cases (NaN, ±Inf, ±3e38, …), or raw bytes.
     */
    byte[] safetensors(byte[] file) {
        if (file.length < 8) return bytes(file);
        ByteBuffer bb = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long n = bb.getLong(0);
        int choice = r.nextInt(10);
        if (n < 2 || n > file.length - 8 || choice >= 8) return bytes(file);
        if (choice < 4) {
            String header = new String(file, 8, (int) n, StandardCharsets.UTF_8);
            byte[] h = json(header).getBytes(StandardCharsets.UTF_8);
            // Usually keep the data block where the header says it starts: pad the header with spaces or rewrite its
            // length.
            ByteBuffer out = ByteBuffer.allocate(8 + h.length
                    + file.length - 8 - (int) n).order(ByteOrder.LITTLE_ENDIAN);
            out.putLong(r.nextInt(8) == 0 ? n : h.length).put(h).put(file, 8 + (int) n, file.length - 8 - (int) n);
            return out.array();
        }
        byte[] c = file.clone();
        int data = 8 + (int) n, floats = (c.length - data) / 4;
        if (floats == 0) return bytes(file);
        ByteBuffer cb = ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN);
        int k = 1 + r.nextInt(choice == 7 ? 64 : 3);
        for (int i = 0; i < k; i++) {
            int at = data + 4 * r.nextInt(floats);
            float v = choice == 7 ? cb.getFloat(at) * (float) Math.pow(10, 1
                    + r.nextInt(36)) : FLOATS[r.nextInt(FLOATS.length)];
            cb.putFloat(at, v);
        }
        return c;
    }
}
