package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.MimnLayout;
import io.interestengine.graph.SequenceGroup;
import io.interestengine.graph.MimnOp;
import io.interestengine.graph.MimnReadOp;
import io.interestengine.graph.Scope;
import io.interestengine.scalar.ScalarMimnCell;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;

import java.util.Arrays;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * MIMN's memory network over each user's history, for blocks of users advanced in lockstep: at each step the
 * controller GRU, the head-parameter layer and the Memory Induction Unit's GRU are one GEMM each over the
 * block's rows (the weights read once per step, not once per user), and the content addressing, read, and
 * erase/add write run per user as vector passes over the memory dimension. The capacity function's shift and
 * sharpening run over the m slots in the scalar backend's code (a few slots: nothing to vectorise), so the
 * write weights are bit-identical for identical inputs. {@code padded} (compatibility) runs all T positions
 * with zero input and, with mask_flag, the reset after each padding step; {@code events} runs each user's
 * real events only, the block's users dropping out as their histories end. Semantics, the state layout and
 * error messages are {@link io.interestengine.scalar.ScalarMimnCell}'s.
 */
final class SimdMimn implements Step {
    /**
     * Users (or read rows) advanced together: enough rows for the GEMM's 4-row tiles to reuse each weight
     * load, few enough that a block's states (about 2.3 KB each at the standard sizes) stay in L2.
     */
    static final int BLOCK = 32;

    private final SequenceGroup g;
    private final MimnOp op;
    private final MimnWeights w;
    private final MimnLayout lay;
    private final float[] f;
    private final int[] ints;
    private final int inOff, stateOff, meanOff, miuOff, lengthsOff;
    private final int T, E, m, D, size;
    private final Parallel par;
    private final Scratch[] scratch;
    private final Parallel.Body body = this::users;

    SimdMimn(SequenceGroup g, MimnOp op, MimnWeights w, float[] f, int[] ints, int inOff, int stateOff, int meanOff, int miuOff, int lengthsOff,
             Parallel par) {
        this.g = g;
        this.op = op;
        this.w = w;
        this.lay = w.layout;
        this.f = f;
        this.ints = ints;
        this.inOff = inOff;
        this.stateOff = stateOff;
        this.meanOff = meanOff;
        this.miuOff = miuOff;
        this.lengthsOff = lengthsOff;
        this.par = par;
        T = op.in().length();
        E = lay.input();
        m = lay.slots();
        D = lay.memoryDim();
        size = lay.size();
        scratch = new Scratch[par.parts];
        for (int p = 0; p < scratch.length; p++) scratch[p] = new Scratch(w);
    }

    /** One thread's workspace for a block of rows. */
    static final class Scratch {
        final int xw, hp, dp, pin, ppad, rpad, ow, opad;
        /** Controller input rows {@code [x, r]}, its state and new state, the head layer's input and output. */
        final float[] xin, hc, hNew, parIn, params;
        /** Read and write weights ({@code [rows][m]}), read vectors ({@code [rows][D]}). */
        final float[] wr, ww, rNew;
        /** Memory Induction Unit: input rows {@code [x, M_slot]} and the slot's state. */
        final float[] miuX, miuH;
        /** The read's output layer: input {@code [h, r]} and output rows. */
        final float[] oIn, oOut;
        final float[] key, erase, add, wTmp, sFull, sharpened;
        /** Each active row's state offset and MIU slot; whether its step is a real event. */
        final int[] so, slot;
        final boolean[] real;
        final GruRows ctrl, miu;
        final Gemm.Call call = new Gemm.Call();

        Scratch(MimnWeights w) {
            MimnLayout l = w.layout;
            int E = l.input(), H = l.controller(), m = l.slots(), D = l.memoryDim();
            xw = E + D;
            hp = w.ctrl.hpad;
            dp = Vec.pad(D);
            pin = H + (w.op.utilReg() ? m : 0);
            ppad = w.o2p.npad;
            rpad = w.o2pRead.npad;
            ow = H + D;
            opad = w.o2o.npad;
            xin = new float[BLOCK * xw];
            hc = new float[BLOCK * hp];
            hNew = new float[BLOCK * hp];
            parIn = new float[BLOCK * pin];
            params = new float[BLOCK * ppad];
            wr = new float[BLOCK * m];
            ww = new float[BLOCK * m];
            rNew = new float[BLOCK * D];
            miuX = w.miu == null ? null : new float[BLOCK * xw];
            miuH = w.miu == null ? null : new float[BLOCK * dp];
            oIn = new float[BLOCK * ow];
            oOut = new float[BLOCK * opad];
            key = new float[D];
            erase = new float[D];
            add = new float[D];
            wTmp = new float[m];
            sFull = new float[m];
            sharpened = new float[m];
            so = new int[BLOCK];
            slot = new int[BLOCK];
            real = new boolean[BLOCK];
            ctrl = new GruRows(w.ctrl, BLOCK);
            miu = w.miu == null ? null : new GruRows(w.miu, BLOCK);
        }
    }

