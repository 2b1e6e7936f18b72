package io.interestengine.simd;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.CinOp;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static io.interestengine.simd.Vec.L;
import static io.interestengine.simd.Vec.S;

/**
 * CIN channel-major: per row the k channels are the GEMM's rows, so each layer's 1×1 convolution is a dense layer
 * {@code Zᵀ [k, h·m] · Wᵀ} (packed like any dense layer, bias and activation per output column) and the outer
 * products {@code Zᵀ[c][a·m + j] = Xᵀ[c][a]·X0ᵀ[c][j]} are vectors across j. The output sums over the channels,
 * vectors across the kept columns. No user split: every layer mixes the fields from the first.
 */
final class SimdCin implements Step {
    private final CinOp op;
    private final Packed[] w;
    private final FieldRows x;
    private final float[] f, x0, z, y0, y1;
    private final int[] ints;
    private final int outOff, ypad;
    private final Gemm.Call call = new Gemm.Call();

    static Packed[] prepare(CinOp op) {
        Packed[] p = new Packed[op.layers().size()];
        for (int i = 0; i < p.length; i++) p[i] = Packed.of(op.layers().get(i));
        return p;
    }

    SimdCin(CinOp op, Packed[] w, float[] f, int[] ints, Bindings b) {
        this.op = op;
        this.w = w;
        this.f = f;
        this.ints = ints;
        x = new FieldRows(op.out(), op.in(), b);
        outOff = b.off(op.out());
        int m = x.F, k = x.k, widest = 0, hm = 0;
        for (int i = 0; i < w.length; i++) {
            widest = Math.max(widest, w[i].npad);
            hm = Math.max(hm, w[i].k);
        }
        ypad = widest;
        x0 = new float[k * m];
        z = new float[k * hm];
        y0 = new float[k * ypad];
        y1 = new float[k * ypad];
    }

    @Override
    public void run(int users, int cands) {
        int rows = CpuSession.rows(op.out(), users, cands), m = x.F, k = x.k, width = op.out().width();
        for (int r = 0; r < rows; r++) {
            int u = x.userRow(ints, r);
            for (int j = 0; j < m; j++) {
                int a = x.at(j, r, u);
                for (int c = 0; c < k; c++) x0[c * m + j] = f[a + c];
            }
            float[] hid = x0, y = y0;
            int h = m, ldh = m, col = outOff + r * width;
            for (int i = 0; i < w.length; i++) {
                Packed p = w[i];
                int hm = h * m;
                for (int c = 0; c < k; c++) {
                    for (int a = 0; a < h; a++) {
                        FloatVector xa = FloatVector.broadcast(S, hid[c * ldh + a]);
                        int zo = c * hm + a * m, xo = c * m;
                        for (int j = 0; j < m; j += L) {
                            if (j + L <= m) {
                                FloatVector.fromArray(S, x0, xo + j).mul(xa).intoArray(z, zo + j);
                            } else {
                                VectorMask<Float> mk = S.indexInRange(j, m);
                                FloatVector.fromArray(S, x0, xo + j, mk).mul(xa).intoArray(z, zo + j, mk);
                            }
                        }
                    }
                }
                call.weights(p).a(z, 0, hm, k).c(y, 0, ypad).run();
                p.act.apply(y, 0, ypad, k, p.n, y, 0, ypad, true);
                int from = op.directFrom(i), n = p.n;
                for (int o = from; o < n; o += L) {
                    VectorMask<Float> mk = S.indexInRange(o, n);
                    FloatVector acc = FloatVector.zero(S);
                    for (int c = 0; c < k; c++) acc = acc.add(FloatVector.fromArray(S, y, c * ypad + o, mk));
                    acc.intoArray(f, col + o - from, mk);
                }
                col += n - from;
                h = op.hidden(i);
                hid = y;
                ldh = ypad;
                y = y == y0 ? y1 : y0;
            }
        }
    }

}
