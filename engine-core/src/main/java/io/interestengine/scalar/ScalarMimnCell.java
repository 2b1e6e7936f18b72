package io.interestengine.scalar;

import io.interestengine.NumericException;
import io.interestengine.graph.MimnLayout;
import io.interestengine.graph.MimnOp;

import java.util.Arrays;

/**
 * One step of MIMN's memory network on a packed state (layout {@link MimnLayout}), following UIC-Paper
 * script/mimn.py MIMNCell line by line: controller GRU on {@code [x, r]}, read and write heads addressed
 * by content against tanh(key_M) and the memory, the write head shifted and sharpened when util_reg is on
 * (and w_aggre fed the capacity function applied twice, as the script does), read before write, erase/add
 * write, and the Memory Induction Unit's top-1 slot GRU. Holds scratch: one instance per thread.
 */
public final class ScalarMimnCell {
    private final MimnOp op;
    private final MimnLayout L;
    private final int E, H, m, D, per, P;
    private final ScalarGruCell ctrl, miu;
    private final float[] ctrlIn, hNew, parIn, params, wr, ww, wTmp, sFull, sharpened, rNew, zeros, key, erase, add;

    public ScalarMimnCell(MimnOp op) {
        this.op = op;
        this.L = op.layout();
        E = L.input();
        H = L.controller();
        m = L.slots();
        D = L.memoryDim();
        per = MimnLayout.perHead(D, op.shiftRange());
        P = 2 * per + 2 * D;
        ctrl = new ScalarGruCell(op.controller());
        miu = op.miu() == null ? null : new ScalarGruCell(op.miu());
        ctrlIn = new float[E + D];
        hNew = new float[H];
        parIn = new float[H + m];
        params = new float[P];
        wr = new float[m];
        ww = new float[m];
        wTmp = new float[m];
        sFull = new float[m];
        sharpened = new float[m];
        rNew = new float[D];
        zeros = new float[E];
        key = new float[D];
        erase = new float[D];
        add = new float[D];
    }

    public MimnLayout layout() {
        return L;
    }

    /** The initial state: controller 0, read vector tanh(init_read), M = tanh(init_M), aggregates and MIU 0. */
    public void init(float[] s, int so) {
        init(op, s, so);
    }

    /** {@link #init(float[], int)} without a cell (shared with the SIMD backend). */
    public static void init(MimnOp op, float[] s, int so) {
        MimnLayout l = op.layout();
        Arrays.fill(s, so, so + l.size(), 0f);
        System.arraycopy(op.initRead(), 0, s, so + l.readOff(), l.memoryDim());
        System.arraycopy(op.initM(), 0, s, so + l.memOff(), l.slots() * l.memoryDim());
    }

    /**
     * The reset of a padding step with mask_flag: controller, M, sum_aggre and the MIU states return to their
     * initial values; the read vector, w_aggre and the last MIU outputs are kept, as the script does.
     */
    public void resetPadded(float[] s, int so) {
        resetPadded(op, s, so);
    }

    /** {@link #resetPadded(float[], int)} without a cell (shared with the SIMD backend). */
    public static void resetPadded(MimnOp op, float[] s, int so) {
        MimnLayout l = op.layout();
        int md = l.slots() * l.memoryDim();
        Arrays.fill(s, so + l.ctrlOff(), so + l.ctrlOff() + l.controller(), 0f);
        System.arraycopy(op.initM(), 0, s, so + l.memOff(), md);
        Arrays.fill(s, so + l.sumAggreOff(), so + l.sumAggreOff() + md, 0f);
        if (l.induction()) Arrays.fill(s, so + l.miuStateOff(), so + l.miuStateOff() + md, 0f);
    }

    /**
     * Throws {@link NumericException} naming the first non-finite value of a user's final state: a state that
     * went non-finite never recovers, so this one check stands for every step.
     */
    public static void checkFinite(MimnOp op, float[] s, int so, int userRow) {
        for (int k = 0; k < op.layout().size(); k++) {
            if (!Float.isFinite(s[so + k])) {
                throw new NumericException("memory state of mimn '" + op.out().name() + "' is " + s[so + k] + " at index " + k
                        + " of user row " + userRow + ": the request's values drive the model out of range");
            }
        }
    }

