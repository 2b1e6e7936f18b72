package io.interestengine.cuda;

/**
 * A session's CUDA graphs, one per request shape (users, candidates): a shape is captured the second time it
 * is seen (a one-off shape is not worth the instantiation), and at most {@link #MAX} shapes are kept, which
 * covers a service whose candidate counts repeat; other shapes run launch by launch.
 */
final class RequestGraphs implements AutoCloseable {
    static final int MAX = 32;
    private static final int SEEN = 256;

    private final Driver driver;
    private final Object stream;
    private final boolean enabled;
    private final long[] keys = new long[MAX];
    private final Object[] execs = new Object[MAX];
    private int n;
    private final long[] seen = new long[SEEN];
    private int nSeen, cursor;

    RequestGraphs(Driver driver, Object stream, boolean enabled) {
        this.driver = driver;
        this.stream = stream;
        this.enabled = enabled;
    }

    private static long key(int users, int cands) {
        return (long) users << 32 | (cands & 0xffffffffL);
    }

    /** Launches the graph of this shape if one was captured. */
    boolean replay(int users, int cands) {
        long k = key(users, cands);
        for (int i = 0; i < n; i++) {
            if (keys[i] == k) {
                driver.launchGraph(execs[i], stream, "a captured request graph");
                return true;
            }
        }
        return false;
    }

    /** Whether this shape should be captured now (seen before, room left); records it as seen otherwise. */
    boolean captureNext(int users, int cands) {
        if (!enabled || n == MAX) return false;
        long k = key(users, cands);
        for (int i = 0; i < nSeen; i++) if (seen[i] == k) return true;
        seen[cursor] = k;
        cursor = (cursor + 1) % SEEN;
        if (nSeen < SEEN) nSeen++;
        return false;
    }

    /** Captures the launches into a graph, keeps it for this shape and launches it. */
    void capture(int users, int cands, Launch[] launches, int count) {
        String what = "the request graph of " + users + " users x " + cands + " candidates";
        driver.beginCapture(stream);
        try {
            for (int k = 0; k < count; k++) launches[k].launch(stream);
        } catch (RuntimeException e) {
            driver.abortCapture(stream);
            throw e;
        }
        Object exec = driver.endCapture(stream, what);
        keys[n] = key(users, cands);
        execs[n++] = exec;
        driver.launchGraph(exec, stream, what);
    }

    @Override
    public void close() {
        for (int i = 0; i < n; i++) driver.destroyGraph(execs[i]);
        n = 0;
    }
}
