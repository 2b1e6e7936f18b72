package io.interestengine.cpu;

import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Scope;
import io.interestengine.graph.Value;
import io.interestengine.spi.DeviceSession;
import io.interestengine.spi.PlanLayout;

/**
 * Workspace shared by the CPU backends: the float and int arenas are plain heap arrays (the JIT and the
 * Vector API read them fastest), so staging is the arena itself and upload and download are copies at most.
 */
public abstract class CpuSession implements DeviceSession {
    protected final PlanLayout layout;
    protected final ModelGraph graph;
    /** Float arena: values and scores. */
    protected final float[] f;
    /** Int arena: ids, lengths, row map. */
    protected final int[] i;
    private boolean closed;

    protected CpuSession(PlanLayout layout) {
        this.layout = layout;
        this.graph = layout.graph();
        this.f = new float[layout.floats()];
        this.i = new int[layout.ints()];
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
     * The user row whose history length masks row {@code r} of sequence {@code v}: a candidate-scope sequence
     * (attention weights, a GRU run per candidate) has the length of its candidate's user.
     */
    public static int userRow(Value v, int[] ints, int rowMapOff, int r) {
        return v.scope() == Scope.CANDIDATE ? ints[rowMapOff + r] : r;
    }

    /** First real position of a masked sequence row of length {@code len} (0 with right padding). */
    public static int first(ModelGraph g, int len) {
        return g.leftPadding() ? g.historyLength() - len : 0;
    }

    @Override
    public void close() {
        closed = true;
    }
}
