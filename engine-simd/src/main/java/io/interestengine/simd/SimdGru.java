package io.interestengine.simd;

import io.interestengine.NumericException;
import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.SequenceGroup;
import io.interestengine.graph.GruOp;
import io.interestengine.graph.Scope;
import io.interestengine.spi.Step;

import java.util.Arrays;

/**
 * The GRU op family (plain GRU and DIEN's AUGRU both forms, AGRU, AIGRU; TF and PyTorch cells) with fused
 * gates, advancing blocks of rows in lockstep: at each step the state-side products of all the block's rows
 * are one GEMM ({@code [rows, H]·[H, 3H]}) instead of one matrix-vector product per row, so the weights are
 * read once per step for the block. Rows are taken in order of decreasing history length (a counting sort),
 * so the rows still running at step k are a prefix of their block. The input side {@code W_x·x_t} does not
 * depend on the state: over a user-scope history shared by all candidates of a ranking request (DIEN's
 * AUGRU) it is computed once per position for the request, otherwise once per row over its real positions
 * before the block's recurrence starts. AIGRU's input scaling is applied after the product ({@code W·(a·x) = a·(W·x)}). Every
 * attention form is one keep fraction {@code k = p·g + q} with per-row scalars, so the pass has no branch:
 * {@code h' = k⊙h + (1−k)⊙c}. Each row's arithmetic is the same whichever rows share its block, so
 * intra-request parallelism (contiguous ranges of the sorted rows per thread) changes no result. Checks and
 * messages for non-finite values are the scalar backend's.
 */
final class SimdGru implements Step {
    /**
     * Rows advanced together. 8: the block's states and state-side products stay in L1 beside the state
     * weights (DIEN's 36→36 AUGRU: 21 KB of weights, 8 rows of 144 products 4.6 KB); measured about 10% faster
     * than 32 on a batch of 256, the same on a ranking request.
     */
    static final int BLOCK = 8;
    private final SequenceGroup g;
    private final GruOp op;
    private final GruWeights w;
    private final float[] f;
    private final int[] ints;
    private final int inOff, attOff, outOff, lengthsOff, rowMapOff;
    private final int T, W, H, hp;
    /** Input-side pre-activations of the shared history {@code [T][xw]}. */
    private final float[] gxShared;
    /** Rows by decreasing length; per row its length and first position; counting-sort buckets. */
    private final int[] order, len, first, bucket;
    private final Gemm.Call sharedCall = new Gemm.Call();
    private final Parallel par;
    /** One workspace per part of intra-request parallelism. */
    private final Block[] blocks;
    private final Parallel.Body body = this::rows;
    /** Whether this run's rows all read one user-scope history (set by run before the parts start). */
    private boolean shared;

    SimdGru(SequenceGroup g, GruOp op, GruWeights w, float[] f, int[] ints, int inOff, int attOff, int outOff, int lengthsOff, int rowMapOff,
            int maxRows, Parallel par) {
        this.g = g;
        this.op = op;
        this.w = w;
        this.f = f;
        this.ints = ints;
        this.inOff = inOff;
        this.attOff = attOff;
        this.outOff = outOff;
        this.lengthsOff = lengthsOff;
        this.rowMapOff = rowMapOff;
        T = op.in().length();
        W = op.in().width();
        H = w.h;
        hp = w.hpad;
        gxShared = new float[T * w.xw + w.xSlack];
        this.par = par;
        blocks = new Block[par.parts];
        for (int k = 0; k < blocks.length; k++) blocks[k] = new Block();
        order = new int[maxRows];
        len = new int[maxRows];
        first = new int[maxRows];
        bucket = new int[T + 2];
    }

    @Override
    public void run(int users, int cands) {
        Scope s = op.out().scope();
        int rows = CpuSession.rows(op.out(), users, cands);
        Arrays.fill(bucket, 0);
        for (int r = 0; r < rows; r++) {
            int user = CpuSession.userRow(op.out(), ints, rowMapOff, r);
            len[r] = op.in().masked() ? ints[lengthsOff + user] : T;
            first[r] = op.in().masked() ? g.first(len[r]) : 0;
            bucket[T - len[r] + 1]++;
        }
        // counting sort by decreasing length: bucket[T − len] becomes the first slot of that length
        for (int k = 1; k < bucket.length; k++) bucket[k] += bucket[k - 1];
        for (int r = 0; r < rows; r++) order[bucket[T - len[r]]++] = r;
        // One history behind every row (a ranking request's user-scope sequence): its input side once.
        shared = op.in().scope() == Scope.USER && s == Scope.CANDIDATE && users == 1;
        if (shared && rows > 0 && len[0] > 0) sharedCall.weights(w.x).a(f, inOff + first[0] * W, W, len[0]).c(gxShared, first[0] * w.xw, w.xw).run();
        par.run(rows, body);
    }