    @Override
    public void run(int users, int cands) {
        par.run(users, body);
    }

    private void users(int part, int from, int to) {
        Scratch s = scratch[part];
        for (int b = from; b < to; b += BLOCK) block(s, b, Math.min(BLOCK, to - b));
    }

    private void block(Scratch s, int u0, int nb) {
        int steps = 0;
        for (int u = u0; u < u0 + nb; u++) {
            ScalarMimnCell.init(op, f, stateOff + u * size);
            steps = Math.max(steps, ints[lengthsOff + u]);
        }
        if (op.padded()) steps = T;
        for (int k = 0; k < steps; k++) step(s, u0, nb, k);
        for (int u = u0; u < u0 + nb; u++) finish(u);
    }

    /** Step {@code k} of every user of the block that has one. */
    private void step(Scratch s, int u0, int nb, int k) {
        int n = 0, H = lay.controller(), xw = s.xw;
        for (int u = u0; u < u0 + nb; u++) {
            int len = ints[lengthsOff + u], t0 = g.first(len), t;
            boolean real;
            if (op.padded()) {
                t = k;
                real = t >= t0 && t < t0 + len;
            } else {
                if (k >= len) continue;
                t = t0 + k;
                real = true;
            }
            int so = stateOff + u * size, xi = n * xw;
            s.so[n] = so;
            s.real[n] = real;
            if (real) System.arraycopy(f, inOff + (u * T + t) * E, s.xin, xi, E);
            else Arrays.fill(s.xin, xi, xi + E, 0f);
            System.arraycopy(f, so + lay.readOff(), s.xin, xi + E, D);
            System.arraycopy(f, so + lay.ctrlOff(), s.hc, n * s.hp, H);
            n++;
        }
        controller(s, n, w, w.o2p, s.ppad, f);
        for (int i = 0; i < n; i++) {
            int mem = s.so[i] + lay.memOff(), po = i * s.ppad;
            address(s, w, f, s.params, po, mem, s.wr, i * m);
            address(s, w, f, s.params, po + w.per, mem, s.ww, i * m);
            if (op.utilReg()) ScalarMimnCell.shiftSharpen(op, s.ww, i * m, s.params, po + w.per, s.sFull, s.sharpened);
            read(lay, f, s.wr, i * m, mem, s.rNew, i * D);
        }
        if (w.miu != null) induction(s, n);
        for (int i = 0; i < n; i++) {
            int so = s.so[i];
            write(s, i, so);
            System.arraycopy(s.rNew, i * D, f, so + lay.readOff(), D);
            System.arraycopy(s.hNew, i * s.hp, f, so + lay.ctrlOff(), H);
            if (!s.real[i] && op.maskFlag()) ScalarMimnCell.resetPadded(op, f, so);
        }
    }

    /**
     * The controller GRU on the rows {@code [x, r]} and state gathered in {@code s}, then the head-parameter
     * layer {@code p} (clipped) into {@code s.params} with row stride {@code ld}.
     */
    static void controller(Scratch s, int n, MimnWeights w, Packed p, int ld, float[] f) {
        MimnLayout lay = w.layout;
        int H = lay.controller(), m = lay.slots();
        s.ctrl.step(n, s.xin, 0, s.xw, s.hc, 0, s.hNew, 0);
        for (int i = 0; i < n; i++) {
            System.arraycopy(s.hNew, i * s.hp, s.parIn, i * s.pin, H);
            if (w.op.utilReg()) {
                int wa = s.so[i] + lay.wAggreOff();
                for (int j = 0; j < m; j++) s.parIn[i * s.pin + H + j] = f[wa + j] / w.op.utilScale();
            }
        }
        s.call.weights(p).a(s.parIn, 0, s.pin, n).c(s.params, 0, ld).run();
        clip(s.params, n * ld, w.op.clip());
    }

    static void clip(float[] a, int n, float c) {
        for (int j = 0; j < n; j += L) FloatVector.fromArray(S, a, j).max(-c).min(c).intoArray(a, j);
    }

