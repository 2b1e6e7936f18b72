package io.interestengine.serving;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Repeats a scoring call until the JIT has compiled what it runs, so that the calls after it see steady-state
 * latency. A count of calls is not enough: in a fresh JVM the DeepFM example still took 0.21 ms a request after
 * 300 calls and after half a second, and 0.036 ms after 3 s. So the call repeats until the JVM's total compilation
 * time has not moved for 0.3 s: at least 300 calls and 0.5 s, at most 5 s (without compilation-time monitoring,
 * the minimum alone). The scoring server's readiness check and the demo warm each model with it.
 */
public final class Warmup {
    static final int MIN_CALLS = 300;
    static final long MIN_NS = 500_000_000L, QUIET_NS = 300_000_000L, MAX_NS = 5_000_000_000L;

    private Warmup() {
    }

    /**
     * Runs {@code call} until the JIT is quiet, within the bounds above.
     *
     * @return the number of calls made
     */
    public static int run(Runnable call) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean watch = jit != null && jit.isCompilationTimeMonitoringSupported();
        long t0 = System.nanoTime(), quietSince = t0, compiled = watch ? jit.getTotalCompilationTime() : 0;
        for (int k = 0; ; k++) {
            long now = System.nanoTime(), t = now - t0;
            if (watch) {
                long c = jit.getTotalCompilationTime();
                if (c != compiled) {
                    compiled = c;
                    quietSince = now;
                }
            }
            boolean quiet = !watch || now - quietSince >= QUIET_NS;
            if (t >= MAX_NS || k >= MIN_CALLS && t >= MIN_NS && quiet) return k;
            call.run();
        }
    }
}
