package io.interestengine.cuda;

import java.util.Arrays;
import java.util.Locale;

/** Wall-clock latency of a repeated call: warm-up, then samples until a time budget is spent. */
final class Timing {
    final double p50us, p99us, meanUs;
    final int calls;

    private Timing(long[] ns, int n) {
        long[] s = Arrays.copyOf(ns, n);
        Arrays.sort(s);
        calls = n;
        p50us = s[n / 2] / 1e3;
        p99us = s[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e3;
        double sum = 0;
        for (long x : s) sum += x;
        meanUs = sum / n / 1e3;
    }

    static Timing of(Runnable call, double warmSeconds, double measureSeconds) {
        long end = System.nanoTime() + (long) (warmSeconds * 1e9);
        while (System.nanoTime() < end) call.run();
        long[] ns = new long[1 << 16];
        int n = 0;
        end = System.nanoTime() + (long) (measureSeconds * 1e9);
        while (n < ns.length && (n < 10 || System.nanoTime() < end)) {
            long t0 = System.nanoTime();
            call.run();
            ns[n++] = System.nanoTime() - t0;
        }
        return new Timing(ns, n);
    }

    String json(int rows) {
        return String.format(Locale.ROOT, "\"p50_us\": %.2f, \"p99_us\": %.2f, \"mean_us\": %.2f, \"rows_per_second\": %.1f, \"calls\": %d",
                p50us, p99us, meanUs, rows / (meanUs / 1e6), calls);
    }
}
