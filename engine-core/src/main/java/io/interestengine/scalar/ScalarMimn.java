package io.interestengine.scalar;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.MimnLayout;
import io.interestengine.graph.SequenceGroup;
import io.interestengine.graph.MimnOp;
import io.interestengine.graph.MimnReadOp;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;

/**
 * MIMN over each user's history. {@code padded} (compatibility) runs all T positions in order, padding
 * steps with a zero input (the script multiplies the embeddings by the mask) and, with mask_flag, the
 * reset after each; {@code events} runs the real events only, from the initial state.
 */
final class ScalarMimn {
    private ScalarMimn() {
    }

    static Step step(MimnOp op, float[] f, int[] ints, Bindings b) {
        int inOff = b.off(op.in()), stateOff = b.off(op.out()), meanOff = b.off(op.meanMemory());
        int miuOff = op.induction() == null ? -1 : b.off(op.induction()), lengthsOff = b.lengthsOff(op.in().group());
        SequenceGroup g = op.in().group();
        ScalarMimnCell cell = new ScalarMimnCell(op);
        MimnLayout L = op.layout();
        int T = op.in().length(), E = op.in().width(), S = L.size(), m = L.slots(), D = L.memoryDim();
        return (users, cands) -> {
            for (int u = 0; u < users; u++) {
                int so = stateOff + u * S;
                int len = ints[lengthsOff + u], t0 = g.first(len);
                cell.init(f, so);
                for (int t = op.padded() ? 0 : t0; t < (op.padded() ? T : t0 + len); t++) {
                    boolean real = t >= t0 && t < t0 + len;
                    cell.step(real ? f : null, inOff + (u * T + t) * E, f, so);
                    if (!real && op.maskFlag()) cell.resetPadded(f, so);
                }
                ScalarMimnCell.checkFinite(op, f, so, u);
                finish(cell, op, f, so, meanOff + u * D, miuOff < 0 ? -1 : miuOff + u * m * D);
            }
        };
    }

    /** Writes the derived outputs (mean memory, MIU rows) of one user's state. */
    static void finish(ScalarMimnCell cell, MimnOp op, float[] f, int so, int meanOff, int miuOff) {
        MimnLayout L = op.layout();
        cell.meanMemory(f, so, f, meanOff);
        if (miuOff >= 0) System.arraycopy(f, so + L.miuOutOff(), f, miuOff, L.slots() * L.memoryDim());
    }

    static Step read(MimnReadOp op, float[] f, int[] ints, Bindings b) {
        int stateOff = b.off(op.state()), queryOff = b.off(op.query()), outOff = b.off(op.out()), rowMapOff = b.rowMapOff();
        ScalarMimnCell cell = new ScalarMimnCell(op.mimn());
        int S = op.mimn().layout().size(), E = op.query().width(), O = op.out().width();
        return (users, cands) -> {
            int rows = CpuSession.rows(op.out(), users, cands);
            for (int r = 0; r < rows; r++) {
                int su = CpuSession.src(op.state(), op.out().scope(), ints, rowMapOff, r);
                int q = CpuSession.src(op.query(), op.out().scope(), ints, rowMapOff, r);
                cell.read(f, queryOff + q * E, f, stateOff + su * S, f, outOff + r * O);
            }
        };
    }
}
