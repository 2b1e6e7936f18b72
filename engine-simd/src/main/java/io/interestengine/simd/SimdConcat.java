package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.ConcatOp;
import io.interestengine.graph.EmbeddingOp;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Value;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * Concatenation along the width, each row piece copied with vector moves: a piece of at least L floats as whole
 * vectors, the last one overlapping its predecessor (an 18-wide piece on 16 lanes is the vectors at 0 and 2, the
 * overlap rewriting equal values); a narrower one by {@link System#arraycopy} (a masked vector there was boxed once
 * per row in some JIT orders: 100 allocations per DeepFM ranking request). A call of {@link System#arraycopy} per
 * piece cost a quarter of a base model's batch request (51,200 pieces of 18 floats) before the history's
 * concatenation was fused into its pooling ({@link SimdGatherPool}). A piece that an embedding read by nothing
 * else produces is written in place by that embedding and skipped here ({@link #writtenInPlace}): DIN's and
 * DIEN's histories are gathered straight into their concatenation.
 */
final class SimdConcat implements Step {
    private final Value out;
    private final Value[] in;
    private final float[] f;
    private final int[] ints, inOffs, widths;
    private final int outOff, rowMapOff, T, W;
    /** Per piece: whether its embedding wrote it in place already ({@link #writtenInPlace}). */
    private final boolean[] done;

    SimdConcat(ConcatOp op, ModelGraph graph, float[] f, int[] ints, int[] inOffs, int outOff, int rowMapOff) {
        this.out = op.out();
        this.in = op.in().toArray(new Value[0]);
        this.f = f;
        this.ints = ints;
        this.inOffs = inOffs;
        this.outOff = outOff;
        this.rowMapOff = rowMapOff;
        T = out.length();
        W = out.width();
        widths = new int[in.length];
        done = new boolean[in.length];
        for (int k = 0; k < in.length; k++) {
            done[k] = graph.producer(in[k]) instanceof EmbeddingOp e && writtenInPlace(graph, e) == op;
            widths[k] = in[k].width();
        }
    }

    @Override
    public void run(int users, int cands) {
        int rows = CpuSession.rows(out, users, cands);
        for (int r = 0; r < rows; r++) {
            int col = 0;
            for (int k = 0; k < in.length; k++) {
                if (done[k]) {
                    col += widths[k];
                    continue;
                }
                int w = widths[k], src = inOffs[k] + CpuSession.src(in[k], out.scope(), ints, rowMapOff, r) * T * w;
                int dst = outOff + r * T * W + col;
                if (w >= L) {
                    for (int t = 0; t < T; t++, src += w, dst += W) piece(src, dst, w);
                } else {
                    for (int t = 0; t < T; t++, src += w, dst += W) System.arraycopy(f, src, f, dst, w);
                }
                col += w;
            }
        }
    }

    /**
     * The concatenation an embedding writes its rows into directly (each row at its column, with the
     * concatenation's row stride), or null: when the embedding's output is read by that concatenation alone, once,
     * with the same scope and length (rows correspond one to one). The piece is then never copied.
     */
    static ConcatOp writtenInPlace(ModelGraph graph, EmbeddingOp e) {
        Value v = e.out();
        if (!(graph.soleReader(v) instanceof ConcatOp reader)) return null;
        if (reader.out().scope() != v.scope() || reader.out().length() != v.length()) return null;
        return reader.in().indexOf(v) == reader.in().lastIndexOf(v) ? reader : null;
    }

    /** Output column of {@code v} in concatenation {@code c}. */
    static int column(ConcatOp c, Value v) {
        int col = 0;
        for (Value x : c.in()) {
            if (x == v) return col;
            col += x.width();
        }
        throw new IllegalArgumentException(v.name() + " is not an input of " + c.out().name());
    }

    /** {@code f[dst, dst + w) = f[src, src + w)} for {@code w ≥ L}, whole vectors (the last overlapping). */
    private void piece(int src, int dst, int w) {
        int j = 0;
        for (; j <= w - L; j += L) FloatVector.fromArray(S, f, src + j).intoArray(f, dst + j);
        if (j < w) FloatVector.fromArray(S, f, src + w - L).intoArray(f, dst + w - L);
    }
}