    /** One behavior step with input {@code x} (null: a padding step, input zero). */
    public void step(float[] x, int xo, float[] s, int so) {
        if (x == null) {
            x = zeros;
            xo = 0;
        }
        controller(x, xo, s, so);
        int mem = so + L.memOff();
        // read head
        address(params, 0, s, mem, wr);
        // write head
        address(params, per, s, mem, ww);
        if (op.utilReg()) {
            shiftSharpen(ww, params, per);
        }
        for (int c = 0; c < D; c++) {
            float acc = 0f;
            for (int j = 0; j < m; j++) acc += wr[j] * s[mem + j * D + c];
            rNew[c] = acc;
        }
        if (L.induction()) {
            int slot = 0;
            for (int j = 1; j < m; j++) if (wr[j] > wr[slot]) slot = j; // ties: lowest index, as tf.nn.top_k
            int st = so + L.miuStateOff() + slot * D;
            // input [x, M_{t-1}[slot]]: the memory before this step's write
            miu.step2(x, xo, E, s, mem + slot * D, s, st, s, st);
            int out = so + L.miuOutOff();
            Arrays.fill(s, out, out + m * D, 0f);
            System.arraycopy(s, st, s, out + slot * D, D);
        }
        for (int c = 0; c < D; c++) {
            erase[c] = ScalarGruCell.sigmoid(params[2 * per + c]);
            add[c] = (float) Math.tanh(params[2 * per + D + c]);
        }
        int sum = so + L.sumAggreOff();
        for (int j = 0; j < m; j++) {
            for (int c = 0; c < D; c++) {
                int k = mem + j * D + c;
                s[k] = s[k] * (1f - ww[j] * erase[c]) + ww[j] * add[c];
                s[sum + j * D + c] += ww[j] * add[c];
            }
        }
        int wa = so + L.wAggreOff();
        if (op.utilReg()) {
            // w_aggre takes the capacity function applied a second time to the already shifted weights.
            System.arraycopy(ww, 0, wTmp, 0, m);
            shiftSharpen(wTmp, params, per);
            for (int j = 0; j < m; j++) s[wa + j] += wTmp[j];
        } else {
            for (int j = 0; j < m; j++) s[wa + j] += ww[j];
        }
        System.arraycopy(rNew, 0, s, so + L.readOff(), D);
        System.arraycopy(hNew, 0, s, so + L.ctrlOff(), H);
    }

    /** The read at prediction time: controller and read head with the candidate as input; writes the clipped output. */
    public void read(float[] q, int qo, float[] s, int so, float[] out, int oo) {
        controller(q, qo, s, so);
        int mem = so + L.memOff();
        address(params, 0, s, mem, wr);
        for (int c = 0; c < D; c++) {
            float acc = 0f;
            for (int j = 0; j < m; j++) acc += wr[j] * s[mem + j * D + c];
            rNew[c] = acc;
        }
        int O = L.outputDim();
        float[] w = op.o2oWeight();
        for (int o = 0; o < O; o++) {
            float acc = op.o2oBias()[o];
            for (int k = 0; k < H; k++) acc += w[o * (H + D) + k] * hNew[k];
            for (int k = 0; k < D; k++) acc += w[o * (H + D) + H + k] * rNew[k];
            out[oo + o] = clip(acc);
        }
    }

    /** Mean over slots of sum_aggre. */
    public void meanMemory(float[] s, int so, float[] out, int oo) {
        meanMemory(op, s, so, out, oo);
    }

    /** {@link #meanMemory(float[], int, float[], int)} without a cell (shared with the SIMD backend). */
    public static void meanMemory(MimnOp op, float[] s, int so, float[] out, int oo) {
        MimnLayout l = op.layout();
        int sum = so + l.sumAggreOff(), m = l.slots(), D = l.memoryDim();
        for (int c = 0; c < D; c++) {
            float acc = 0f;
            for (int j = 0; j < m; j++) acc += s[sum + j * D + c];
            out[oo + c] = acc / m;
        }
    }

