package io.interestengine.testkit;

import io.interestengine.json.Json;

import java.util.List;
import java.util.Map;

/**
 * Writes JSON values built from Java (maps in insertion order, lists, strings, numbers, booleans, null): the
 * requests replayed from cases.jsonl and the model.json files of {@link ModelBuilder}.
 */
public final class JsonText {
    private JsonText() {
    }

    /** Without spaces: {@code {"a":1,"b":[1,2]}}. */
    public static String compact(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v, ",", ":");
        return b.toString();
    }

    /** On one line with a space after each comma and colon: {@code {"a": 1, "b": [1, 2]}}. */
    public static String spaced(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v, ", ", ": ");
        return b.toString();
    }

    private static void write(StringBuilder b, Object v, String comma, String colon) {
        switch (v) {
            case null -> b.append("null");
            case String s -> b.append(Json.quote(s));
            case Map<?, ?> m -> {
                b.append('{');
                boolean first = true;
                for (var e : m.entrySet()) {
                    if (!first) b.append(comma);
                    first = false;
                    b.append(Json.quote((String) e.getKey())).append(colon);
                    write(b, e.getValue(), comma, colon);
                }
                b.append('}');
            }
            case List<?> l -> {
                b.append('[');
                for (int k = 0; k < l.size(); k++) {
                    if (k > 0) b.append(comma);
                    write(b, l.get(k), comma, colon);
                }
                b.append(']');
            }
            case int[] a -> {
                b.append('[');
                for (int k = 0; k < a.length; k++) b.append(k > 0 ? comma : "").append(a[k]);
                b.append(']');
            }
            case Float f -> {
                // JSON has no NaN or infinity: a model file with one is a builder mistake, not a test input.
                if (!Float.isFinite(f)) throw new IllegalArgumentException("non-finite number " + f);
                b.append(f);
            }
            case Double d -> {
                if (!Double.isFinite(d)) throw new IllegalArgumentException("non-finite number " + d);
                b.append(d);
            }
            case Number n -> b.append(n);
            case Boolean z -> b.append(z);
            default -> throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
    }
}
