package io.interestengine.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The backend's {@link Driver} over the CPU emulation of the kernels (kernels/emu: the same .cu sources built
 * with cuda_emu.h into shared libraries). Device memory is native host memory, streams are synchronous, and a
 * launch is a foreign call to {@code emu_<kernel>(grid, block, args...)}. It lets the tests run the whole Java
 * side of the backend (offsets, row maps, weight layouts, staging, the deferred launch queue) against the
 * scalar reference without a GPU. No graphs: capture is a driver feature.
 */
final class EmuDriver implements GraphlessDriver {
    private final Path libs;
    private final Arena libArena = Arena.ofShared();
    private final Map<String, SymbolLookup> lookups = new HashMap<>();
    private final Map<Long, Arena> allocations = new HashMap<>();

    private record Block(MemorySegment seg) implements Mem, Host {
        @Override
        public long address() {
            return seg.address();
        }

        @Override
        public ByteBuffer bytes() {
            return seg.asByteBuffer().order(ByteOrder.nativeOrder());
        }
    }

    EmuDriver(Path libs) {
        this.libs = libs;
    }

    /** The folder of the emulator libraries above the working directory, or null. */
    static Path find() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path t = d.resolve("kernels/emu/target");
            if (Files.exists(t.resolve("libemu_attention.so"))) return t;
        }
        return null;
    }

    @Override
    public String deviceName() {
        return "CPU emulation of the kernels (" + libs + ")";
    }

    @Override
    public long[] memInfo() {
        return new long[]{1L << 40, 1L << 40};
    }

    @Override
    public void makeCurrent() {
    }

    private synchronized Block allocate(long bytes) {
        Arena a = Arena.ofShared();
        MemorySegment s = a.allocate(bytes, 64);
        allocations.put(s.address(), a);
        return new Block(s);
    }

    @Override
    public Mem alloc(long bytes, String what) {
        return allocate(bytes);
    }

    @Override
    public synchronized void free(Mem m) {
        allocations.remove(m.address()).close();
    }

    @Override
    public void upload(Mem dst, long dstOff, ByteBuffer src, long bytes, String what) {
        MemorySegment.copy(MemorySegment.ofBuffer(src), 0, ((Block) dst).seg, dstOff, bytes);
    }

    @Override
    public Host allocHost(long bytes, String what) {
        return allocate(bytes);
    }

    @Override
    public void freeHost(Host h) {
        free((Block) h);
    }

    @Override
    public Object createStream() {
        return new Object();
    }

    @Override
    public void destroyStream(Object stream) {
    }

    @Override
    public void copyIn(Mem dst, long dstOff, Host src, long srcOff, long bytes, Object stream) {
        MemorySegment.copy(((Block) src).seg, srcOff, ((Block) dst).seg, dstOff, bytes);
    }

    @Override
    public void copyOut(Host dst, long dstOff, Mem src, long srcOff, long bytes, Object stream) {
        MemorySegment.copy(((Block) src).seg, srcOff, ((Block) dst).seg, dstOff, bytes);
    }

    @Override
    public void sync(Object stream, String what) {
    }

    @Override
    public synchronized Prepared prepare(KernelAbi abi, Object[] args, String what) {
        SymbolLookup lib = lookups.computeIfAbsent(abi.module, m -> SymbolLookup.libraryLookup(libs.resolve("libemu_" + m + ".so"), libArena));
        List<MemoryLayout> layouts = new ArrayList<>(List.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        for (char c : abi.signature.toCharArray()) {
            layouts.add(c == 'p' ? ValueLayout.JAVA_LONG : c == 'i' ? ValueLayout.JAVA_INT : ValueLayout.JAVA_FLOAT);
        }
        MethodHandle h = Linker.nativeLinker().downcallHandle(lib.find("emu_" + abi.entry).orElseThrow(
                () -> new CudaModuleException("emulator has no emu_" + abi.entry, 0)), FunctionDescriptor.ofVoid(layouts.toArray(new MemoryLayout[0])));
        Object[] fixed = args.clone();
        return (gx, gy, block, shared, stream) -> {
            Object[] a = new Object[3 + fixed.length];
            a[0] = gx;
            a[1] = gy;
            a[2] = block;
            for (int k = 0; k < fixed.length; k++) {
                a[3 + k] = switch (fixed[k]) {
                    case null -> 0L;
                    case int[] v -> v[0];
                    case float[] v -> v[0];
                    default -> fixed[k];
                };
            }
            try {
                h.invokeWithArguments(a);
            } catch (Throwable t) {
                throw new CudaKernelException("emulated " + abi.entry + " for " + what + ": " + t, 0);
            }
        };
    }

    @Override
    public void close() {
    }
}
