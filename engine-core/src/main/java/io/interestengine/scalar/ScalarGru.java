package io.interestengine.scalar;

import io.interestengine.NumericException;
import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.GruOp;
import io.interestengine.graph.Scope;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;

import java.util.Arrays;

/**
 * The GRU op family: plain GRU and DIEN's interest evolution (AUGRU both forms, AGRU, AIGRU), run over the
 * real positions of each row (right or left padding) from a zero state. Sequence outputs are zero at padded
 * positions, as TF dynamic_rnn and PyTorch pad_packed_sequence give them.
 */
final class ScalarGru implements Step {
    private final GruOp op;
    private final float[] f;
    private final int[] ints;
    private final int inOff, attOff, outOff, lengthsOff, rowMapOff;
    private final io.interestengine.graph.SequenceGroup group;
    private final ScalarGruCell cell;
    private final float[] h;

    ScalarGru(GruOp op, float[] f, int[] ints, Bindings b) {
        this.op = op;
        this.f = f;
        this.ints = ints;
        this.group = op.in().group();
        this.inOff = b.off(op.in());
        this.attOff = op.attention() == null ? -1 : b.off(op.attention());
        this.outOff = b.off(op.out());
        this.lengthsOff = group == null ? -1 : b.lengthsOff(group);
        this.rowMapOff = b.rowMapOff();
        this.cell = new ScalarGruCell(op.cell());
        this.h = new float[op.cell().hidden()];
    }

    @Override
    public void run(int users, int cands) {
        int T = op.in().length(), W = op.in().width(), H = op.cell().hidden();
        Scope s = op.out().scope();
        int rows = CpuSession.rows(op.out(), users, cands);
        for (int r = 0; r < rows; r++) {
            int user = CpuSession.userRow(op.out(), ints, rowMapOff, r);
            int inRow = CpuSession.src(op.in(), s, ints, rowMapOff, r);
            int attRow = op.attention() == null ? 0 : CpuSession.src(op.attention(), s, ints, rowMapOff, r);
            int len = op.in().masked() ? ints[lengthsOff + user] : T;
            int t0 = op.in().masked() ? group.first(len) : 0;
            Arrays.fill(h, 0f);
            if (op.returnSequence()) Arrays.fill(f, outOff + r * T * H, outOff + (r + 1) * T * H, 0f);
            for (int t = t0; t < t0 + len; t++) {
                float a = 0f;
                if (op.attention() != null) {
                    a = f[attOff + attRow * T + t];
                    if (!Float.isFinite(a)) {
                        throw new NumericException("attention weight of '" + op.attention().name() + "' is " + a + " at row " + r + ", position " + t
                                + " (input to gru '" + op.out().name() + "'): the request's values drive the model out of range");
                    }
                }
                float scale = op.form() == GruOp.AttentionForm.AIGRU ? a : 1f;
                cell.step(f, inOff + (inRow * T + t) * W, scale, h, 0, op.form(), a, h, 0);
                if (op.returnSequence()) System.arraycopy(h, 0, f, outOff + (r * T + t) * H, H);
            }
            // A non-finite state never recovers (h' mixes h in), so the last state tells for the whole row.
            for (int j = 0; j < H; j++) {
                if (!Float.isFinite(h[j])) {
                    throw new NumericException("state of gru '" + op.out().name() + "' is " + h[j] + " at row " + r + ", unit " + j
                            + ": the request's values drive the model out of range");
                }
            }
            if (!op.returnSequence()) System.arraycopy(h, 0, f, outOff + r * H, H);
        }
    }
}
