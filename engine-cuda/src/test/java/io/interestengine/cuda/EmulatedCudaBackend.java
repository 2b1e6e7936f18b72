package io.interestengine.cuda;

import java.nio.file.Path;

/**
 * The CUDA backend over the CPU emulation of its kernels, registered for the tests only as {@code cuda-emu}
 * with a rank below scalar (auto never picks it). Available where kernels/emu/target holds the emulator
 * libraries ({@code kernels/emu/build.sh}; EmulatedBackendTest builds them when g++ exists).
 */
public final class EmulatedCudaBackend extends CudaBackend {
    public EmulatedCudaBackend() {
        super("cuda-emu", -1, new DriverFactory() {
            @Override
            public String unavailableReason() {
                return EmuDriver.find() == null ? "the kernel emulator is not built (kernels/emu/build.sh needs g++ with C++20)" : null;
            }

            @Override
            public Driver open() {
                Path p = EmuDriver.find();
                return new EmuDriver(p);
            }
        });
    }
}
