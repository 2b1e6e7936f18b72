package io.interestengine.json;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A parsed JSON value with the path that reached it, so that every configuration error names the
 * field at fault ({@code graph[3].activation.alpha}). Errors are built by the supplied factory so
 * that model files raise format errors and requests raise request errors.
 */
public final class Node {
    private final Object v;
    private final String path;
    private final Function<String, RuntimeException> error;

    public Node(Object v, String path, Function<String, RuntimeException> error) {
        this.v = v;
        this.path = path;
        this.error = error;
    }

    public String path() { return path; }
    public Object raw() { return v; }
    public boolean isNull() { return v == null; }
    public boolean isObject() { return v instanceof Map; }
    public boolean isArray() { return v instanceof List; }
    public boolean isString() { return v instanceof String; }
    public boolean isNumber() { return v instanceof Number; }

    public RuntimeException fail(String what) {
        return error.apply(path + ": " + what);
    }

    private String kind() {
        if (v == null) return "null";
        if (v instanceof Map) return "an object";
        if (v instanceof List) return "an array";
        if (v instanceof String str) {
            return "a string (" + Json.quote(str.length() > 60 ? str.substring(0, 60) + "…" : str) + ")";
        }
        if (v instanceof Boolean) return "a boolean";
        return "a number (" + v + ")";
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map() {
        if (!(v instanceof Map)) throw fail("expected an object, found " + kind());
        return (Map<String, Object>) v;
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public boolean has(String key) {
        return map().containsKey(key) && map().get(key) != null;
    }

    /** Required member. */
    public Node get(String key) {
        Map<String, Object> m = map();
        if (!m.containsKey(key) || m.get(key) == null) throw error.apply(child(key) + ": missing");
        return new Node(m.get(key), child(key), error);
    }

    /** Optional member: a null node when absent. */
    public Node opt(String key) {
        return new Node(map().get(key), child(key), error);
    }

    public Set<String> keys() {
        return map().keySet();
    }

    /** Rejects members not in {@code allowed}, naming the first unknown one. */
    public Node allowOnly(Collection<String> allowed) {
        for (String k : map().keySet()) {
            if (!allowed.contains(k)) throw error.apply(child(k) + ": unknown key (allowed: " + String.join(", ", allowed) + ")");
        }
        return this;
    }

    public Node allowOnly(String... allowed) {
        return allowOnly(List.of(allowed));
    }

    public List<Node> list() {
        if (!(v instanceof List<?> l)) throw fail("expected an array, found " + kind());
        List<Node> out = new ArrayList<>(l.size());
        for (int k = 0; k < l.size(); k++) out.add(new Node(l.get(k), path + "[" + k + "]", error));
        return out;
    }

    public String str() {
        if (!(v instanceof String s)) throw fail("expected a string, found " + kind());
        return s;
    }

    public boolean bool() {
        if (!(v instanceof Boolean b)) throw fail("expected true or false, found " + kind());
        return b;
    }

    public double num() {
        if (!(v instanceof Number n)) throw fail("expected a number, found " + kind());
        return n.doubleValue();
    }

    public long integer() {
        if (v instanceof Long l) return l;
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) return d.longValue();
        throw fail("expected an integer, found " + kind());
    }

    public int intIn(long min, long max) {
        long x = integer();
        if (x < min || x > max) throw fail("value " + x + " outside [" + min + ", " + max + "]");
        return (int) x;
    }

    public String str(String key, String dflt) { return has(key) ? get(key).str() : dflt; }
    public boolean bool(String key, boolean dflt) { return has(key) ? get(key).bool() : dflt; }
    public double num(String key, double dflt) { return has(key) ? get(key).num() : dflt; }
}
