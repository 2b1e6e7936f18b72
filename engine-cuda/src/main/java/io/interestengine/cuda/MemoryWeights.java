package io.interestengine.cuda;

import io.interestengine.graph.MimnLayout;
import io.interestengine.graph.MimnOp;

import java.util.ArrayList;
import java.util.List;

/**
 * A MIMN memory network's weights for ie_ntm_seq / ie_ntm_read: one blob of every matrix (all {@code [out, in]})
 * and the 25-int descriptor of sizes, offsets and options documented in ntm.cu.
 */
final class MemoryWeights implements AutoCloseable {
    /** The kernels' fixed-size shared state (ntm.cu NTM_MAX*). */
    static final int MAX_INPUT = 128, MAX_DIM = 64, MAX_CONTROLLER = 64, MAX_SLOTS = 16, MAX_SHIFT = 3;

    final DeviceBuffer blob, desc;
    final MimnLayout layout;

    MemoryWeights(Driver d, MimnOp op, String what) {
        layout = op.layout();
        List<float[]> parts = new ArrayList<>();
        int[] off = new int[16];
        int at = 0;
        float[][] arrays = {op.controller().gate(), op.controller().gateBias(), op.controller().cand(), op.controller().candBias(),
                op.o2pWeight(), op.o2pBias(), op.o2oWeight(), op.o2oBias(), op.keyM(), op.initM(), op.initRead(),
                op.miu() == null ? null : op.miu().gate(), op.miu() == null ? null : op.miu().gateBias(),
                op.miu() == null ? null : op.miu().cand(), op.miu() == null ? null : op.miu().candBias(),
                {op.sharpen(), op.utilScale()}};
        for (int k = 0; k < arrays.length; k++) {
            if (arrays[k] == null) {
                off[k] = -1;
                continue;
            }
            off[k] = at;
            parts.add(arrays[k]);
            at += arrays[k].length;
        }
        float[] host = new float[at];
        int p = 0;
        for (float[] a : parts) {
            System.arraycopy(a, 0, host, p, a.length);
            p += a.length;
        }
        int mode = !op.padded() ? 0 : op.maskFlag() ? 1 : 2;
        int[] ds = new int[25];
        ds[0] = layout.input();
        ds[1] = layout.memoryDim();
        ds[2] = layout.controller();
        ds[3] = layout.slots();
        ds[4] = layout.outputDim();
        ds[5] = op.utilReg() ? 1 : 0;
        ds[6] = op.miu() == null ? 0 : 1;
        System.arraycopy(off, 0, ds, 7, 15);
        ds[22] = off[15];
        ds[23] = op.shiftRange();
        ds[24] = mode;
        DeviceBuffer b = DeviceBuffer.of(d, host, what + " weights");
        try {
            desc = DeviceBuffer.of(d, ds, what + " descriptor");
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        blob = b;
    }

    /** Why the kernels cannot run this memory network, or null. */
    static String limits(MimnOp op) {
        MimnLayout L = op.layout();
        if (!op.controller().tf() || op.miu() != null && !op.miu().tf()) return "the MIMN kernels implement TF GRU cells only";
        if (L.input() > MAX_INPUT || L.memoryDim() > MAX_DIM || L.controller() > MAX_CONTROLLER || L.slots() > MAX_SLOTS) {
            return "MIMN sizes (input " + L.input() + ", memory " + L.slots() + "x" + L.memoryDim() + ", controller " + L.controller()
                    + ") exceed the kernel's " + MAX_INPUT + ", " + MAX_SLOTS + "x" + MAX_DIM + ", " + MAX_CONTROLLER;
        }
        if (op.shiftRange() > MAX_SHIFT || 2 * op.shiftRange() + 1 > L.slots()) return "MIMN shift range " + op.shiftRange() + " is not supported with " + L.slots() + " slots";
        return null;
    }

    @Override
    public void close() {
        blob.close();
        desc.close();
    }
}
