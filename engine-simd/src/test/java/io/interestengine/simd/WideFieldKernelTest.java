package io.interestengine.simd;

import io.interestengine.graph.InnerProductOp;
import io.interestengine.graph.Op;
import io.interestengine.graph.OuterProductOp;
import io.interestengine.graph.Scope;
import io.interestengine.graph.SelfAttentionOp;
import io.interestengine.graph.Value;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The paths of the pair and self-attention kernels that {@link FamilyOpsTest}'s 2, 3 and 7 fields do not reach:
 * 13 and 26 fields (the pair kernels' blocks of four by four fields, more queries than lanes at every width), and for
 * the pair kernels 4 and 9 (with 7, 13 and 26 every way a block of four fields ends: no j left past the blocks of
 * four, or one, two, three; zero to three fields past the last block of four), with
 * the user fields in a run at the front (whole blocks of user pairs, reused from a ranking request's first block of
 * rows) or spread out, on a ranking request over 37 rows (two blocks and a tail at 512 bits), a batch and two users.
 * SIMD against the scalar kernel, which {@link FamilyOpsTest} checks against the formulas. Tolerance as there
 * (1e-4 + 1e-4·|x|): inputs N(0, 1), weights N(0, 1/fan-in), sums of at most a few hundred O(1) terms reordered in
 * fp32 differ by far less; a wrong pair or a stale reused block is off by O(1). And the transpose behind both, exact.
 */
class WideFieldKernelTest {
    private static final Arenas.Tol TOL = Arenas.rel(1e-4, 1e-4);

    /** Users, candidates, row map. */
    private record Shape(String name, int users, int cands, int[] rowMap) {
    }

    private static final Shape[] SHAPES = {
            new Shape("ranking 37", 1, 37, new int[37]),
            new Shape("batch 37", 37, 37, identity(37)),
            new Shape("two users 21", 2, 21, alternate(21)),
    };

    private static int[] identity(int n) {
        int[] m = new int[n];
        for (int r = 0; r < n; r++) m[r] = r;
        return m;
    }

    private static int[] alternate(int n) {
        int[] m = new int[n];
        for (int r = 0; r < n; r++) m[r] = (r / 3) % 2;
        return m;
    }

    /** F fields of width k: the first {@code front} user scope, then every third one too when {@code spread}. */
    private static List<Value> fields(int F, int k, int front, boolean spread) {
        List<Value> v = new ArrayList<>();
        for (int i = 0; i < F; i++) {
            boolean user = i < front || spread && i % 3 == 2;
            v.add(Value.vector("x" + i, user ? Scope.USER : Scope.CANDIDATE, k));
        }
        return v;
    }

    private static float[] rnd(Random r, double std, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * std);
        return a;
    }

    /** Binds op on both sessions at the same offsets, runs both, compares the whole arena. */
    private static void check(String what, Op op, Shape s, long seed) {
        List<Value> in = op.inputs();
        int[] offs = FamilyOpsTest.inputOffsets(op, s.users(), s.cands());
        int outOff = offs[in.size()] + 1, floats = outOff + s.cands * op.out().width() + 5;
        try (Arenas a = new Arenas(0, false, floats, s.rowMap.length + 2, s.users, s.cands, seed, 1, op)) {
            a.ints(1, s.rowMap);
            for (var ds : new io.interestengine.spi.DeviceSession[]{a.scalar, a.simd}) {
                Arenas.At at = a.new At().v(op.out(), outOff).rowMap(1);
                for (int i = 0; i < in.size(); i++) at.v(in.get(i), offs[i]);
                var step = ds.bind(op, at);
                // twice: a second request on the same step must not see the first one's reused blocks
                step.run(s.users, s.cands);
                step.run(s.users, s.cands);
            }
            a.assertClose(what + " (" + s.name + ")", TOL);
        }
    }

    @Test
    void pairKernelsOnManyFields() {
        Random r = new Random(11);
        for (Shape s : SHAPES) {
            for (int F : new int[]{4, 9, 13, 26}) {
                for (int k : new int[]{3, 10, 17}) {
                    for (boolean spread : new boolean[]{false, true}) {
                        List<Value> in = fields(F, k, F / 2, spread);
                        int P = F * (F - 1) / 2;
                        String c = " F=" + F + " k=" + k + (spread ? " spread" : " front");
                        check("inner_product" + c, new InnerProductOp(Value.vector("y", Scope.CANDIDATE, P), in, true), s,
                                r.nextLong());
                        for (OuterProductOp.KernelType t : OuterProductOp.KernelType.values()) {
                            float[] K = rnd(r, 1 / Math.sqrt(k), switch (t) {
                                case MAT -> k * P * k;
                                case VEC -> P * k;
                                case NUM -> P;
                            });
                            check("outer_product " + t + c, new OuterProductOp(Value.vector("y", Scope.CANDIDATE, P), in,
                                    t, K), s, r.nextLong());
                        }
                    }
                }
            }
        }
    }

    @Test
    void selfAttentionOnManyFields() {
        Random r = new Random(12);
        for (Shape s : SHAPES) {
            for (int F : new int[]{13, 26}) {
                for (int[] dh : new int[][]{{16, 2}, {24, 3}, {5, 1}}) {
                    int d = dh[0], heads = dh[1];
                    List<SelfAttentionOp.Weights> w = new ArrayList<>();
                    double std = 1 / Math.sqrt(d);
                    for (int l = 0; l < 2; l++) {
                        w.add(new SelfAttentionOp.Weights(rnd(r, std, d * d), rnd(r, std, d * d), rnd(r, std, d * d),
                                l == 0 ? rnd(r, std, d * d) : null));
                    }
                    for (boolean scaling : new boolean[]{false, true}) {
                        SelfAttentionOp op = new SelfAttentionOp(Value.vector("y", Scope.CANDIDATE, F * d),
                                fields(F, d, F / 2, false), heads, scaling, w);
                        check("self_attention F=" + F + " d=" + d + " heads=" + heads + " scaling=" + scaling, op, s,
                                r.nextLong());
                    }
                }
            }
        }
    }

    /** Every combination of loaded lanes, stored vectors and stored lanes, against the definition, exactly. */
    @Test
    void transposeMovesEachFloatToItsPlace() {
        int L = Vec.L, stride = 3 * L + 1;
        float[] a = new float[L * stride + L], scratch = new float[L * L];
        for (int j = 0; j < a.length; j++) a[j] = j + 0.5f;
        int[] aOff = new int[L + 2], bOff = new int[L + 2];
        for (int i = 0; i < aOff.length; i++) {
            aOff[i] = (aOff.length - 1 - i) * stride % (L * stride);
            bOff[i] = i * stride;
        }
        for (int aLanes = 1; aLanes <= L; aLanes++) {
            for (int bCount = 1; bCount <= L; bCount++) {
                for (int bLanes = 1; bLanes <= L; bLanes++) {
                    float[] b = new float[L * stride + 2 * L];
                    java.util.Arrays.fill(b, -1f);
                    Transpose.block(a, 1, aOff, 2, aLanes, b, 3, bOff, 1, bCount, bLanes, scratch);
                    float[] e = new float[b.length];
                    java.util.Arrays.fill(e, -1f);
                    for (int j = 0; j < bCount; j++) {
                        for (int i = 0; i < bLanes; i++) e[3 + bOff[1 + j] + i] = j < aLanes ? a[1 + aOff[2 + i] + j] : 0f;
                    }
                    for (int q = 0; q < b.length; q++) {
                        assertEquals(e[q], b[q], "aLanes " + aLanes + " bCount " + bCount + " bLanes " + bLanes
                                + " at " + q + " [" + Vec.bits() + "-bit vectors]");
                    }
                }
            }
        }
    }
}
