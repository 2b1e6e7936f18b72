package io.interestengine.cli;

import java.util.HashMap;
import java.util.Map;

/** {@code --key value} options. */
record Args(Map<String, String> values) {
    static Args parse(String[] a) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < a.length; i++) {
            if (!a[i].startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + a[i] + "'");
            String k = a[i].substring(2);
            int eq = k.indexOf('=');
            if (eq >= 0) {
                m.put(k.substring(0, eq), k.substring(eq + 1));
            } else if (i + 1 < a.length && !a[i + 1].startsWith("--")) {
                m.put(k, a[++i]);
            } else {
                m.put(k, "true");
            }
        }
        return new Args(m);
    }

    String get(String k, String dflt) {
        return values.getOrDefault(k, dflt);
    }

    String require(String k) {
        String v = values.get(k);
        if (v == null) throw new IllegalArgumentException("missing --" + k);
        return v;
    }
}
