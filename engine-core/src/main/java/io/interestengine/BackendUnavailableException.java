package io.interestengine;

/**
 * The one way a backend declines to run here (no device, no driver, model too large, CPU feature
 * missing). The message says why and how to fix it. Any other exception from a backend is a bug.
 */
public class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
