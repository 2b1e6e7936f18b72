package io.interestengine;

/**
 * A request the model cannot score: a missing field, an id outside its table (with the {@code "error"}
 * out-of-vocabulary policy), a negative length or one beyond the model's maximum, no candidates, a
 * non-finite dense value. The message names the field, position and value. The session stays usable.
 */
public class InvalidRequestException extends RuntimeException {
    public InvalidRequestException(String message) {
        super(message);
    }
}
