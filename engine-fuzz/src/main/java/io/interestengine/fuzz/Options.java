package io.interestengine.fuzz;

import java.util.HashMap;
import java.util.Map;

/** {@code --key value} options of the fuzz and soak commands. */
record Options(Map<String, String> values) {
    static Options parse(String[] a) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < a.length; i++) {
            if (!a[i].startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + a[i] + "'");
            String k = a[i].substring(2);
            if (i + 1 < a.length && !a[i + 1].startsWith("--")) m.put(k, a[++i]);
            else m.put(k, "true");
        }
        return new Options(m);
    }

    String get(String k, String dflt) {
        return values.getOrDefault(k, dflt);
    }

    double number(String k, double dflt) {
        String v = values.get(k);
        if (v == null) return dflt;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + k + " takes a number, got '" + v + "'");
        }
    }
}
