package io.interestengine.serving;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Warmup's bounds: at least its minimum count and time, at most its maximum time. */
class WarmupTest {
    @Test
    void runsAtLeastTheMinimumAndStopsByTheMaximum() {
        int[] calls = {0};
        long t0 = System.nanoTime();
        int n = Warmup.run(() -> calls[0]++);
        long t = System.nanoTime() - t0;
        assertEquals(calls[0], n, "the count returned is the calls made");
        assertTrue(n >= Warmup.MIN_CALLS, n + " calls");
        assertTrue(t >= Warmup.MIN_NS, t + " ns");
        // the maximum plus one call and the clock's reads
        assertTrue(t < Warmup.MAX_NS + 1_000_000_000L, t + " ns");
    }
}
