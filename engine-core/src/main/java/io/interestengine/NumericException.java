package io.interestengine;

/**
 * A score or an intermediate state became NaN or infinite from the request's input. The message names
 * the value (op output) and the candidate row where it was first seen.
 */
public class NumericException extends RuntimeException {
    public NumericException(String message) {
        super(message);
    }
}
