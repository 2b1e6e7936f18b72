package io.interestengine.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader (RFC 8259): objects become {@link LinkedHashMap}, arrays {@link ArrayList},
 * numbers {@link Long} when integral and written without fraction or exponent, else {@link Double}.
 * Errors give the line and column. The engine reads model configurations and CLI requests with it;
 * neither is on the scoring hot path.
 */
public final class Json {
    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    /** Parses one JSON document; trailing non-whitespace is an error. */
    public static Object parse(String text) {
        Json p = new Json(text);
        p.ws();
        Object v = p.value(0);
        p.ws();
        if (p.i < p.s.length()) throw p.err("unexpected text after the JSON value");
        return v;
    }

    private JsonException err(String msg) {
        int line = 1, col = 1;
        for (int k = 0; k < Math.min(i, s.length()); k++) {
            if (s.charAt(k) == '\n') { line++; col = 1; } else col++;
        }
        return new JsonException(msg + " at line " + line + ", column " + col);
    }

    private void ws() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') i++; else break;
        }
    }

    private Object value(int depth) {
        if (depth > 512) throw err("nesting deeper than 512");
        if (i >= s.length()) throw err("unexpected end of input");
        char c = s.charAt(i);
        switch (c) {
            case '{': return object(depth);
            case '[': return array(depth);
            case '"': return string();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return number();
                throw err("unexpected character '" + c + "'");
        }
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, i)) throw err("invalid literal");
        i += word.length();
        return v;
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        ws();
        if (peek() == '}') { i++; return m; }
        while (true) {
            ws();
            if (peek() != '"') throw err("expected a string key");
            String k = string();
            ws();
            if (peek() != ':') throw err("expected ':' after key \"" + k + "\"");
            i++;
            ws();
            if (m.containsKey(k)) throw err("duplicate key \"" + k + "\"");
            m.put(k, value(depth + 1));
            ws();
            char c = peek();
            i++;
            if (c == ',') continue;
            if (c == '}') return m;
            i--;
            throw err("expected ',' or '}' in object");
        }
    }

    private List<Object> array(int depth) {
        List<Object> a = new ArrayList<>();
        i++;
        ws();
        if (peek() == ']') { i++; return a; }
        while (true) {
            ws();
            a.add(value(depth + 1));
            ws();
            char c = peek();
            i++;
            if (c == ',') continue;
            if (c == ']') return a;
            i--;
            throw err("expected ',' or ']' in array");
        }
    }

    private char peek() {
        if (i >= s.length()) throw err("unexpected end of input");
        return s.charAt(i);
    }

    private String string() {
        i++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) throw err("unterminated string");
            char c = s.charAt(i++);
            if (c == '"') return b.toString();
            if (c < 0x20) throw err("control character in string");
            if (c != '\\') { b.append(c); continue; }
            if (i >= s.length()) throw err("unterminated string");
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) throw err("bad \\u escape: four hex digits expected");
                    // Exactly four hex digits: Integer.parseInt would also take a sign ("\\u+123", "\\u-001").
                    int cp = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = Character.digit(s.charAt(i + k), 16);
                        if (d < 0 || s.charAt(i + k) > 'f') throw err("bad \\u escape: '" + s.charAt(i + k)
                                + "' is not a hex digit");
                        cp = cp * 16 + d;
                    }
                    b.append((char) cp);
                    i += 4;
                }
                default -> throw err("bad escape \\" + e);
            }
        }
    }

    private Object number() {
        int start = i;
        if (s.charAt(i) == '-') i++;
        if (i >= s.length()) throw err("bad number");
        if (s.charAt(i) == '0') i++;
        else if (Character.isDigit(s.charAt(i))) while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        else throw err("bad number");
        boolean integral = true;
        if (i < s.length() && s.charAt(i) == '.') {
            integral = false;
            i++;
            int d = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
            if (d == i) throw err("bad number: digits expected after '.'");
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            integral = false;
            i++;
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
            int d = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
            if (d == i) throw err("bad number: digits expected in exponent");
        }
        String t = s.substring(start, i);
        if (integral) {
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException x) {
                return Double.parseDouble(t);
            }
        }
        return Double.parseDouble(t);
    }

    /** Writes a string as a JSON string literal. */
    public static String quote(String v) {
        StringBuilder b = new StringBuilder(v.length() + 2).append('"');
        for (int k = 0; k < v.length(); k++) {
            char c = v.charAt(k);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    /** Writes a value (maps in their order, lists, int arrays, strings, numbers, booleans, null) as compact JSON. */
    public static String write(Object v) {
        return write(v, ",", ":");
    }

    /**
     * As {@link #write(Object)}, with the given separators after each comma and colon (e.g. {@code ", "} and
     * {@code ": "} for one readable line).
     *
     * @throws IllegalArgumentException for a non-finite number (JSON has none) or a value of another type
     */
    public static String write(Object v, String comma, String colon) {
        StringBuilder b = new StringBuilder();
        write(b, v, comma, colon);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v, String comma, String colon) {
        switch (v) {
            case null -> b.append("null");
            case String s -> b.append(quote(s));
            case java.util.Map<?, ?> m -> {
                b.append('{');
                boolean first = true;
                for (var e : m.entrySet()) {
                    if (!first) b.append(comma);
                    first = false;
                    b.append(quote(String.valueOf(e.getKey()))).append(colon);
                    write(b, e.getValue(), comma, colon);
                }
                b.append('}');
            }
            case java.util.List<?> l -> {
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
                if (!Float.isFinite(f)) throw new IllegalArgumentException("non-finite number " + f + " has no JSON form");
                b.append(f);
            }
            case Double d -> {
                if (!Double.isFinite(d)) throw new IllegalArgumentException("non-finite number " + d + " has no JSON form");
                b.append(d);
            }
            case Number n -> b.append(n);
            case Boolean z -> b.append(z);
            default -> throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
    }
}
