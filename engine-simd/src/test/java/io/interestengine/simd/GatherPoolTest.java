package io.interestengine.simd;

import io.interestengine.BatchRequest;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.Session;
import io.interestengine.graph.EmbeddingOp;
import io.interestengine.graph.GraphLoader;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
import io.interestengine.testkit.ModelBuilder;
import io.interestengine.testkit.RandomRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.interestengine.testkit.ModelBuilder.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pooling fused with its history's gathers ({@link SimdGatherPool}) against the scalar backend, which
 * materialises the history: piece widths at and above the vector length, the last vector overlapping (and below
 * it, unfused: then the pieces are written into their concatenation in place), one embedding or a concatenation of two, sum and mean, masked (right and left padding) and not, on
 * ranking and batch requests with lengths from 0 to T. The fusion must apply to these graphs (checked), and not to
 * one whose history has a second reader: there the history's embeddings write into its concatenation directly
 * ({@link SimdConcat#writtenInPlace}), checked the same way.
 */
class GatherPoolTest {
    /** Widths: 16-lane overlap (18), whole vectors (16, 32), odd above (33); 5 and 7 are fused only where L ≤ 4. */
    private static final int[][] WIDTHS = {{18, 18}, {16, 5}, {33, 32}, {7}, {20}};

    @Test
    void fusedPoolingScoresAsTheScalarBackend(@TempDir Path dir) throws Exception {
        int n = 0;
        for (int[] widths : WIDTHS) {
            for (int T : new int[]{1, 9, 100}) {
                for (String mode : new String[]{"sum", "mean"}) {
                    for (int mask = 0; mask < 3; mask++) {
                        boolean masked = mask > 0, left = mask == 2;
                        Path p = model(widths, T, mode, masked, left, false, n++).write(dir.resolve("m" + n));
                        boolean fusable = java.util.Arrays.stream(widths).allMatch(w -> w >= Vec.L);
                        assertFused(p, fusable, "widths " + java.util.Arrays.toString(widths));
                        compare(p, "widths " + java.util.Arrays.toString(widths) + " T=" + T + " " + mode + " masked=" + masked
                                + " left=" + left);
                    }
                }
            }
        }
    }

    @Test
    void aHistoryWithAnotherReaderIsNotFused(@TempDir Path dir) throws Exception {
        Path p = model(new int[]{18, 18}, 9, "sum", true, false, true, 1).write(dir.resolve("m"));
        assertFused(p, false, "history also max-pooled");
        compare(p, "history also max-pooled");
    }

    private static void assertFused(Path p, boolean fused, String what) {
        try (Arena arena = Arena.ofConfined()) {
            ModelGraph g = GraphLoader.load(p, arena, false);
            List<String> absorbed = new ArrayList<>();
            for (Op op : g.ops()) if (SimdGatherPool.absorbed(g, op)) absorbed.add(op.out().name());
            if (fused) assertTrue(absorbed.contains("h0"), what + ": the history's gathers are fused, absorbed " + absorbed);
            else assertEquals(List.of(), absorbed, what);
            if (!fused) {
                // not fused, the history's pieces are gathered straight into their concatenation instead
                for (Op op : g.ops()) {
                    if (op instanceof EmbeddingOp e && e.out().name().startsWith("h")
                            && g.ops().stream().anyMatch(o -> o instanceof io.interestengine.graph.ConcatOp && o.inputs().contains(e.out()))) {
                        assertTrue(SimdConcat.writtenInPlace(g, e) != null, what + ": " + e.out().name() + " written in place");
                    }
                }
            }
        }
    }

    /**
     * The pooled history feeds a dense layer of Gaussian weights, so each column counts. Tolerance: pooled columns are
     * the same sums in the same order on both backends (bit-equal); the dense layers' sums of at most 140 products of
     * magnitude below 10 differ by reassociation, far below 1e-5 relative.
     */
    private static void compare(Path p, String what) {
        try (Model scalar = Model.load(p, LoadOptions.defaults().withBackend("scalar"));
             Model simd = Model.load(p, LoadOptions.defaults().withBackend("simd"));
             Session a = scalar.newSession(); Session b = simd.newSession()) {
            for (int len : new int[]{0, 1, 5, Integer.MAX_VALUE}) {
                RankingRequest rq = RandomRequests.ranking(scalar, 7, len, 31 + len);
                close(a.score(rq), b.score(RandomRequests.ranking(simd, 7, len, 31 + len)), what + " ranking len=" + len);
            }
            BatchRequest bq = RandomRequests.batch(scalar, 37, 5);
            close(a.score(bq), b.score(RandomRequests.batch(simd, 37, 5)), what + " batch");
        }
    }

    private static void close(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            float tol = 1e-5f + 1e-5f * Math.abs(want[i]);
            assertTrue(Math.abs(want[i] - got[i]) <= tol, what + ": score " + i + " is " + got[i] + ", scalar " + want[i]);
        }
    }

    /** One history embedding per width (tables of 40 rows), concatenated when more than one, pooled, then a dense layer. */
    private static ModelBuilder model(int[] widths, int T, String mode, boolean masked, boolean left, boolean secondReader, long seed) {
        ModelBuilder b = new ModelBuilder("gather_pool", seed);
        b.table("uid", 5, 4, 0.5).user("uid", "uid");
        b.table("ct", 30, 3, 0.5).candidate("cand", "ct");
        ModelBuilder.Sequence s = b.sequence("history", T).leftPadding(left);
        List<Object> pieces = new ArrayList<>();
        int W = 0;
        for (int k = 0; k < widths.length; k++) {
            b.table("t" + k, 40, widths[k], 0.5);
            s.field("f" + k, "t" + k);
            W += widths[k];
        }
        for (int k = 0; k < widths.length; k++) {
            b.op("embedding", "h" + k, "field", "f" + k);
            pieces.add("h" + k);
        }
        String hist = "h0";
        if (widths.length > 1) {
            b.op("concat", "hist", "in", pieces);
            hist = "hist";
        }
        b.op("embedding", "u", "field", "uid");
        b.op("embedding", "c", "field", "cand");
        b.op("pool", "pooled", "in", hist, "mode", mode, "masked", masked);
        List<Object> mlpIn = list("u", "c", "pooled");
        int in = 4 + 3 + W;
        if (secondReader) {
            b.op("max_pool", "mx", "in", hist);
            mlpIn.add("mx");
            in += W;
        }
        b.op("concat", "mlp_in", "in", mlpIn);
        b.op("dense", "logits", "in", "mlp_in", "weight", b.gaussian("fc.weight", 0.5, 1, in), "bias", b.gaussian("fc.bias", 0.1, 1));
        return b.output("in", "logits", "type", "sigmoid");
    }
}
