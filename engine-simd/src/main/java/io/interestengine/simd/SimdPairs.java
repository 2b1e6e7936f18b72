package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.OuterProductOp;
import io.interestengine.graph.Value;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * PNN's reduced inner product and its outer product (kernel mat, vec or num), one value per field pair, with
 * vectors across L rows: a block's fields are gathered channel-major ({@code xt[i][c][row]}; a user field broadcast
 * when the request has one user), every pair is then k full-width FMAs (k² for mat) whatever k is, and the block's
 * {@code [pair][row]} results are gathered back into the rows' {@code [pair]} outputs. Per-pair sums run over the
 * channels in the reference's order.
 */
final class SimdPairs implements Step {
    private enum Kind { INNER, MAT, VEC, NUM }

    private final FieldRows x;
    private final Kind kind;
    private final Value out;
    private final float[] f, kernel, xt, t;
    private final int[] ints, strideK, strideL, umap, tailK;
    private final int P, k, F, outOff;

    /**
     * @param type the outer product's kernel type, or null for the reduced inner product
     * @param kernel the outer product's kernel ({@link SimdInteraction#outerKernel}: mat pair-major {@code [P][a][c]})
     */
    SimdPairs(Value out, java.util.List<Value> in, OuterProductOp.KernelType type, float[] kernel, float[] f,
              int[] ints, Bindings b) {
        this.out = out;
        this.f = f;
        this.ints = ints;
        this.kernel = kernel;
        kind = type == null ? Kind.INNER : switch (type) {
            case MAT -> Kind.MAT;
            case VEC -> Kind.VEC;
            case NUM -> Kind.NUM;
        };
        x = new FieldRows(out, in, b);
        F = x.F;
        k = x.k;
        P = x.pi.length;
        outOff = b.off(out);
        xt = new float[F * k * L];
        // a vector of pairs past the last, for the gathers of the last output vector
        t = new float[(P + L) * L];
        strideK = RowSums.strides(k);
        strideL = RowSums.strides(L);
        umap = new int[L];
        tailK = new int[L];
    }

    @Override
    public void run(int users, int cands) {
        int rows = CpuSession.rows(out, users, cands);
        for (int r0 = 0; r0 < rows; r0 += L) {
            int n = Math.min(L, rows - r0);
            transpose(r0, n, users);
            pairs();
            for (int l = 0; l < n; l++) {
                int o = outOff + (r0 + l) * P;
                for (int q = 0; q < P; q += L) {
                    FloatVector v = FloatVector.fromArray(S, t, q * L + l, strideL, 0);
                    if (q + L <= P) v.intoArray(f, o + q);
                    else v.intoArray(f, o + q, S.indexInRange(q, P));
                }
            }
        }
    }

    /** {@code xt[(i·k + c)·L + l]} = field i, channel c of row r0 + l (lanes from n on: row 0's, never stored). */
    private void transpose(int r0, int n, int users) {
        // No masks: the last block's lanes past its rows read row 0 (valid memory; their results are never stored),
        // and a masked gather is not intrinsified at every width (128 bits boxes it).
        boolean mapped = false;
        for (int i = 0; i < F; i++) {
            int dst = i * k * L;
            if (!x.user[i] || !x.candOut) {
                int base = x.off[i] + r0 * k;
                int[] map = n == L ? strideK : tailK;
                if (n < L) for (int l = 0; l < L; l++) tailK[l] = l < n ? l * k : -r0 * k;
                for (int c = 0; c < k; c++) FloatVector.fromArray(S, f, base + c, map, 0).intoArray(xt, dst + c * L);
            } else if (users == 1) {
                for (int c = 0; c < k; c++) FloatVector.broadcast(S, f[x.off[i] + c]).intoArray(xt, dst + c * L);
            } else {
                if (!mapped) {
                    for (int l = 0; l < L; l++) umap[l] = l < n ? ints[x.rowMapOff + r0 + l] * k : 0;
                    mapped = true;
                }
                for (int c = 0; c < k; c++) {
                    FloatVector.fromArray(S, f, x.off[i] + c, umap, 0).intoArray(xt, dst + c * L);
                }
            }
        }
    }

