package io.interestengine.cuda;

import io.interestengine.BatchRequest;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.Session;
import io.interestengine.testkit.Presets;
import io.interestengine.testkit.RandomRequests;
import io.interestengine.testkit.TableForms;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The CUDA backend widens F16, BF16 and I8 tables to fp32 at upload: a model with compact tables scores exactly like
 * its twin whose F32 tables hold the widened values (the same kernels then run on the same device values), on the
 * CPU emulation of the kernels; copied and memory-mapped tables.
 */
class CompactTableCudaTest {
    @TempDir
    static Path tmp;

    @BeforeAll
    static void build() throws Exception {
        EmulatedBackendTest.build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"F16", "BF16", "I8"})
    void compactTablesScoreAsWidened(String form) {
        String why = new EmulatedCudaBackend().unavailableReasonForTests();
        Assumptions.assumeTrue(why == null, () -> "CUDA emulation skipped: " + why);
        Path src = Presets.mouna99(Presets.smallSpec(true), 3).write(tmp.resolve("din_" + form));
        Path compact = tmp.resolve("din_" + form + "_compact"), wide = tmp.resolve("din_" + form + "_wide");
        TableForms.rewrite(src, compact, form, false);
        TableForms.rewrite(src, wide, form, true);
        for (boolean mmap : new boolean[]{false, true}) {
            LoadOptions o = LoadOptions.defaults().withBackend("cuda-emu").withMmapTables(mmap);
            try (Model mc = Model.load(compact, o); Model mw = Model.load(wide, o); Session sc = mc.newSession(); Session sw = mw.newSession()) {
                RankingRequest rc = RandomRequests.ranking(mc, 7, 5, 1), rw = RandomRequests.ranking(mw, 7, 5, 1);
                BatchRequest bc = RandomRequests.batch(mc, 5, 2), bw = RandomRequests.batch(mw, 5, 2);
                assertArrayEquals(sw.score(rw), sc.score(rc), form + " ranking" + (mmap ? " mapped" : ""));
                assertArrayEquals(sw.score(bw), sc.score(bc), form + " batch" + (mmap ? " mapped" : ""));
            }
        }
    }
}
