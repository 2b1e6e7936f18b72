package io.interestengine.simd;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** When one part of a split kernel throws, run returns only after every other part has finished. */
class ParallelTest {
    @Test
    void joinsEveryPartBeforeRethrowing() {
        ForkJoinPool pool = new ForkJoinPool(3);
        try {
            Parallel par = new Parallel(4, pool);
            AtomicInteger finished = new AtomicInteger();
            IllegalStateException boom = new IllegalStateException("part 0 failed");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> par.run(64, (part, from, to) -> {
                if (part == 0) throw boom;
                try {
                    Thread.sleep(200);
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                }
                finished.incrementAndGet();
            }));
            assertSame(boom, e);
            assertEquals(3, finished.get(), "the other parts had finished when run returned");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingPoolPartIsRethrownAfterTheOthers() {
        ForkJoinPool pool = new ForkJoinPool(3);
        try {
            Parallel par = new Parallel(4, pool);
            AtomicInteger finished = new AtomicInteger();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> par.run(64, (part, from, to) -> {
                if (part == 2) throw new IllegalStateException("part 2 failed");
                if (part != 0) {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException x) {
                        Thread.currentThread().interrupt();
                    }
                }
                finished.incrementAndGet();
            }));
            assertEquals(true, e.getMessage().contains("part 2 failed"), e.getMessage());
            assertEquals(3, finished.get());
        } finally {
            pool.shutdownNow();
        }
    }
}