    /**
     * The plain dot products (inner, num) four pairs (i, j..j+3) at a time: field i's channel loaded once for four
     * FMAs, four independent chains.
     */
    private void dots() {
        int kl = k * L, p = 0;
        for (int i = 0; i < F; i++) {
            int a = i * kl, j = i + 1;
            for (; j + 4 <= F; j += 4, p += 4) {
                int b0 = j * kl, b1 = b0 + kl, b2 = b1 + kl, b3 = b2 + kl;
                FloatVector xi = FloatVector.fromArray(S, xt, a);
                FloatVector c0 = xi.mul(FloatVector.fromArray(S, xt, b0));
                FloatVector c1 = xi.mul(FloatVector.fromArray(S, xt, b1));
                FloatVector c2 = xi.mul(FloatVector.fromArray(S, xt, b2));
                FloatVector c3 = xi.mul(FloatVector.fromArray(S, xt, b3));
                for (int c = 1; c < k; c++) {
                    int o = c * L;
                    xi = FloatVector.fromArray(S, xt, a + o);
                    c0 = xi.fma(FloatVector.fromArray(S, xt, b0 + o), c0);
                    c1 = xi.fma(FloatVector.fromArray(S, xt, b1 + o), c1);
                    c2 = xi.fma(FloatVector.fromArray(S, xt, b2 + o), c2);
                    c3 = xi.fma(FloatVector.fromArray(S, xt, b3 + o), c3);
                }
                if (kind == Kind.NUM) {
                    c0 = c0.mul(kernel[p]);
                    c1 = c1.mul(kernel[p + 1]);
                    c2 = c2.mul(kernel[p + 2]);
                    c3 = c3.mul(kernel[p + 3]);
                }
                c0.intoArray(t, p * L);
                c1.intoArray(t, (p + 1) * L);
                c2.intoArray(t, (p + 2) * L);
                c3.intoArray(t, (p + 3) * L);
            }
            for (; j < F; j++, p++) {
                int b = j * kl;
                FloatVector acc = FloatVector.fromArray(S, xt, a).mul(FloatVector.fromArray(S, xt, b));
                for (int c = 1; c < k; c++) {
                    acc = FloatVector.fromArray(S, xt, a + c * L).fma(FloatVector.fromArray(S, xt, b + c * L), acc);
                }
                if (kind == Kind.NUM) acc = acc.mul(kernel[p]);
                acc.intoArray(t, p * L);
            }
        }
    }

    /** {@code t[p·L + l]}: pair p of row r0 + l (vec and mat). */
    private void pairs() {
        if (kind == Kind.INNER || kind == Kind.NUM) {
            dots();
            return;
        }
        int kl = k * L;
        for (int p = 0; p < P; p++) {
            int a = x.pi[p] * kl, b = x.pj[p] * kl;
            FloatVector acc;
            switch (kind) {
                case VEC -> {
                    acc = FloatVector.zero(S);
                    for (int c = 0; c < k; c++) {
                        int o = c * L;
                        FloatVector pq = FloatVector.fromArray(S, xt, a + o).mul(FloatVector.fromArray(S, xt, b + o));
                        acc = pq.fma(FloatVector.broadcast(S, kernel[p * k + c]), acc);
                    }
                }
                default -> {
                    // Σ_a q_a · Σ_c K[p][a][c]·p_c, p the pair's first field and q its second
                    acc = FloatVector.zero(S);
                    for (int e = 0; e < k; e++) {
                        int kw = (p * k + e) * k;
                        FloatVector s = FloatVector.fromArray(S, xt, a).mul(kernel[kw]);
                        for (int c = 1; c < k; c++) {
                            s = FloatVector.fromArray(S, xt, a + c * L).fma(FloatVector.broadcast(S, kernel[kw + c]),
                                    s);
                        }
                        acc = s.fma(FloatVector.fromArray(S, xt, b + e * L), acc);
                    }
                }
            }
            acc.intoArray(t, p * L);
        }
    }
}
