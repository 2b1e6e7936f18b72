package io.interestengine.cpu;

import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.SequenceGroup;
import io.interestengine.graph.Value;
import io.interestengine.spi.Bindings;

/**
 * Which positions of a sequence value are real, bound to one session's int arena (see {@link Bindings}): a
 * value of no group is all real; a length-masked group's real positions are consecutive; an id-masked
 * group's are where its first field's staged id differs from the padding id.
 */
public final class SeqMask {
    private final Value v;
    private final SequenceGroup g;
    private final int T, lengthsOff, idsOff, rowMapOff;

    private SeqMask(Value v, SequenceGroup g, int lengthsOff, int idsOff, int rowMapOff) {
        this.v = v;
        this.g = g;
        this.T = v.length();
        this.lengthsOff = lengthsOff;
        this.idsOff = idsOff;
        this.rowMapOff = rowMapOff;
    }

    /** The mask of sequence {@code v} ({@code masked} false: every position real, whatever its group). */
    public static SeqMask of(Value v, boolean masked, Bindings b) {
        SequenceGroup g = masked ? v.group() : null;
        if (g == null) return new SeqMask(v, null, -1, -1, b.rowMapOff());
        ModelGraph graph = b.graph();
        return new SeqMask(v, g, b.lengthsOff(g), g.idMask() ? b.idsOff(graph.maskField(g)) : -1, b.rowMapOff());
    }

    /** Whether real positions are consecutive ({@link #first} … {@code first + length − 1}). */
    public boolean consecutive() {
        return g == null || !g.idMask();
    }

    /** Real positions of row {@code r} of the value. */
    public int length(int[] ints, int r) {
        return g == null ? T : ints[lengthsOff + CpuSession.userRow(v, ints, rowMapOff, r)];
    }

    /** First real position of row {@code r} with {@code len} real positions (consecutive masks only). */
    public int first(int len) {
        return g == null ? 0 : g.first(len);
    }

    /** Whether position {@code t} of row {@code r} is real. */
    public boolean real(int[] ints, int r, int t) {
        if (g == null) return true;
        int u = CpuSession.userRow(v, ints, rowMapOff, r);
        if (g.idMask()) return ints[idsOff + u * T + t] != g.paddingId();
        int len = ints[lengthsOff + u], t0 = g.first(len);
        return t >= t0 && t < t0 + len;
    }
}
