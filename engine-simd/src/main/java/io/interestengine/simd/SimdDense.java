package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.DenseOp;
import io.interestengine.spi.Step;

/**
 * {@code Y = act(X·Wᵀ + b)} over all rows of the request at once (N candidates, or one user row): one
 * blocked GEMM (bias as the accumulators' start) into vector-padded rows, then the activation pass writes the
 * result into the arena. Rows split across parts when intra-request parallelism is on.
 */
final class SimdDense implements Step {
    private final DenseOp op;
    private final Packed w;
    private final float[] f;
    private final int inOff, outOff;
    private final Parallel par;
    private final Gemm.Call[] calls;
    /** GEMM output rows padded to whole vectors; parts use disjoint rows. */
    private final float[] acc;
    private final Parallel.Body body = this::rows;

    SimdDense(DenseOp op, Packed w, float[] f, int inOff, int outOff, int maxRows, Parallel par) {
        this.op = op;
        this.w = w;
        this.f = f;
        this.inOff = inOff;
        this.outOff = outOff;
        this.par = par;
        calls = new Gemm.Call[par.parts];
        for (int p = 0; p < calls.length; p++) calls[p] = new Gemm.Call().weights(w);
        acc = new float[Math.multiplyExact(maxRows, w.npad)];
    }

    @Override
    public void run(int users, int cands) {
        par.run(CpuSession.rows(op.out(), users, cands), body);
    }

    private void rows(int part, int from, int to) {
        int k = w.k, n = w.n;
        calls[part].a(f, inOff + from * k, k, to - from).c(acc, from * w.npad, w.npad).run();
        w.act.apply(acc, from * w.npad, w.npad, to - from, n, f, outOff + from * n, n, false);
    }
}
