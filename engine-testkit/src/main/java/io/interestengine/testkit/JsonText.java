package io.interestengine.testkit;

import io.interestengine.json.Json;

/**
 * Writes JSON values built from Java (maps in insertion order, lists, strings, numbers, booleans, null): the
 * requests replayed from cases.jsonl and the model.json files of {@link ModelBuilder}.
 */
public final class JsonText {
    private JsonText() {
    }

    /** Without spaces: {@code {"a":1,"b":[1,2]}}. */
    public static String compact(Object v) {
        return Json.write(v);
    }

    /** On one line with a space after each comma and colon: {@code {"a": 1, "b": [1, 2]}}. */
    public static String spaced(Object v) {
        return Json.write(v, ", ", ": ");
    }
}
