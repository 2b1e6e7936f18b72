package io.interestengine.cuda;

import io.interestengine.graph.Op;
import io.interestengine.graph.Output;
import io.interestengine.graph.Scope;
import io.interestengine.graph.Value;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.DeviceSession;
import io.interestengine.spi.PlanLayout;
import io.interestengine.spi.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * One session's workspace on the device and its stream. Device memory is one arena: the int arena (request
 * inputs) then the float arena (dense inputs first, then every op's output, then the scores), mirrored by a
 * pinned staging buffer so that a request is one host-to-device copy of the ints and dense inputs and one
 * device-to-host copy of the scores.
 *
 * <p>Steps do not launch when the executor runs them: they queue their {@link Launch}es, and
 * {@link #download} issues the request's whole plan. A request shape (users, candidates) seen a second time is
 * captured into a CUDA graph and replayed from then on (one driver call per request instead of one per
 * kernel); the addresses never change during a session, and every per-request size is fixed by the shape.
 */
final class CudaSession implements DeviceSession {
    /** Int arena padding, so that the float arena starts 256-byte aligned. */
    private static final int ALIGN = 64;

    final CudaDeviceModel model;
    final Driver driver;
    final PlanLayout layout;
    final int rowMapOff;
    /** Floats of the pinned area that carries uploads outside the dense input region (e.g. injected user state). */
    private static final int SPILL = 1 << 18;
    private final int intFloats, denseCap, downloadAt, downloadCap, spillAt;
    private final Object stream;
    private final DeviceBuffer arena;
    private final PinnedBuffer pinned;
    private final int[] stagingInts;
    private final float[] stagingFloats;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final RequestGraphs graphs;
    private Launch[] pending = new Launch[16];
    private int nPending, pendingUsers, pendingCands;
    private boolean closed;

    CudaSession(CudaDeviceModel model, PlanLayout layout) {
        this.model = model;
        this.driver = model.driver;
        this.layout = layout;
        this.rowMapOff = layout.bindings().rowMapOff();
        intFloats = (layout.ints() + ALIGN - 1) / ALIGN * ALIGN;
        int dense = 0;
        for (Op op : layout.graph().ops()) {
            if (op.stagedInput() != null) dense += rows(op.out(), layout.maxUsers(), layout.maxCandidates()) * op.out().width();
        }
        denseCap = dense;
        downloadAt = intFloats + denseCap;
        downloadCap = Math.max(layout.maxCandidates(), 4096);
        spillAt = downloadAt + downloadCap;
        stagingInts = new int[layout.ints()];
        // The SPI lets the executor stage floats at any value's offset (dense inputs every request; a user's
        // saved state when scoring from it), so the host side mirrors the whole float arena, as the CPU sessions do.
        stagingFloats = new float[layout.floats()];
        driver.makeCurrent();
        stream = driver.createStream();
        DeviceBuffer a = null;
        PinnedBuffer p = null;
        try {
            a = new DeviceBuffer(driver, 4L * (intFloats + (long) layout.floats()), "session workspace (" + layout.floats() + " floats)");
            p = new PinnedBuffer(driver, 4L * (spillAt + (long) SPILL), "session staging");
        } catch (RuntimeException e) {
            if (a != null) a.close();
            driver.destroyStream(stream);
            throw e;
        }
        arena = a;
        pinned = p;
        graphs = new RequestGraphs(driver, stream, model.graphs && !model.debugSync && driver.graphs());
    }

    /** Rows of a value for a request of this shape. */
    static int rows(Value v, int users, int cands) {
        return v.scope() == Scope.USER ? users : cands;
    }

    /** Whether a sequence's real positions end at T (left padding of its group). */
    static boolean leftPadded(Value seq) {
        return seq.group() != null && seq.group().leftPadding();
    }

    /** Device int arena offset of the lengths that mask {@code seq} (any valid offset when it is unmasked: unread). */
    static int lengthsOff(Value seq, io.interestengine.spi.Bindings b) {
        return seq.group() == null ? b.rowMapOff() : b.lengthsOff(seq.group());
    }

    /** Device address of float arena offset {@code off}. */
    Long f(int off) {
        return arena.at(intFloats + (long) off);
    }

    /** Device address of int arena offset {@code off}. */
    Long i(int off) {
        return arena.at(off);
    }

    /** The row map when {@code in} (user scope) feeds an op whose output has candidate scope, else null (identity). */
    Long map(Value in, Value out) {
        return in.scope() == Scope.USER && out.scope() == Scope.CANDIDATE ? i(rowMapOff) : null;
    }

    /** Scratch device memory owned by this session (bound once per step). */
    DeviceBuffer scratch(long floats, String what) {
        DeviceBuffer b = new DeviceBuffer(driver, 4L * floats, what);
        owned.add(b);
        return b;
    }

    /** Queues a launch of the current request (issued at {@link #download}). */
    void enqueue(Launch l, int users, int cands) {
        if (nPending == pending.length) pending = java.util.Arrays.copyOf(pending, 2 * pending.length);
        pending[nPending++] = l;
        pendingUsers = users;
        pendingCands = cands;
    }

    @Override
    public int[] stagingInts() {
        return stagingInts;
    }

    @Override
    public float[] stagingFloats() {
        return stagingFloats;
    }

    @Override
    public void upload(int ints, int floatOff, int floats) {
        check();
        if (floatOff < 0 || floats < 0 || floatOff + floats > layout.floats()) {
            throw new IllegalArgumentException("upload of floats [" + floatOff + ", " + (floatOff + floats) + ") outside the arena of " + layout.floats());
        }
        driver.makeCurrent();
        flush();   // work queued before this copy runs before it
        pinned.ints.put(0, stagingInts, 0, ints);
        if (floatOff + floats <= denseCap) {
            // The per-request case: ints and dense inputs in one copy.
            long bytes = 4L * ints;
            if (floats > 0) {
                pinned.floats.put(intFloats + floatOff, stagingFloats, floatOff, floats);
                bytes = 4L * (intFloats + floatOff + floats);
            }
            if (bytes > 0) driver.copyIn(arena.mem, 0, pinned.host, 0, bytes, stream);
            return;
        }
        if (ints > 0) driver.copyIn(arena.mem, 0, pinned.host, 0, 4L * ints, stream);
        for (int done = 0; done < floats; done += SPILL) {
            int k = Math.min(SPILL, floats - done);
            driver.sync(stream, "staging an upload");   // the previous chunk has left the spill area
            pinned.floats.put(spillAt, stagingFloats, floatOff + done, k);
            driver.copyIn(arena.mem, 4L * (intFloats + (long) floatOff + done), pinned.host, 4L * spillAt, 4L * k, stream);
        }
    }

    @Override
    public void download(int off, float[] dst, int n) {
        check();
        driver.makeCurrent();
        flush();
        for (int done = 0; done < n; done += downloadCap) {
            int k = Math.min(downloadCap, n - done);
            driver.copyOut(pinned.host, 4L * downloadAt, arena.mem, 4L * (intFloats + (long) off + done), 4L * k, stream);
            driver.sync(stream, "running the request's kernels (set -Dinterestengine.cuda.sync=true to find the kernel at fault)");
            pinned.floats.get(downloadAt, dst, done, k);
        }
    }

    /** Issues the queued launches: a captured graph for a known shape, else one by one (capturing the second time). */
    private void flush() {
        if (nPending == 0) return;
        int n = nPending;
        nPending = 0;
        if (graphs.replay(pendingUsers, pendingCands)) return;
        if (graphs.captureNext(pendingUsers, pendingCands)) {
            graphs.capture(pendingUsers, pendingCands, pending, n);
            return;
        }
        for (int k = 0; k < n; k++) {
            pending[k].launch(stream);
            if (model.debugSync) {
                driver.sync(stream, "running " + pending[k].abi.entry + " for " + pending[k].what);
            }
        }
    }

    private void check() {
        if (closed) throw new IllegalStateException("CUDA session is closed");
    }

    @Override
    public Step bind(Op op, Bindings b) {
        return CudaKernels.TABLE.bind(this, op, b);
    }

    @Override
    public Step output(Output output, Bindings b, int scoresOff) {
        return CudaOutput.step(this, output, b.off(output.in()), scoresOff);
    }

    /**
     * Frees the session's graphs, scratch, workspace, staging and stream. Every step runs even when an earlier one
     * fails (a kernel fault surfaces at the first sync): the first failure is thrown at the end, later ones are
     * attached to it as suppressed.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Cleanup c = new Cleanup();
        c.run(driver::makeCurrent);
        c.run(() -> driver.sync(stream, "closing a session"));
        c.run(graphs::close);
        for (AutoCloseable o : owned) c.run(o::close);
        c.run(arena::close);
        c.run(pinned::close);
        c.run(() -> driver.destroyStream(stream));
        c.rethrow();
    }

    /** Runs every cleanup step, keeping the first failure. */
    private static final class Cleanup {
        private RuntimeException first;

        void run(AutoCloseableStep step) {
            try {
                step.run();
            } catch (Exception e) {
                RuntimeException r = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                if (first == null) first = r;
                else first.addSuppressed(r);
            }
        }

        void rethrow() {
            if (first != null) throw first;
        }
    }

    @FunctionalInterface
    private interface AutoCloseableStep {
        void run() throws Exception;
    }
}
