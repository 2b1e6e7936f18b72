package io.interestengine.json;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A \\u escape takes exactly four hex digits: no sign, no other digit system. */
class JsonEscapeTest {
    @Test
    void validEscapes() {
        assertEquals("A\u00e9\u20ac", Json.parse("\"\\u0041\\u00E9\\u20ac\""));
    }

    @Test
    void signedOrNonHexEscapesAreRejected() {
        for (String bad : new String[]{"\"\\u+123\"", "\"\\u-123\"", "\"\\u12g4\"", "\"\\u 123\"", "\"\\u12\"",
                "\"\\u\u0663\u0663\u0663\u0663\"", "\"\\u\uff21\uff21\uff21\uff21\""}) {
            JsonException e = assertThrows(JsonException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().contains("\\u escape"), e.getMessage());
        }
    }
}
