package io.interestengine.simd;

import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RequestJson;
import io.interestengine.Session;
import io.interestengine.UserState;
import io.interestengine.testkit.GoldenCases;
import io.interestengine.testkit.Presets;
import io.interestengine.testkit.RandomRequests;
import io.interestengine.testkit.TableForms;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models with F16, BF16 and I8 tables score exactly like the same model whose F32 tables hold the values the compact
 * form decodes to (widening is exact, and the I8 value is one fp32 product in both): a score that differs in any bit
 * means a gather converted a value differently. Covered: the golden DIN (6-wide rows), DIEN and MIMN with their user
 * states (the state path gathers too), DeepFM/WDL whose linear part reads 1-wide tables, and a DIN of the standard
 * 18-wide rows; on the scalar and SIMD backends, tables copied and memory-mapped. The pom runs it at 128-, 256- and
 * 512-bit vectors.
 */
class CompactTableModelTest {
    @TempDir
    static Path tmp;

    static Stream<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        List<Path> dirs = List.of(GoldenCases.goldenDir().resolve("mouna99_din"), GoldenCases.goldenDir().resolve("dien_mouna99_augru"),
                GoldenCases.goldenDir().resolve("mimn_miu_reg_mask"), GoldenCases.deepCtrDir().resolve("deepfm_varlen_dense"),
                GoldenCases.deepCtrDir().resolve("wdl_linear_only_regression"));
        for (Path d : dirs) for (String t : List.of("F16", "BF16", "I8")) a.add(Arguments.of(d, t));
        return a.stream();
    }

    /** A small DIN (T = 17) of the standard 18-wide rows: whole and overlapped vectors at every width. */
    static Presets.Mouna99 din18() {
        return new Presets.Mouna99("din_18", true, 17, 18, 300, 500, 40, new int[]{16, 8}, new int[]{32, 13}, false, 1.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"F16", "BF16", "I8"})
    void wideRowsScoreAsWidened(String type) {
        Path src = Presets.mouna99(din18(), 7).write(tmp.resolve("din18-" + type));
        Path compact = tmp.resolve("din18-" + type + "-compact"), wide = tmp.resolve("din18-" + type + "-wide");
        TableForms.rewrite(src, compact, type, false);
        TableForms.rewrite(src, wide, type, true);
        for (String backend : List.of("scalar", "simd")) {
            for (boolean mmap : List.of(false, true)) {
                LoadOptions o = LoadOptions.defaults().withBackend(backend).withMmapTables(mmap);
                try (Model mc = Model.load(compact, o); Model mw = Model.load(wide, o);
                     Session sc = mc.newSession(); Session sw = mw.newSession()) {
                    String at = "din18 " + type + " on " + backend + (mmap ? " mapped" : "");
                    assertArrayEquals(sw.score(RandomRequests.ranking(mw, 40, 11, 3)), sc.score(RandomRequests.ranking(mc, 40, 11, 3)), at);
                    assertArrayEquals(sw.score(RandomRequests.batch(mw, 24, 4)), sc.score(RandomRequests.batch(mc, 24, 4)), at);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void compactScoresEqualWidened(Path src, String type) {
        String name = src.getFileName() + "-" + type;
        Path compact = tmp.resolve(name), wide = tmp.resolve(name + "-wide");
        TableForms.rewrite(src, compact, type, false);
        TableForms.rewrite(src, wide, type, true);
        // the tables were rewritten: every table of the compact model is stored in the form under test
        try (Model m = Model.load(compact, LoadOptions.defaults().withBackend("scalar"))) {
            for (var t : io.interestengine.internal.Internals.graph(m).tables().values()) {
                assertEquals(type, t.type().name(), name + " table " + t.name());
            }
        }
        List<GoldenCases.Case> cases = GoldenCases.read(src);
        assertTrue(cases.size() > 0, src + " has no cases");
        for (String backend : List.of("scalar", "simd")) {
            for (boolean mmap : List.of(false, true)) {
                LoadOptions o = LoadOptions.defaults().withBackend(backend).withMmapTables(mmap);
                try (Model mc = Model.load(compact, o); Model mw = Model.load(wide, o);
                     Session sc = mc.newSession(); Session sw = mw.newSession()) {
                    String at = name + " on " + backend + (mmap ? " mapped" : "");
                    for (GoldenCases.Case c : cases) {
                        RequestJson.Parsed pc = RequestJson.parse(mc, c.request()), pw = RequestJson.parse(mw, c.request());
                        assertArrayEquals(RequestJson.score(sw, pw), RequestJson.score(sc, pc), at + " line " + c.line());
                        if (mc.info().stateSequence() != null && pc.ranking() != null) {
                            UserState uc = sc.buildState(pc.ranking()), uw = sw.buildState(pw.ranking());
                            assertArrayEquals(sw.score(uw, pw.ranking()), sc.score(uc, pc.ranking()), at + " state line " + c.line());
                        }
                    }
                }
            }
        }
    }
}
