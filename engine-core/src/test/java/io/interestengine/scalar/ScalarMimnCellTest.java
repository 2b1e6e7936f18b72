package io.interestengine.scalar;

import io.interestengine.graph.MimnLayout;
import io.interestengine.graph.GruCell;
import io.interestengine.graph.MimnOp;
import io.interestengine.graph.Scope;
import io.interestengine.graph.Value;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Memory Induction Unit's top-1 choice on exact ties goes to the lowest slot, as tf.nn.top_k does. */
class ScalarMimnCellTest {
    private static float[] rnd(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian() * 0.5f;
        return a;
    }

    private static GruCell tfCell(Random r, int in, int h) {
        return new GruCell(true, in, h, rnd(r, 2 * h * (in + h)), rnd(r, 2 * h), rnd(r, h * (in + h)), rnd(r, h), null, null, null, null);
    }

    @Test
    void tiedReadWeightsSelectTheLowestSlot() {
        Random r = new Random(5);
        int E = 4, D = 4, H = 3, m = 4;
        // Identical slots (keys and initial memory): the read weights are exactly uniform at every step, because
        // every slot goes through the same float operations, and the write keeps the rows identical (util_reg off:
        // the circular shift sums each slot's terms in another order, which breaks exact ties).
        float[] key = rnd(r, D), init = rnd(r, D);
        float[] keyM = new float[m * D], initM = new float[m * D];
        for (int j = 0; j < m; j++) {
            System.arraycopy(key, 0, keyM, j * D, D);
            System.arraycopy(init, 0, initM, j * D, D);
        }
        int P = 2 * MimnLayout.perHead(D, 1) + 2 * D;
        MimnLayout L = new MimnLayout(E, H, m, D, H, true);
        Value in = Value.sequence("h", Scope.USER, 5, E, new io.interestengine.graph.SequenceGroup("history", 0, 5, false, 0, false));
        MimnOp op = new MimnOp(Value.vector("s", Scope.USER, L.size()), in, Value.vector("mean", Scope.USER, D),
                Value.sequence("miu", Scope.USER, m, D, null), L, false, true, false, 20f, 2f, 400f, 1,
                tfCell(r, E + D, H), rnd(r, P * H), rnd(r, P), rnd(r, H * (H + D)), rnd(r, H), rnd(r, D), initM, keyM, tfCell(r, E + D, D));
        ScalarMimnCell cell = new ScalarMimnCell(op);
        float[] s = new float[L.size()];
        cell.init(s, 0);
        for (int t = 0; t < 3; t++) {
            cell.step(rnd(r, E), 0, s, 0);
            boolean row0 = false;
            for (int c = 0; c < D; c++) row0 |= s[L.miuOutOff() + c] != 0f;
            assertTrue(row0, "slot 0 is selected at step " + t);
            for (int j = 1; j < m; j++) {
                for (int c = 0; c < D; c++) assertEquals(0f, s[L.miuOutOff() + j * D + c], "slot " + j + " output at step " + t);
                for (int c = 0; c < D; c++) assertEquals(0f, s[L.miuStateOff() + j * D + c], "slot " + j + " state at step " + t);
            }
        }
    }
}
