package io.interestengine.cuda;

/** A device allocation failed ({@code CUDA_ERROR_OUT_OF_MEMORY}): the message names the buffer and its size. */
public final class CudaOutOfMemoryException extends CudaException {
    public CudaOutOfMemoryException(String message, int code) {
        super(message, code);
    }
}
