package io.interestengine.cpu;

import io.interestengine.graph.Op;
import io.interestengine.graph.Output;
import io.interestengine.graph.Scope;
import io.interestengine.graph.Value;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.DeviceSession;
import io.interestengine.spi.KernelTable;
import io.interestengine.spi.PlanLayout;
import io.interestengine.spi.Step;

/**
 * The workspace of a CPU backend's session: the float and int arenas are plain heap arrays (the JIT and the
 * Vector API read them fastest), so staging is the arena itself and upload and download are copies at most.
 * Each CPU backend's session is a sibling subclass binding ops through its own kernel table; kernels of one CPU
 * backend can be reused by another through its table (they all see a {@code CpuSession}).
 */
public abstract class CpuSession implements DeviceSession {
    public final PlanLayout layout;
    /** Float arena: values and scores. */
    public final float[] f;
    /** Int arena: ids, lengths, row map. */
    public final int[] i;
    private boolean closed;

    protected CpuSession(PlanLayout layout) {
        this.layout = layout;
        this.f = new float[layout.floats()];
        this.i = new int[layout.ints()];
    }

    /** The kernels this session binds ops with. */
    protected abstract KernelTable<?, ? super CpuSession> kernels();

    @Override
    @SuppressWarnings("unchecked")
    public Step bind(Op op, Bindings b) {
        return ((KernelTable<?, CpuSession>) kernels()).bind(this, op, b);
    }

    @Override
    public Step output(Output output, Bindings b, int scoresOff) {
        return CpuOutput.step(output, f, i, b.off(output.in()), scoresOff, b.rowMapOff());
    }

    @Override
    public int[] stagingInts() {
        return i;
    }

    @Override
    public float[] stagingFloats() {
        return f;
    }

    @Override
    public void upload(int ints, int floatOff, int floats) {
        if (closed) throw new IllegalStateException("session workspace is closed");
    }

    @Override
    public void download(int off, float[] dst, int n) {
        System.arraycopy(f, off, dst, 0, n);
    }

    /** Rows of a value for a request with these user and candidate counts (sequences count each row once). */
    public static int rows(Value v, int users, int candidates) {
        return v.scope() == Scope.USER ? users : candidates;
    }

    /** The row of {@code in} that feeds row {@code r} of an op whose output has scope {@code outScope}. */
    public static int src(Value in, Scope outScope, int[] ints, int rowMapOff, int r) {
        return in.scope() == Scope.USER && outScope == Scope.CANDIDATE ? ints[rowMapOff + r] : r;
    }

    /**
     * The user row whose sequence lengths mask row {@code r} of sequence {@code v}: a candidate-scope sequence
     * (attention weights, a GRU run per candidate) has the lengths of its candidate's user.
     */
    public static int userRow(Value v, int[] ints, int rowMapOff, int r) {
        return v.scope() == Scope.CANDIDATE ? ints[rowMapOff + r] : r;
    }

    @Override
    public void close() {
        closed = true;
    }
}