    /** Sorted rows {@code [from, to)} in blocks, on the workspace of {@code part}. */
    private void rows(int part, int from, int to) {
        Block bl = blocks[part];
        for (int b = from; b < to; b += BLOCK) bl.block(b, Math.min(BLOCK, to - b), shared);
    }

    /** The workspace of one block of rows, and the step code that runs on it. */
    private final class Block {
        /**
         * Input-side pre-activations of the block's rows at every position {@code [BLOCK][T][xw]}, when each row reads
         * its own history: one GEMM per row over its real positions before the recurrence (a batch's GRUs), rather
         * than a 4-row GEMM and a copy of the rows' inputs at every step.
         */
        private final float[] gx = new float[BLOCK * T * w.xw + w.xSlack];
        /** The block's states. */
        private final float[] h = new float[BLOCK * hp];
        /** Per row of the block: keep-fraction scalars and input scale of this step, offset of its input-side row. */
        private final float[] p = new float[BLOCK], q = new float[BLOCK], scale = new float[BLOCK];
        private final int[] gxOff = new int[BLOCK];
        private final Gemm.Call call = new Gemm.Call();
        private final GruRows cell = new GruRows(w, BLOCK);

        private void block(int b0, int nb, boolean shared) {
            Scope s = op.out().scope();
            Arrays.fill(h, 0, nb * hp, 0f);
            if (op.returnSequence()) {
                // the positions outside the row's history are zeros; the others are written step by step
                for (int i = 0; i < nb; i++) {
                    int r = order[b0 + i], o = outOff + r * T * H;
                    Arrays.fill(f, o, o + first[r] * H, 0f);
                    Arrays.fill(f, o + (first[r] + len[r]) * H, o + T * H, 0f);
                }
            }
            int steps = len[order[b0]];
            if (!shared) {
                for (int i = 0; i < nb; i++) {
                    int r = order[b0 + i], l = len[r];
                    if (l == 0) continue;
                    int inRow = CpuSession.src(op.in(), s, ints, rowMapOff, r);
                    call.weights(w.x).a(f, inOff + (inRow * T + first[r]) * W, W, l).c(gx, i * T * w.xw, w.xw).run();
                }
            }
            for (int k = 0; k < steps; k++) {
                int n = 0;
                while (n < nb && len[order[b0 + n]] > k) n++;
                for (int i = 0; i < n; i++) {
                    int r = order[b0 + i], t = first[r] + k;
                    float a = 0f;
                    if (op.attention() != null) {
                        int attRow = CpuSession.src(op.attention(), s, ints, rowMapOff, r);
                        a = f[attOff + attRow * T + t];
                        if (!Float.isFinite(a)) {
                            throw new NumericException("attention weight of '" + op.attention().name() + "' is " + a + " at row " + r + ", position " + t
                                    + " (input to gru '" + op.out().name() + "'): the request's values drive the model out of range");
                        }
                    }
                    scale[i] = op.form() == GruOp.AttentionForm.AIGRU ? a : 1f;
                    // keep fraction k = p·g + q for each attention form
                    switch (op.form()) {
                        case NONE, AIGRU -> { p[i] = 1f; q[i] = 0f; }
                        case AUGRU_KEEP -> { p[i] = 1f - a; q[i] = 0f; }
                        case AUGRU_UPDATE -> { p[i] = -a; q[i] = 1f; }
                        case AGRU -> { p[i] = 0f; q[i] = 1f - a; }
                        default -> throw new IllegalStateException("gru form " + op.form());
                    }
                    gxOff[i] = shared ? t * w.xw : (i * T + k) * w.xw;
                }
                float[] gxs = shared ? gxShared : gx;
                if (op.form() == GruOp.AttentionForm.AIGRU) {
                    cell.cell(n, gxs, gxOff, scale, p, q, h, 0, h, 0);
                } else {
                    // unscaled rows, evenly spaced: a row's position k of its own history, or the shared position
                    cell.cell(n, gxs, gxOff[0], shared ? 0 : T * w.xw, p, q, h, 0, h, 0);
                }
                if (op.returnSequence()) {
                    for (int i = 0; i < n; i++) {
                        int r = order[b0 + i];
                        System.arraycopy(h, i * hp, f, outOff + (r * T + first[r] + k) * H, H);
                    }
                }
            }
            for (int i = 0; i < nb; i++) {
                int r = order[b0 + i];
                // A non-finite state never recovers (h' mixes h in), so the last state tells for the whole row.
                for (int j = 0; j < H; j++) {
                    if (!Float.isFinite(h[i * hp + j])) {
                        throw new NumericException("state of gru '" + op.out().name() + "' is " + h[i * hp + j] + " at row " + r + ", unit " + j
                                + ": the request's values drive the model out of range");
                    }
                }
                if (!op.returnSequence()) System.arraycopy(h, i * hp, f, outOff + r * H, H);
            }
        }
    }
}
