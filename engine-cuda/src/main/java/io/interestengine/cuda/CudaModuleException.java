package io.interestengine.cuda;

/** The kernels' PTX could not be loaded or a kernel was missing from it (invalid or too new PTX, wrong jar). */
public final class CudaModuleException extends CudaException {
    public CudaModuleException(String message, int code) {
        super(message, code);
    }
}
