package io.interestengine.simd;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Optional intra-request parallelism: splits a kernel's rows into contiguous parts, the calling thread
 * running the first and the model's pool the rest. With one part (the default) it calls the body directly
 * and allocates nothing; with more, each call allocates its few tasks.
 */
final class Parallel {
    /** A kernel body over rows {@code [from, to)} using the scratch of part {@code part}. */
    @FunctionalInterface
    interface Body {
        void rows(int part, int from, int to);
    }

    /** Below this many rows per part the hand-off costs more than it saves. */
    private static final int MIN_ROWS = 8;
    final int parts;
    private final ForkJoinPool pool;

    Parallel(int parts, ForkJoinPool pool) {
        this.parts = parts;
        this.pool = pool;
    }

    void run(int rows, Body body) {
        int p = Math.min(parts, Math.max(1, rows / MIN_ROWS));
        if (p <= 1 || pool == null) {
            body.rows(0, 0, rows);
            return;
        }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[p - 1];
        for (int k = 1; k < p; k++) {
            int part = k, from = rows * k / p, to = rows * (k + 1) / p;
            tasks[k - 1] = pool.submit(() -> body.rows(part, from, to));
        }
        body.rows(0, 0, rows / p);
        for (ForkJoinTask<?> t : tasks) t.join();
    }
}