    /**
     * Content addressing of the head whose parameters start at {@code p[h]} against the memory at
     * {@code f[mem]}: softmax over slots of β·½[cos(k, keyM_j) + cos(k, M_j)] with k = tanh(raw key), into
     * {@code out[o, o + m)}.
     */
    static void address(Scratch s, MimnWeights w, float[] f, float[] p, int h, int mem, float[] out, int o) {
        int D = w.layout.memoryDim(), m = w.layout.slots();
        float[] key = s.key, keyM = w.op.keyM();
        Vec.tanh(p, h, key, 0, D);
        float kn = Vec.dot(key, 0, key, 0, D);
        kn = (float) Math.sqrt(kn);
        float beta = (ScalarMimnCell.softplus(p[h + D]) + 1f) * w.op.sharpen();
        float sum = 0f;
        for (int j = 0; j < m; j++) {
            int km = j * D, mj = mem + j * D;
            float d1 = Vec.dot(keyM, km, key, 0, D), d2 = Vec.dot(f, mj, key, 0, D), n2 = Vec.dot(f, mj, f, mj, D);
            float K = 0.5f * (d1 / (w.keyNorm[j] * kn + 1e-8f) + d2 / ((float) Math.sqrt(n2) * kn + 1e-8f));
            // exp without max-subtraction, as the reference script (β·K is bounded; see ScalarMimnCell)
            float e = (float) Math.exp(beta * K);
            out[o + j] = e;
            sum += e;
        }
        for (int j = 0; j < m; j++) out[o + j] /= sum;
    }

