package io.interestengine.cuda;

/**
 * One kernel call bound to fixed device addresses. Its parameter block is built once, when the step is bound:
 * sizes that change per request live in one-element holder arrays that the step writes before each launch
 * (read at launch), so launching allocates nothing. Arguments: a device address ({@code Long}) or {@code null}
 * (a null pointer) for {@code p}, an {@code int[1]} holder or {@code Integer} for {@code i}, a {@code float[1]}
 * holder or {@code Float} for {@code f}; they are checked against the {@link KernelAbi} at bind time.
 */
final class Launch {
    final KernelAbi abi;
    final String what;
    private final Driver.Prepared prepared;
    int gridX = 1, gridY = 1, block = 128, shared;

    Launch(Driver driver, KernelAbi abi, String what, Object... args) {
        this.abi = abi;
        this.what = what;
        String sig = signature(args);
        if (!sig.equals(abi.signature)) {
            throw new IllegalStateException(abi.entry + " for " + what + ": arguments " + sig + " do not match the kernel's " + abi.signature);
        }
        this.prepared = driver.prepare(abi, args, what);
    }

    /** The {@link KernelAbi} signature that {@code args} would bind. */
    static String signature(Object... args) {
        StringBuilder b = new StringBuilder();
        for (Object a : args) {
            b.append(switch (a) {
                case null -> 'p';
                case Long p -> 'p';
                case int[] h when h.length == 1 -> 'i';
                case Integer v -> 'i';
                case float[] h when h.length == 1 -> 'f';
                case Float v -> 'f';
                default -> '?';
            });
        }
        return b.toString();
    }

    /** Sets a 1-D grid covering {@code n} elements with a grid-stride loop (at most 262140 blocks). */
    Launch cover(long n, int threads) {
        block = threads;
        gridX = (int) Math.max(1, Math.min((n + threads - 1) / threads, 262_140));
        gridY = 1;
        return this;
    }

    void launch(Object stream) {
        prepared.launch(gridX, gridY, block, shared, stream);
    }
}
