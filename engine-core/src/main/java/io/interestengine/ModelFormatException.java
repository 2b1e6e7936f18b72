package io.interestengine;

/**
 * A model directory that cannot be loaded: malformed {@code model.json} or {@code weights.safetensors},
 * a tensor missing or of the wrong shape or dtype, an unknown op or option. The message names the
 * file, field or tensor and the offending value. Nothing of the model stays loaded.
 */
public class ModelFormatException extends RuntimeException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