    /** {@code r = Σ_j wr_j·M_j} into {@code r[ro, ro + D)}. */
    static void read(MimnLayout lay, float[] f, float[] wr, int wo, int mem, float[] r, int ro) {
        int D = lay.memoryDim(), m = lay.slots();
        int c = 0;
        for (; c + L <= D; c += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < m; j++) acc = FloatVector.fromArray(S, f, mem + j * D + c).fma(FloatVector.broadcast(S, wr[wo + j]), acc);
            acc.intoArray(r, ro + c);
        }
        for (; c < D; c++) {
            float acc = 0f;
            for (int j = 0; j < m; j++) acc += wr[wo + j] * f[mem + j * D + c];
            r[ro + c] = acc;
        }
    }

    /**
     * The Memory Induction Unit: each row's top-1 read slot (ties to the lowest index, as tf.nn.top_k) takes a
     * GRU step on {@code [x, M_slot]} (the memory before this step's write); the last outputs are that state in
     * its slot and zeros elsewhere.
     */
    private void induction(Scratch s, int n) {
        int xw = s.xw;
        for (int i = 0; i < n; i++) {
            int slot = 0;
            for (int j = 1; j < m; j++) if (s.wr[i * m + j] > s.wr[i * m + slot]) slot = j;
            s.slot[i] = slot;
            int so = s.so[i];
            System.arraycopy(s.xin, i * xw, s.miuX, i * xw, E);
            System.arraycopy(f, so + lay.memOff() + slot * D, s.miuX, i * xw + E, D);
            System.arraycopy(f, so + lay.miuStateOff() + slot * D, s.miuH, i * s.dp, D);
        }
        s.miu.step(n, s.miuX, 0, xw, s.miuH, 0, s.miuH, 0);
        for (int i = 0; i < n; i++) {
            int so = s.so[i], slot = s.slot[i], out = so + lay.miuOutOff();
            System.arraycopy(s.miuH, i * s.dp, f, so + lay.miuStateOff() + slot * D, D);
            Arrays.fill(f, out, out + m * D, 0f);
            System.arraycopy(s.miuH, i * s.dp, f, out + slot * D, D);
        }
    }

    /** Erase/add write of row {@code i} with its write weights, the sum_aggre and w_aggre updates. */
    private void write(Scratch s, int i, int so) {
        int po = i * s.ppad + 2 * w.per;
        float[] p = s.params, erase = s.erase, add = s.add;
        Vec.sigmoid(p, po, erase, 0, D);
        Vec.tanh(p, po + D, add, 0, D);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int c;
        int mem = so + lay.memOff(), sum = so + lay.sumAggreOff();
        for (int j = 0; j < m; j++) {
            float wj = s.ww[i * m + j];
            int mj = mem + j * D, sj = sum + j * D;
            c = 0;
            for (; c + L <= D; c += L) {
                FloatVector wa = FloatVector.fromArray(S, add, c).mul(wj);
                FloatVector mv = FloatVector.fromArray(S, f, mj + c);
                mv.mul(one.sub(FloatVector.fromArray(S, erase, c).mul(wj))).add(wa).intoArray(f, mj + c);
                FloatVector.fromArray(S, f, sj + c).add(wa).intoArray(f, sj + c);
            }
            for (; c < D; c++) {
                f[mj + c] = f[mj + c] * (1f - wj * erase[c]) + wj * add[c];
                f[sj + c] += wj * add[c];
            }
        }
        int wa = so + lay.wAggreOff();
        if (op.utilReg()) {
            // w_aggre takes the capacity function applied a second time to the already shifted weights.
            System.arraycopy(s.ww, i * m, s.wTmp, 0, m);
            ScalarMimnCell.shiftSharpen(op, s.wTmp, 0, s.params, i * s.ppad + w.per, s.sFull, s.sharpened);
            for (int j = 0; j < m; j++) f[wa + j] += s.wTmp[j];
        } else {
            for (int j = 0; j < m; j++) f[wa + j] += s.ww[i * m + j];
        }
    }

    /** The finiteness check of a user's final state, then its mean memory and MIU rows. */
    private void finish(int u) {
        int so = stateOff + u * size;
        ScalarMimnCell.checkFinite(op, f, so, u);
        ScalarMimnCell.meanMemory(op, f, so, f, meanOff + u * D);
        if (miuOff >= 0) System.arraycopy(f, so + lay.miuOutOff(), f, miuOff + u * m * D, m * D);
    }

    /**
     * MIMN's prediction-time read for blocks of rows: the controller GRU on {@code [query, r]} and the read
     * head's key and β (the only head parameters a read uses) as GEMMs over the block, the addressing and read
     * per row, then the output layer as one more GEMM, clipped.
     */
    static final class Read implements Step {
        private final MimnReadOp op;
        private final MimnWeights w;
        private final MimnLayout lay;
        private final float[] f;
        private final int[] ints;
        private final int stateOff, queryOff, outOff, rowMapOff;
        private final Parallel par;
        private final Scratch[] scratch;
        private final Parallel.Body body = this::rows;

        Read(MimnReadOp op, MimnWeights w, float[] f, int[] ints, int stateOff, int queryOff, int outOff, int rowMapOff, Parallel par) {
            this.op = op;
            this.w = w;
            this.lay = w.layout;
            this.f = f;
            this.ints = ints;
            this.stateOff = stateOff;
            this.queryOff = queryOff;
            this.outOff = outOff;
            this.rowMapOff = rowMapOff;
            this.par = par;
            scratch = new Scratch[par.parts];
            for (int p = 0; p < scratch.length; p++) scratch[p] = new Scratch(w);
        }

        @Override
        public void run(int users, int cands) {
            par.run(CpuSession.rows(op.out(), users, cands), body);
        }

        private void rows(int part, int from, int to) {
            Scratch s = scratch[part];
            for (int b = from; b < to; b += BLOCK) block(s, b, Math.min(BLOCK, to - b));
        }

        private void block(Scratch s, int r0, int n) {
            Scope os = op.out().scope();
            int E = lay.input(), H = lay.controller(), D = lay.memoryDim(), m = lay.slots(), O = lay.outputDim(), size = lay.size();
            for (int i = 0; i < n; i++) {
                int su = CpuSession.src(op.state(), os, ints, rowMapOff, r0 + i);
                int q = CpuSession.src(op.query(), os, ints, rowMapOff, r0 + i);
                int so = stateOff + su * size;
                s.so[i] = so;
                System.arraycopy(f, queryOff + q * E, s.xin, i * s.xw, E);
                System.arraycopy(f, so + lay.readOff(), s.xin, i * s.xw + E, D);
                System.arraycopy(f, so + lay.ctrlOff(), s.hc, i * s.hp, H);
            }
            controller(s, n, w, w.o2pRead, s.rpad, f);
            for (int i = 0; i < n; i++) {
                int mem = s.so[i] + lay.memOff();
                address(s, w, f, s.params, i * s.rpad, mem, s.wr, i * m);
                System.arraycopy(s.hNew, i * s.hp, s.oIn, i * s.ow, H);
                read(lay, f, s.wr, i * m, mem, s.oIn, i * s.ow + H);
            }
            s.call.weights(w.o2o).a(s.oIn, 0, s.ow, n).c(s.oOut, 0, s.opad).run();
            clip(s.oOut, n * s.opad, w.op.clip());
            for (int i = 0; i < n; i++) System.arraycopy(s.oOut, i * s.opad, f, outOff + (r0 + i) * O, O);
        }
    }
}
