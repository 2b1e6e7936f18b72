package io.interestengine;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.AttentionOp;
import io.interestengine.graph.BinaryOp;
import io.interestengine.graph.ConcatOp;
import io.interestengine.graph.DenseOp;
import io.interestengine.graph.EmbeddingOp;
import io.interestengine.graph.GraphLoader;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Ops;
import io.interestengine.graph.PoolOp;
import io.interestengine.internal.Internals;
import io.interestengine.scalar.ScalarBackend;
import io.interestengine.scalar.ScalarKernels;
import io.interestengine.spi.Backend;
import io.interestengine.spi.DeviceModel;
import io.interestengine.spi.KernelTable;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backend choice through the kernel tables: a backend that lacks an op of the model is skipped by auto with the
 * op named in the report, and refused when forced, with the same reason.
 */
class KernelRegistryTest {
    /** A CPU backend with the reference kernels of the DIN family only: no max_pool, no recurrent ops. */
    static final class Partial implements Backend {
        static final KernelTable<Object, CpuSession> TABLE = KernelTable.<Object, CpuSession>builder("partial")
                .add(EmbeddingOp.class, ScalarKernels.EMBEDDING).add(ConcatOp.class, ScalarKernels.CONCAT)
                .add(BinaryOp.class, ScalarKernels.BINARY).add(PoolOp.class, ScalarKernels.POOL).add(DenseOp.class, ScalarKernels.DENSE)
                .add(AttentionOp.class, ScalarKernels.ATTENTION).build();

        @Override
        public String name() {
            return "partial";
        }

        @Override
        public int rank() {
            return 5;
        }

        @Override
        public void probe() {
        }

        @Override
        public String unsupported(ModelGraph graph) {
            return TABLE.unsupported(graph);
        }

        @Override
        public DeviceModel load(ModelGraph graph, LoadOptions options) {
            return layout -> new CpuSession(layout) {
                @Override
                protected KernelTable<?, ? super CpuSession> kernels() {
                    return TABLE;
                }
            };
        }
    }

    private static final List<Backend> BACKENDS = List.of(new Partial(), new ScalarBackend());

    @Test
    void autoSkipsABackendWithoutAKernelAndNamesTheOp() {
        Path dir = SequenceGroupsTest.fixtures().resolve("deepctr/din_id_masked_max");
        try (Arena arena = Arena.ofConfined()) {
            ModelGraph g = GraphLoader.load(dir, arena, false);
            Backends.Selection s = Backends.select("auto", g, LoadOptions.defaults(), BACKENDS);
            assertEquals("scalar", s.backend().name());
            assertTrue(s.report().contains("partial rejected: no kernel for op 'max_pool'"), s.report());
            s.model().close();
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> Backends.select("partial", g, LoadOptions.defaults(), BACKENDS));
            assertTrue(e.getMessage().startsWith("partial: no kernel for op 'max_pool'"), e.getMessage());
        }
    }

    @Test
    void aBackendWithEveryKernelRunsAndScoresAsTheReference() {
        Path dir = SequenceGroupsTest.fixtures().resolve("golden/mouna99_din");
        try (Arena arena = Arena.ofConfined()) {
            ModelGraph g = GraphLoader.load(dir, arena, false);
            assertNull(new Partial().unsupported(g));
            Backends.Selection s = Backends.select("auto", g, LoadOptions.defaults(), BACKENDS);
            assertEquals("partial", s.backend().name());
            s.model().close();
        }
    }

    /** Every op kind the loader reads is implemented by the reference backend (a forgotten registration fails here). */
    @Test
    void everyRegisteredOpKindHasAReferenceKernel() {
        try (Model m = Model.load(SequenceGroupsTest.fixtures().resolve("deepctr/din_id_masked_max"), LoadOptions.defaults().withBackend("scalar"))) {
            assertNull(ScalarKernels.TABLE.unsupported(Internals.graph(m)));
        }
        assertEquals(ScalarKernels.TABLE.kinds().size(), Ops.kinds().size() - 1 - 1 - 1,
                "kernel classes vs kinds (mul/add share BinaryOp, fm/bi_interaction FmOp; dense_input is staged): " + ScalarKernels.TABLE.kinds() + " vs " + Ops.kinds());
    }

    /**
     * Every weight array an op holds is reported by {@link io.interestengine.graph.Op#forEachWeight}: the load-time
     * check of folded weights and the blame of an overflow read them there (an op that forgot its arrays made a
     * fuzzed DCN with huge cross kernels blame the request). Checked by reflection over the records of every op
     * of the family fixtures and bundled models.
     */
    @Test
    void everyOpReportsEveryWeightArray() throws Exception {
        Path fx = SequenceGroupsTest.fixtures();
        List<Path> dirs = new java.util.ArrayList<>();
        for (String d : List.of("deepctr/dcn_matrix_2", "deepctr/dcnmix_2x3r4", "deepctr/pnn_outer_mat", "deepctr/afm_attention",
                "deepctr/xdeepfm_cin_prelu", "deepctr/autoint_3x2_res", "golden/deep_crossing", "golden/mimn_miu_reg_mask",
                "golden/dien_torch_augru", "golden/mouna99_din")) {
            dirs.add(fx.resolve(d));
        }
        int checked = 0;
        for (Path dir : dirs) {
            try (Model m = Model.load(dir, LoadOptions.defaults().withBackend("scalar"))) {
                for (io.interestengine.graph.Op op : Internals.graph(m).ops()) {
                    java.util.Set<float[]> reported = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
                    op.forEachWeight((at, a) -> reported.add(a));
                    for (float[] a : arrays(op)) {
                        assertTrue(reported.contains(a), op.kind() + " '" + op.out().name() + "' of " + dir.getFileName()
                                + " holds a weight array of " + a.length + " floats that forEachWeight does not report");
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 50, "only " + checked + " arrays checked");
    }

    /** The float arrays reachable from a record's components (through records and lists), activations included. */
    private static List<float[]> arrays(Object o) throws Exception {
        List<float[]> out = new java.util.ArrayList<>();
        if (o instanceof float[] a) {
            out.add(a);
        } else if (o instanceof List<?> l) {
            for (Object e : l) out.addAll(arrays(e));
        } else if (o != null && o.getClass().isRecord() && !(o instanceof io.interestengine.graph.Value)) {
            for (var c : o.getClass().getRecordComponents()) {
                Object v = c.getAccessor().invoke(o);
                if (v instanceof io.interestengine.graph.Op) continue;   // a reference to another op (mimn_read's mimn)
                out.addAll(arrays(v));
            }
        }
        return out;
    }
}
