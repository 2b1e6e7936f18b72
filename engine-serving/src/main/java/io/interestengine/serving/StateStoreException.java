package io.interestengine.serving;

/** The state store could not be reached, timed out, or holds a value that is not a stored state. */
public final class StateStoreException extends RuntimeException {
    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StateStoreException(String message) {
        super(message);
    }
}
