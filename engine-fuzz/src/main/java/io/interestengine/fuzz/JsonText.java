package io.interestengine.fuzz;

import io.interestengine.json.Json;

import java.util.List;
import java.util.Map;

/** Writes the values {@link Json#parse} returns (maps, lists, strings, numbers, booleans, null) back as JSON. */
final class JsonText {
    private JsonText() {
    }

    static String write(Object v) {
        StringBuilder b = new StringBuilder();
        write(v, b);
        return b.toString();
    }

    private static void write(Object v, StringBuilder b) {
        switch (v) {
            case null -> b.append("null");
            case String s -> b.append(Json.quote(s));
            case Map<?, ?> m -> {
                b.append('{');
                boolean first = true;
                for (var e : m.entrySet()) {
                    if (!first) b.append(',');
                    first = false;
                    b.append(Json.quote(String.valueOf(e.getKey()))).append(':');
                    write(e.getValue(), b);
                }
                b.append('}');
            }
            case List<?> l -> {
                b.append('[');
                for (int k = 0; k < l.size(); k++) {
                    if (k > 0) b.append(',');
                    write(l.get(k), b);
                }
                b.append(']');
            }
            case Double d when !Double.isFinite(d) -> b.append(d > 0 ? "1e999" : d < 0 ? "-1e999" : "0");
            default -> b.append(v);
        }
    }
}
