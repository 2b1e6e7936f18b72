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
        int submitted = 0;
        Throwable failure = null;
        try {
            for (int k = 1; k < p; k++) {
                int part = k, from = rows * k / p, to = rows * (k + 1) / p;
                tasks[k - 1] = pool.submit(() -> body.rows(part, from, to));
                submitted++;
            }
            body.rows(0, 0, rows / p);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        // Every part is joined even when one failed: a part still running would go on writing into the session's
        // arena after the call returned, under the caller's next request.
        for (int k = 0; k < submitted; k++) {
            try {
                tasks[k].join();
            } catch (RuntimeException | Error e) {
                if (failure == null) failure = e;
                else if (failure != e) failure.addSuppressed(e);
            }
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error er) throw er;
    }
}
