package io.interestengine.cuda;

import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.JCudaDriver;

/**
 * A session's CUDA graphs, one per request shape (users, candidates): a shape is captured the second time it
 * is seen (a one-off shape is not worth the instantiation), and at most {@link #MAX} shapes are kept, which
 * covers a service whose candidate counts repeat; other shapes run launch by launch.
 */
final class RequestGraphs implements AutoCloseable {
    static final int MAX = 32;
    private static final int SEEN = 256;

    private final CUstream stream;
    private final boolean enabled;
    private final long[] keys = new long[MAX];
    private final CUgraphExec[] execs = new CUgraphExec[MAX];
    private int n;
    private final long[] seen = new long[SEEN];
    private int nSeen, cursor;

    RequestGraphs(CUstream stream, boolean enabled) {
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
                Cuda.check(JCudaDriver.cuGraphLaunch(execs[i], stream), "cuGraphLaunch", "replaying the request graph of " + users + " users x " + cands + " candidates");
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
        CUgraph graph = new CUgraph();
        Cuda.check(JCudaDriver.cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL), "cuStreamBeginCapture", "capturing a request graph");
        try {
            for (int k = 0; k < count; k++) launches[k].launch(stream);
        } catch (RuntimeException e) {
            JCudaDriver.cuStreamEndCapture(stream, graph);
            JCudaDriver.cuGraphDestroy(graph);
            throw e;
        }
        Cuda.check(JCudaDriver.cuStreamEndCapture(stream, graph), "cuStreamEndCapture", "capturing a request graph");
        CUgraphExec exec = new CUgraphExec();
        try {
            Cuda.check(JCudaDriver.cuGraphInstantiate(exec, graph, 0), "cuGraphInstantiate", "instantiating the request graph of " + users + " x " + cands);
        } finally {
            JCudaDriver.cuGraphDestroy(graph);
        }
        keys[n] = key(users, cands);
        execs[n++] = exec;
        Cuda.check(JCudaDriver.cuGraphLaunch(exec, stream), "cuGraphLaunch", "launching a request graph");
    }

    @Override
    public void close() {
        for (int i = 0; i < n; i++) JCudaDriver.cuGraphExecDestroy(execs[i]);
        n = 0;
    }
}
