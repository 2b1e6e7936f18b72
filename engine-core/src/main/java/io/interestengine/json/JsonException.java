package io.interestengine.json;

/** Malformed JSON text; the message gives line and column. */
public final class JsonException extends RuntimeException {
    public JsonException(String message) {
        super(message);
    }
}
