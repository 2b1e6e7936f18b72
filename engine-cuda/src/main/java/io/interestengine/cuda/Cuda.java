package io.interestengine.cuda;

import jcuda.driver.CUresult;

/** Maps CUDA driver result codes to the engine's named exceptions. */
final class Cuda {
    private Cuda() {
    }

    /** Throws the named exception for a failed driver call; {@code what} says what the engine was doing. */
    static void check(int rc, String call, String what) {
        if (rc == CUresult.CUDA_SUCCESS) return;
        String msg = call + " failed with " + CUresult.stringFor(rc) + " (" + rc + ") while " + what;
        if (rc == CUresult.CUDA_ERROR_OUT_OF_MEMORY) throw new CudaOutOfMemoryException(msg, rc);
        if (rc == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION) {
            throw new CudaModuleException(msg + ": the driver is older than the PTX ISA of the kernels (8.0, CUDA 12.0); update the NVIDIA driver", rc);
        }
        if (rc == CUresult.CUDA_ERROR_INVALID_PTX || rc == CUresult.CUDA_ERROR_NOT_FOUND || rc == CUresult.CUDA_ERROR_INVALID_IMAGE
                || rc == CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU) {
            throw new CudaModuleException(msg + ": the kernels jar does not match this engine-cuda version, or the GPU is older than sm_80", rc);
        }
        if (rc == CUresult.CUDA_ERROR_LAUNCH_FAILED || rc == CUresult.CUDA_ERROR_ILLEGAL_ADDRESS || rc == CUresult.CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES
                || rc == CUresult.CUDA_ERROR_INVALID_VALUE && call.equals("cuLaunchKernel") || rc == CUresult.CUDA_ERROR_MISALIGNED_ADDRESS
                || rc == CUresult.CUDA_ERROR_ILLEGAL_INSTRUCTION || rc == CUresult.CUDA_ERROR_LAUNCH_TIMEOUT) {
            throw new CudaKernelException(msg, rc);
        }
        throw new CudaException(msg, rc);
    }
}
