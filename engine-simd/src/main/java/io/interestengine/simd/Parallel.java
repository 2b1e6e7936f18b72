package io.interestengine.simd;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Optional intra-request parallelism: splits a kernel's rows into contiguous parts, the calling thread running
 * the first and the model's pool the rest. One instance belongs to one session (sessions are single-threaded),
 * so its tasks are made once and re-armed on every call: a call allocates nothing, with one part or several.
 * The split depends only on the row count and the part count, and each part computes its rows exactly as one
 * thread would, so results are identical to one thread.
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
    /** Parts 1..parts-1, re-armed per call; part 0 runs on the caller. */
    private final Part[] tasks;

    Parallel(int parts, ForkJoinPool pool) {
        this.parts = parts;
        this.pool = pool;
        this.tasks = new Part[Math.max(0, parts - 1)];
        for (int k = 0; k < tasks.length; k++) tasks[k] = new Part();
    }

    void run(int rows, Body body) {
        int p = Math.min(parts, Math.max(1, rows / MIN_ROWS));
        if (p <= 1 || pool == null) {
            body.rows(0, 0, rows);
            return;
        }
        int submitted = 0;
        Throwable failure = null;
        try {
            for (int k = 1; k < p; k++) {
                Part t = tasks[k - 1];
                t.arm(body, k, rows * k / p, rows * (k + 1) / p);
                pool.execute(t);
                submitted++;
            }
            body.rows(0, 0, rows / p);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        // Every part is joined even when one failed: a part still running would go on writing into the session's
        // arena after the call returned, under the caller's next request.
        for (int k = 0; k < submitted; k++) {
            Part t = tasks[k];
            try {
                t.awaitDone();
                t.join();
            } catch (RuntimeException | Error e) {
                if (failure == null) failure = e;
                else if (failure != e) failure.addSuppressed(e);
            } finally {
                t.body = null;
            }
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error er) throw er;
    }

    /** One part of a call; {@code reinitialize} makes a completed task runnable again without a new object. */
    private static final class Part extends RecursiveAction {
        private Body body;
        private int part, from, to;

        void arm(Body b, int part, int from, int to) {
            reinitialize();
            this.body = b;
            this.part = part;
            this.from = from;
            this.to = to;
        }

        /**
         * Waits without allocating: {@code join} by a thread outside the pool queues a waiter node each time it has
         * to block. The parts are of equal size, so the wait is short; yielding lets a descheduled worker run on a
         * busy machine. {@code join} then returns at once, or rethrows the part's failure.
         */
        void awaitDone() {
            for (int spins = 0; !isDone(); spins++) {
                if ((spins & 63) == 63) Thread.yield();
                else Thread.onSpinWait();
            }
        }

        @Override
        protected void compute() {
            body.rows(part, from, to);
        }
    }
}
