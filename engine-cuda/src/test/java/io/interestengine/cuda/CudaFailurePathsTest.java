package io.interestengine.cuda;

import io.interestengine.BackendUnavailableException;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.graph.Field;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Scope;
import io.interestengine.graph.SequenceGroup;
import io.interestengine.graph.Value;
import io.interestengine.internal.Internals;
import io.interestengine.spi.Bindings;
import io.interestengine.testkit.Presets;
import io.interestengine.spi.PlanLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CUDA failures on the load and close paths, on a fake driver: a failure while loading is a decline with the reason
 * (so auto falls back) and frees what was uploaded; closing a session after a fault still frees everything.
 */
class CudaFailurePathsTest {
    @TempDir
    Path tmp;

    private ModelGraph graph() {
        try (Model m = Model.load(Presets.tinyDin(1).write(tmp.resolve("m")), LoadOptions.defaults().withBackend("scalar"))) {
            return Internals.graph(m);
        }
    }

    /** Bindings of a layout whose row map starts at int {@code at} (all a session reads of them when it opens). */
    private static Bindings rowMapAt(ModelGraph g, int at) {
        return new Bindings() {
            public ModelGraph graph() {
                return g;
            }

            public int off(Value v) {
                return 0;
            }

            public int idsOff(Field f) {
                return 0;
            }

            public int lengthsOff(SequenceGroup s) {
                return 0;
            }

            public int rowMapOff() {
                return at;
            }

            public int maxRows(Scope s) {
                return s == Scope.USER ? 4 : 16;
            }
        };
    }

    private static CudaBackend backend(FakeDriver d, RuntimeException onOpen) {
        return new CudaBackend("fake-cuda", 30, new CudaBackend.DriverFactory() {
            @Override
            public String unavailableReason() {
                return null;
            }

            @Override
            public Driver open() {
                if (onOpen != null) throw onOpen;
                return d;
            }
        });
    }

    @Test
    void driverTooOldForThePtxIsADecline() {
        CudaModuleException ptx = new CudaModuleException(
                "cuModuleLoadData(attention.ptx): CUDA_ERROR_UNSUPPORTED_PTX_VERSION", 222);
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> backend(new FakeDriver(),
                ptx).load(graph(), LoadOptions.defaults()));
        assertTrue(e.getMessage().contains("UNSUPPORTED_PTX_VERSION") && e.getMessage().contains("simd"),
                e.getMessage());
    }

    @Test
    void outOfMemoryWhileUploadingIsADeclineAndFreesTheUpload() {
        FakeDriver d = new FakeDriver();
        d.allocsBeforeOom = 4;
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> backend(d,
                null).load(graph(), LoadOptions.defaults()));
        assertTrue(e.getMessage().contains("OUT_OF_MEMORY") && e.getMessage().contains("tiny_din"), e.getMessage());
        assertTrue(d.liveMem.isEmpty(), "the partial upload is freed: " + d.liveMem.size() + " buffers live");
        assertTrue(d.closed, "the context is released");
    }

    @Test
    void sessionCloseAfterAFaultFreesEverything() {
        FakeDriver d = new FakeDriver();
        CudaDeviceModel dm = (CudaDeviceModel) backend(d, null).load(graph(), LoadOptions.defaults());
        int weights = d.liveMem.size();
        CudaSession s = new CudaSession(dm, new PlanLayout(dm.graph, 1000, 100, 100, 4, 16, rowMapAt(dm.graph, 84)));
        s.scratch(64, "scratch of a step");
        d.faultOnSync = true;
        CudaKernelException e = assertThrows(CudaKernelException.class, s::close);
        assertTrue(e.getMessage().contains("ILLEGAL_ADDRESS"), e.getMessage());
        assertEquals(weights, d.liveMem.size(), "workspace and scratch freed despite the fault");
        assertTrue(d.liveHost.isEmpty(), "staging freed");
        assertTrue(d.liveStreams.isEmpty(), "stream destroyed");
        d.faultOnSync = false;
        dm.close();
        assertTrue(d.liveMem.isEmpty());
    }
}