    /** Controller GRU on [x, r] then the head parameters (clipped) into {@code params}. */
    private void controller(float[] x, int xo, float[] s, int so) {
        System.arraycopy(x, xo, ctrlIn, 0, E);
        System.arraycopy(s, so + L.readOff(), ctrlIn, E, D);
        ctrl.step2(ctrlIn, 0, E + D, ctrlIn, E + D, s, so + L.ctrlOff(), hNew, 0);
        System.arraycopy(hNew, 0, parIn, 0, H);
        int in = H;
        if (op.utilReg()) {
            for (int j = 0; j < m; j++) parIn[H + j] = s[so + L.wAggreOff() + j] / op.utilScale();
            in += m;
        }
        float[] w = op.o2pWeight();
        for (int o = 0; o < P; o++) {
            float acc = op.o2pBias()[o];
            for (int k = 0; k < in; k++) acc += w[o * in + k] * parIn[k];
            params[o] = clip(acc);
        }
    }

    private float clip(float v) {
        return Math.max(-op.clip(), Math.min(op.clip(), v));
    }

    /** Content addressing: softmax over slots of β·½[cos(k, keyM_j) + cos(k, M_j)], k = tanh(raw key). */
    private void address(float[] p, int h, float[] s, int mem, float[] w) {
        float kn = 0f;
        for (int c = 0; c < D; c++) {
            key[c] = (float) Math.tanh(p[h + c]);
            kn += key[c] * key[c];
        }
        kn = (float) Math.sqrt(kn);
        float beta = (softplus(p[h + D]) + 1f) * op.sharpen();
        float[] keyM = op.keyM();
        float sum = 0f;
        for (int j = 0; j < m; j++) {
            float d1 = 0f, n1 = 0f, d2 = 0f, n2 = 0f;
            for (int c = 0; c < D; c++) {
                float k = key[c];
                float a = keyM[j * D + c], b = s[mem + j * D + c];
                d1 += a * k;
                n1 += a * a;
                d2 += b * k;
                n2 += b * b;
            }
            float K = 0.5f * (d1 / ((float) Math.sqrt(n1) * kn + 1e-8f) + d2 / ((float) Math.sqrt(n2) * kn + 1e-8f));
            // exp without max-subtraction, as the script: β ≤ 2·(softplus(20)+1)·sharpen keeps it finite.
            w[j] = (float) Math.exp(beta * K);
            sum += w[j];
        }
        for (int j = 0; j < m; j++) w[j] /= sum;
    }

    /** The write head's capacity function: circular shift by softmax(s), then sharpen by γ. */
    private void shiftSharpen(float[] w, float[] p, int h) {
        shiftSharpen(op, w, 0, p, h, sFull, sharpened);
    }

    /**
     * The capacity function on the {@code m} weights at {@code w[wo]}, with the write head's parameters at
     * {@code p[h]}; {@code sFull} and {@code sharpened} are scratch of m floats. (The SIMD backend has its own,
     * vectors across a block's users.)
     */
    public static void shiftSharpen(MimnOp op, float[] w, int wo, float[] p, int h, float[] sFull, float[] sharpened) {
        int m = op.layout().slots(), D = op.layout().memoryDim();
        int sr = op.shiftRange(), ns = 2 * sr + 1, per = MimnLayout.perHead(D, sr);
        float mx = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < ns; i++) mx = Math.max(mx, p[h + D + 2 + i]);
        float z = 0f;
        Arrays.fill(sFull, 0, m, 0f);
        for (int i = 0; i < ns; i++) z += (float) Math.exp(p[h + D + 2 + i] - mx);
        // s_full = [s_0 .. s_sr, 0 ..., s_{sr+1} .. s_{2sr}]
        for (int i = 0; i <= sr; i++) sFull[i] = (float) Math.exp(p[h + D + 2 + i] - mx) / z;
        for (int i = 0; i < sr; i++) sFull[m - sr + i] = (float) Math.exp(p[h + D + 2 + sr + 1 + i] - mx) / z;
        float gamma = 2f * (softplus(p[h + per - 1]) + 1f) * op.sharpen();
        float tot = 0f;
        for (int i = 0; i < m; i++) {
            float acc = 0f;
            for (int j = 0; j < m; j++) acc += w[wo + j] * sFull[Math.floorMod(i - j, m)];
            sharpened[i] = (float) Math.pow(acc, gamma);
        }
        for (int i = 0; i < m; i++) tot += sharpened[i];
        for (int i = 0; i < m; i++) w[wo + i] = sharpened[i] / tot;
    }

    /** {@code log(1 + e^x)}, stable for large |x|. */
    public static float softplus(float x) {
        return (float) (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
    }
}
