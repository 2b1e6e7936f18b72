package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.ConcatOp;
import io.interestengine.graph.EmbeddingOp;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
import io.interestengine.graph.PoolOp;
import io.interestengine.graph.SequenceGroup;
import io.interestengine.graph.TableType;
import io.interestengine.graph.Value;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * A sum or mean pooling of a history whose only use is this pooling, fused with the gathers that make it: the
 * pooled value is an F32 embedding of a sequence field, or a concatenation of such embeddings read by nothing
 * else (the Embedding&MLP base model's {@code pool(concat(emb(hist_mid), emb(hist_cat)))}), each at least one
 * vector wide. Each table row is
 * added into registers as it is read, so the {@code [rows, T, width]} history (3.7 MB for a batch of 256 × 100
 * positions × 36 floats) is never written, copied by the concatenation and read back; the embedding and
 * concatenation steps it absorbs bind to nothing ({@link #absorbed}). Masking, the mean and the order of the adds
 * (positions in order inside each lane) are {@link SimdPool}'s, so the result is the same to the bit. A piece of at
 * least L floats is covered by whole vectors, the last one overlapping its predecessor: both sum the shared
 * columns in the same order, so the overlapping stores write equal values.
 */
final class SimdGatherPool implements Step {
    private final SequenceGroup g;
    private final PoolOp op;
    private final float[] f;
    private final int[] ints;
    private final int outOff, lengthsOff, rowMapOff, T, W;
    private final boolean masked;
    /** Per piece (an embedding, in concatenation order): its table, row bytes, width, ids and output column. */
    private final MemorySegment[] tables;
    private final long[] rowBytes;
    private final int[] widths, idsOffs, cols;

    private SimdGatherPool(PoolOp op, List<EmbeddingOp> pieces, float[] f, int[] ints, Bindings b) {
        this.g = op.in().group();
        this.op = op;
        this.f = f;
        this.ints = ints;
        this.outOff = b.off(op.out());
        this.masked = op.masked() && op.in().masked();
        this.lengthsOff = masked ? b.lengthsOff(g) : -1;
        this.rowMapOff = b.rowMapOff();
        T = op.in().length();
        W = op.in().width();
        int n = pieces.size();
        tables = new MemorySegment[n];
        rowBytes = new long[n];
        widths = new int[n];
        idsOffs = new int[n];
        cols = new int[n];
        int col = 0;
        for (int k = 0; k < n; k++) {
            EmbeddingOp e = pieces.get(k);
            tables[k] = e.field().table().data();
            rowBytes[k] = e.field().table().rowBytes();
            widths[k] = e.out().width();
            idsOffs[k] = b.idsOff(e.field());
            cols[k] = col;
            col += widths[k];
        }
    }

    /** The fused step for {@code op}, or null when its input is not a history only it reads, made of F32 gathers. */
    static Step bind(PoolOp op, float[] f, int[] ints, Bindings b) {
        List<EmbeddingOp> pieces = pieces(b.graph(), op);
        return pieces == null ? null : new SimdGatherPool(op, pieces, f, ints, b);
    }

    /** Whether {@code op} (an embedding or a concatenation) is computed inside a fused pooling and needs no step. */
    static boolean absorbed(ModelGraph graph, Op op) {
        for (Op o : graph.ops()) {
            if (!(o instanceof PoolOp p)) continue;
            List<EmbeddingOp> pieces = pieces(graph, p);
            if (pieces == null) continue;
            if (pieces.contains(op) || graph.producer(p.in()) == op) return true;
        }
        return false;
    }

    /**
     * The embeddings whose concatenation (or the one embedding) {@code p} pools, when every value on the way is
     * read by that way alone and every table is F32 and at least L wide; otherwise null.
     */
    private static List<EmbeddingOp> pieces(ModelGraph graph, PoolOp p) {
        if (p.in().group() == null || p.in().group().idMask() || graph.soleReader(p.in()) != p) return null;
        Op src = graph.producer(p.in());
        List<EmbeddingOp> out = new ArrayList<>();
        if (src instanceof EmbeddingOp e) {
            out.add(e);
        } else if (src instanceof ConcatOp c) {
            for (Value v : c.in()) {
                if (!(graph.producer(v) instanceof EmbeddingOp e) || graph.soleReader(v) != c) return null;
                out.add(e);
            }
        } else {
            return null;
        }
        for (EmbeddingOp e : out) {
            if (e.field().table() == null || e.field().table().type() != TableType.F32) return null;
            // narrower than a vector (a linear part's 1-wide weights): a masked load per row, kept unfused (a
            // masked vector summed in a method of its own was boxed on every call once C2 compiled it apart)
            if (e.out().width() < L) return null;
            if (e.out().length() != p.in().length() || e.out().scope() != p.in().scope()) return null;
        }
        return out;
    }

    @Override
    public void run(int users, int cands) {
        int rows = CpuSession.rows(op.out(), users, cands);
        for (int r = 0; r < rows; r++) {
            int len = masked ? ints[lengthsOff + CpuSession.userRow(op.in(), ints, rowMapOff, r)] : T;
            int t0 = masked ? g.first(len) : 0;
            float div = SimdPool.divisor(op, masked, len, T);
            boolean zero = div == 0f;
            for (int k = 0; k < tables.length; k++) {
                int w = widths[k], ids = idsOffs[k] + r * T + t0, out = outOff + r * W + cols[k];
                // vector starts 0, L, 2L, … and the last at w − L, taken two at a time so each row is read once
                int nv = (w + L - 1) / L;
                for (int v = 0; v < nv; v += 2) {
                    int j0 = Math.min(v * L, w - L), j1 = v + 1 < nv ? Math.min((v + 1) * L, w - L) : -1;
                    pair(tables[k], rowBytes[k], ids, len, j0, j1, div, zero, out);
                }
            }
        }
    }

    /**
     * Columns {@code [j0, j0 + L)} and (when {@code j1 ≥ 0}) {@code [j1, j1 + L)} of one piece, summed over the
     * positions. No vector is chosen by a branch (a second sum taken only when j1 ≥ 0, a mean of zero rows picked by
     * a conditional): in one JIT order C2 boxed such a vector once per position. Without a second range the first is
     * summed twice and the copy dropped; a mean's divisor and factor are scalars (x / 1 · 0 = 0 for no rows, x / d · 1
     * = x / d otherwise, as the reference's division).
     */
    private void pair(MemorySegment t, long rb, int ids, int len, int j0, int j1, float div, boolean zero, int out) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        long b0 = 4L * j0, b1 = j1 >= 0 ? 4L * j1 : b0;
        for (int p = 0; p < len; p++) {
            long row = ints[ids + p] * rb;
            a0 = a0.add(FloatVector.fromMemorySegment(S, t, row + b0, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(S, t, row + b1, ByteOrder.LITTLE_ENDIAN));
        }
        float d = zero ? 1f : div, keep = zero ? 0f : 1f;
        a0.div(d).mul(keep).intoArray(f, out + j0);
        if (j1 >= 0) a1.div(d).mul(keep).intoArray(f, out + j1);
    }
}
