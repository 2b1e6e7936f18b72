package io.interestengine.cuda;

/**
 * A CUDA driver call failed at run time. The message names the call, the CUDA result code and what the engine
 * was doing; subclasses name the failures a caller may want to tell apart. Declining to run at all (no driver,
 * no device, model too large) is {@link io.interestengine.BackendUnavailableException} instead.
 */
public class CudaException extends RuntimeException {
    private final int code;

    public CudaException(String message, int code) {
        super(message);
        this.code = code;
    }

    /** The CUDA driver's result code ({@code CUresult}). */
    public int code() {
        return code;
    }
}
