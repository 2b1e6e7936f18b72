package io.interestengine.cuda;

/**
 * A kernel failed to launch or faulted while running (launch failure, illegal address, out of resources).
 * Faults are reported at the next synchronising call; with {@code -Dinterestengine.cuda.sync=true} every launch
 * is synchronised so that the message names the kernel and op at fault.
 */
public final class CudaKernelException extends CudaException {
    public CudaKernelException(String message, int code) {
        super(message, code);
    }
}
