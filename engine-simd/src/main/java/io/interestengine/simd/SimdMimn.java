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
 * erase/add write run per user as vector passes over the memory dimension. What runs per user over the m slots
 * (the cosines' quotients, the addressing softmax, β, the capacity function's shift and sharpening) runs as
 * vector passes across the block's users instead, on slot-major scratch ({@code [slot][BLOCK]}).
 * {@code padded} (compatibility) runs all T positions
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
        /** Read vectors ({@code [rows][D]}). */
        final float[] rNew;
        /** Memory Induction Unit: input rows {@code [x, M_slot]} and the slot's state. */
        final float[] miuX, miuH;
        /** The read's output layer: input {@code [h, r]} and output rows. */
        final float[] oIn, oOut;
        final float[] erase, add;
        /** One row's keys: the read head's tanh(key) at 0, the write head's at D. */
        final float[] key;
        /**
         * Per row, slot-major (so that a vector pass runs across the block's rows): the keys' dot products
         * with key_M and with M ({@code [slot·2 + head][BLOCK]}) and the memory rows' squared norms
         * ({@code [slot][BLOCK]}), with spare rows for the four-at-a-time dot products' padding.
         */
        final float[] d1, d2, n2;
        /** Per row: the keys' norms (read, write), the heads' β (read, write), the sharpening γ. */
        final float[] kn, beta, gamma;
        /** The shift's softmax {@code [2·shift + 1][BLOCK]}, the capacity function's sums {@code [slot][BLOCK]}. */
        final float[] shift, acc, tmp;
        /** Read and write weights and the capacity function of the write weights for w_aggre, {@code [slot][BLOCK]}. */
        final float[] wrT, wwT, wAgg;
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
            rNew = new float[BLOCK * D];
            miuX = w.miu == null ? null : new float[BLOCK * xw];
            miuH = w.miu == null ? null : new float[BLOCK * dp];
            oIn = new float[BLOCK * ow];
            oOut = new float[BLOCK * opad];
            erase = new float[D];
            add = new float[D];
            key = new float[2 * D];
            d1 = new float[(2 * m + 6) * BLOCK];
            d2 = new float[(2 * m + 6) * BLOCK];
            n2 = new float[(m + 3) * BLOCK];
            kn = new float[2 * BLOCK];
            beta = new float[2 * BLOCK];
            gamma = new float[BLOCK];
            shift = new float[(2 * w.op.shiftRange() + 1) * BLOCK];
            acc = new float[m * BLOCK];
            tmp = new float[BLOCK];
            wrT = new float[m * BLOCK];
            wwT = new float[m * BLOCK];
            wAgg = new float[m * BLOCK];
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
        address(s, w, f, n, s.ppad, true);
        if (op.utilReg()) {
            shiftSetup(s, n);
            int np = Vec.pad(n);
            capacity(s, np, s.wwT, s.wwT);
            // w_aggre takes the capacity function applied a second time to the already shifted weights
            capacity(s, np, s.wwT, s.wAgg);
        }
        for (int i = 0; i < n; i++) read(lay, f, s.wrT, i, s.so[i] + lay.memOff(), s.rNew, i * D);
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
     * Content addressing of the block's {@code n} rows, whose head parameters start at {@code s.params[i·ld]}:
     * per head, softmax over slots of β·½[cos(k, keyM_j) + cos(k, M_j)] with k = tanh(raw key) and
     * β = (softplus + 1)·sharpen, into {@code s.wrT} (read head) and, with {@code write}, {@code s.wwT}. The dot
     * products run per row over the memory dimension; the cosines, exps and normalisation as vector passes
     * across the rows.
     */
    static void address(Scratch s, MimnWeights w, float[] f, int n, int ld, boolean write) {
        MimnLayout lay = w.layout;
        int D = lay.memoryDim(), m = lay.slots(), B = BLOCK;
        float[] p = s.params, key = s.key, keyM = w.op.keyM();
        for (int i = 0; i < n; i++) {
            int po = i * ld, mem = s.so[i] + lay.memOff();
            Vec.tanh(p, po, key, 0, D);
            s.kn[i] = (float) Math.sqrt(Vec.dot(key, 0, key, 0, D));
            s.beta[i] = p[po + D];
            if (write) {
                Vec.tanh(p, po + w.per, key, D, D);
                s.kn[BLOCK + i] = (float) Math.sqrt(Vec.dot(key, D, key, D, D));
                s.beta[BLOCK + i] = p[po + w.per + D];
            }
            // four dot products at a time, the last group padded by repeating its last (written to spare rows)
            if (write) {
                for (int j = 0; j < m; j += 2) {
                    int j2 = Math.min(j + 1, m - 1), o = 2 * j * B + i;
                    int mj = mem + j * D, mj2 = mem + j2 * D;
                    MimnMath.dot4(keyM, j * D, j * D, j2 * D, j2 * D, key, 0, D, 0, D, D, s.d1, o, B);
                    MimnMath.dot4(f, mj, mj, mj2, mj2, key, 0, D, 0, D, D, s.d2, o, B);
                }
            } else {
                for (int j = 0; j < m; j += 4) {
                    int j1 = Math.min(j + 1, m - 1), j2 = Math.min(j + 2, m - 1), j3 = Math.min(j + 3, m - 1);
                    int o = 2 * j * B + i;
                    MimnMath.dot4(keyM, j * D, j1 * D, j2 * D, j3 * D, key, 0, 0, 0, 0, D, s.d1, o, 2 * B);
                    MimnMath.dot4(f, mem + j * D, mem + j1 * D, mem + j2 * D, mem + j3 * D, key, 0, 0, 0, 0, D, s.d2, o,
                            2 * B);
                }
            }
            for (int j = 0; j < m; j += 4) {
                int m0 = mem + j * D, m1 = mem + Math.min(j + 1, m - 1) * D, m2 = mem + Math.min(j + 2, m - 1) * D;
                int m3 = mem + Math.min(j + 3, m - 1) * D;
                MimnMath.dot4(f, m0, m1, m2, m3, f, m0, m1, m2, m3, D, s.n2, j * B + i, B);
            }
        }
        int np = Vec.pad(n);
        MimnMath.softplus(s.beta, 0, s.tmp, np);
        weights(s, w, np, 0, s.wrT);
        if (write) {
            MimnMath.softplus(s.beta, BLOCK, s.tmp, np);
            weights(s, w, np, 1, s.wwT);
        }
    }

    /**
     * Head {@code h}'s (0 read, 1 write) weights of rows {@code [0, np)} from its dot products, norms and raw β,
     * into {@code out} ({@code [slot][BLOCK]}); the order of operations is the scalar reference's.
     */
    private static void weights(Scratch s, MimnWeights w, int np, int h, float[] out) {
        int m = w.layout.slots(), kn = h * BLOCK;
        float sharpen = w.op.sharpen();
        for (int i = 0; i < np; i += L) {
            FloatVector k = FloatVector.fromArray(S, s.kn, kn + i);
            FloatVector beta = FloatVector.fromArray(S, s.beta, kn + i).add(1f).mul(sharpen);
            for (int j = 0; j < m; j++) {
                int o = j * BLOCK + i, od = (2 * j + h) * BLOCK + i;
                FloatVector c1 = FloatVector.fromArray(S, s.d1, od).div(k.mul(w.keyNorm[j]).add(1e-8f));
                FloatVector n2 = FloatVector.fromArray(S, s.n2, o).sqrt();
                FloatVector c2 = FloatVector.fromArray(S, s.d2, od).div(n2.mul(k).add(1e-8f));
                // exp without max-subtraction, as the reference script (β·K is bounded; see ScalarMimnCell)
                beta.mul(c1.add(c2).mul(0.5f)).intoArray(out, o);
            }
        }
        // per slot over the rows in use only: a ranking request's single user would pay for a whole block
        for (int j = 0; j < m; j++) Vec.exp(out, j * BLOCK, out, j * BLOCK, np);
        normalise(out, m, np);
    }

    /** Each row's m values at {@code a[j·BLOCK + i]} divided by their sum (taken in slot order). */
    private static void normalise(float[] a, int m, int np) {
        for (int i = 0; i < np; i += L) {
            FloatVector sum = FloatVector.fromArray(S, a, i);
            for (int j = 1; j < m; j++) sum = sum.add(FloatVector.fromArray(S, a, j * BLOCK + i));
            for (int j = 0; j < m; j++) FloatVector.fromArray(S, a, j * BLOCK + i).div(sum).intoArray(a, j * BLOCK + i);
        }
    }

    /**
     * The capacity function's parameters for the block's rows: the shift's softmax over its 2·range + 1 logits
     * into {@code s.shift} ({@code [k][BLOCK]}) and γ = 2·(softplus + 1)·sharpen into {@code s.gamma}.
     */
    private void shiftSetup(Scratch s, int n) {
        int ns = 2 * op.shiftRange() + 1, per = w.per, np = Vec.pad(n);
        float[] p = s.params, sh = s.shift;
        for (int i = 0; i < n; i++) {
            int h = i * s.ppad + per;
            for (int k = 0; k < ns; k++) sh[k * BLOCK + i] = p[h + D + 2 + k];
            s.gamma[i] = p[h + per - 1];
        }
        for (int i = 0; i < np; i += L) {
            FloatVector mx = FloatVector.fromArray(S, sh, i);
            for (int k = 1; k < ns; k++) mx = mx.max(FloatVector.fromArray(S, sh, k * BLOCK + i));
            for (int k = 0; k < ns; k++) {
                FloatVector.fromArray(S, sh, k * BLOCK + i).sub(mx).intoArray(sh, k * BLOCK + i);
            }
        }
        for (int k = 0; k < ns; k++) Vec.exp(sh, k * BLOCK, sh, k * BLOCK, np);
        normalise(sh, ns, np);
        MimnMath.softplus(s.gamma, 0, s.tmp, np);
        float sharpen = op.sharpen();
        for (int i = 0; i < np; i += L) {
            FloatVector.fromArray(S, s.gamma, i).add(1f).mul(2f).mul(sharpen).intoArray(s.gamma, i);
        }
    }

    /**
     * The write head's capacity function on rows {@code [0, np)} of {@code src} into {@code dst} (may be the
     * same): circular shift by the softmax in {@code s.shift} (the scalar reference's sum over source slots in
     * ascending order, its zero terms left out), then {@code w^γ} as {@code e^{γ·ln w}}, normalised.
     */
    private void capacity(Scratch s, int np, float[] src, float[] dst) {
        int sr = op.shiftRange();
        float[] acc = s.acc, sh = s.shift;
        for (int i = 0; i < np; i += L) {
            for (int t = 0; t < m; t++) {
                // from zero, as the reference's sum (no null vector: C2 would box it)
                FloatVector a = FloatVector.zero(S);
                for (int j = 0; j < m; j++) {
                    int d = Math.floorMod(t - j, m), k = d <= sr ? d : d >= m - sr ? d - m + 2 * sr + 1 : -1;
                    if (k < 0) continue;
                    FloatVector sk = FloatVector.fromArray(S, sh, k * BLOCK + i);
                    a = a.add(FloatVector.fromArray(S, src, j * BLOCK + i).mul(sk));
                }
                a.intoArray(acc, t * BLOCK + i);
            }
        }
        for (int t = 0; t < m; t++) {
            MimnMath.logTimes(acc, t * BLOCK, s.gamma, 0, np);
            Vec.exp(acc, t * BLOCK, acc, t * BLOCK, np);
        }
        normalise(acc, m, np);
        for (int t = 0; t < m; t++) System.arraycopy(acc, t * BLOCK, dst, t * BLOCK, np);
    }

    /** {@code r = Σ_j wr_j·M_j} into {@code r[ro, ro + D)}, row {@code i}'s weights at {@code wr[j·BLOCK + i]}. */
    static void read(MimnLayout lay, float[] f, float[] wr, int i, int mem, float[] r, int ro) {
        int D = lay.memoryDim(), m = lay.slots();
        int c = 0;
        for (; c + L <= D; c += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < m; j++) {
                acc = FloatVector.fromArray(S, f, mem + j * D + c).fma(FloatVector.broadcast(S, wr[j * BLOCK + i]), acc);
            }
            acc.intoArray(r, ro + c);
        }
        for (; c < D; c++) {
            float acc = 0f;
            for (int j = 0; j < m; j++) acc += wr[j * BLOCK + i] * f[mem + j * D + c];
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
            for (int j = 1; j < m; j++) if (s.wrT[j * BLOCK + i] > s.wrT[slot * BLOCK + i]) slot = j;
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
            float wj = s.wwT[j * BLOCK + i];
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
        float[] agg = op.utilReg() ? s.wAgg : s.wwT;
        for (int j = 0; j < m; j++) f[wa + j] += agg[j * BLOCK + i];
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
            address(s, w, f, n, s.rpad, false);
            for (int i = 0; i < n; i++) {
                System.arraycopy(s.hNew, i * s.hp, s.oIn, i * s.ow, H);
                read(lay, f, s.wrT, i, s.so[i] + lay.memOff(), s.oIn, i * s.ow + H);
            }
            s.call.weights(w.o2o).a(s.oIn, 0, s.ow, n).c(s.oOut, 0, s.opad).run();
            clip(s.oOut, n * s.opad, w.op.clip());
            for (int i = 0; i < n; i++) System.arraycopy(s.oOut, i * s.opad, f, outOff + (r0 + i) * O, O);
        }
    }
}
