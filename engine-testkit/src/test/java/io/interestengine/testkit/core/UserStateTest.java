package io.interestengine.testkit.core;

import io.interestengine.InvalidRequestException;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.NumericException;
import io.interestengine.RankingRequest;
import io.interestengine.RequestJson;
import io.interestengine.Session;
import io.interestengine.UserState;
import io.interestengine.graph.Field;
import io.interestengine.graph.StatefulOp;
import io.interestengine.graph.Value;
import io.interestengine.internal.Internals;
import io.interestengine.json.Json;
import io.interestengine.json.Node;
import io.interestengine.testkit.GoldenCases;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The user interest state API over every DIEN and MIMN golden model: a state built from the full history
 * scores like the request itself (and like the golden), a state advanced event by event equals the one built
 * from the full history, serialisation round-trips and is tied to its model, and the overflow policies.
 */
class UserStateTest {
    private static List<Path> seqModels() {
        return GoldenCases.caseDirs().stream()
                .filter(d -> d.getFileName().toString().startsWith("dien_") || d.getFileName().toString().startsWith("mimn_")).toList();
    }

    /** The golden ranking requests of one model (batch lines skipped). */
    /** The values a user state holds: the outputs of the ops that keep per-user state. */
    private static List<String> statefulValues(Model m) {
        List<String> names = Internals.graph(m).ops().stream()
                .filter(op -> op instanceof StatefulOp s && s.holdsUserState())
                .flatMap(op -> op.outputs().stream()).map(Value::name).toList();
        assertFalse(names.isEmpty(), m.info().name() + " holds no user state");
        return names;
    }

    private static List<GoldenCases.Case> rankingCases(Path dir) {
        return GoldenCases.read(dir).stream().filter(c -> !c.request().startsWith("{\"batch\"")).toList();
    }

    private static List<Field> historyFields(Model m) {
        return io.interestengine.internal.Internals.graph(m).fields(Field.Group.HISTORY).stream().filter(f -> !f.isDerived()).toList();
    }

    /** The events of a JSON request's history, one int[] per event (ids in history-field order). */
    private static List<int[]> events(Model m, String request) {
        Node h = new Node(Json.parse(request), "", IllegalStateException::new).get("history");
        List<Field> hf = historyFields(m);
        int len = h.get(hf.get(0).name()).list().size();
        List<int[]> ev = new ArrayList<>();
        for (int t = 0; t < len; t++) {
            int[] e = new int[hf.size()];
            for (int k = 0; k < e.length; k++) e[k] = (int) h.get(hf.get(k).name()).list().get(t).integer();
            ev.add(e);
        }
        return ev;
    }

    @TestFactory
    List<DynamicTest> stateScoresEqualRequestScores() {
        return seqModels().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
            try (Model m = Model.load(dir, LoadOptions.defaults().withBackend("scalar")); Session s = m.newSession()) {
                for (GoldenCases.Case c : rankingCases(dir)) {
                    RankingRequest req = RequestJson.parse(m, c.request()).ranking();
                    float[] direct = s.score(req);
                    UserState built = s.buildState(req);
                    float[] fromState = s.score(built, req);
                    // Same kernels on the same inputs in the same order: bit-identical on the scalar backend.
                    assertArrayEquals(direct, fromState, dir.getFileName() + " line " + c.line());
                    GoldenCases.assertClose(dir.getFileName() + " line " + c.line() + " from state", c.scores(), fromState, GoldenCases.RTOL, GoldenCases.ATOL);

                    UserState st = s.emptyState();
                    for (int[] e : events(m, c.request())) st = s.advance(st, e);
                    assertEquals(built.length(), st.length());
                    for (String v : statefulValues(m)) {
                        // The incremental step runs the reference cell on the stored state: the same arithmetic as the
                        // full build, so equality is exact (not a tolerance) on the scalar backend.
                        assertArrayEquals(built.value(v), st.value(v), dir.getFileName() + " line " + c.line() + " value " + v);
                    }
                    assertArrayEquals(direct, s.score(st, req), dir.getFileName() + " line " + c.line() + " advanced");

                    UserState back = UserState.fromBytes(m, st.toBytes());
                    assertArrayEquals(direct, s.score(back, req), "restored state");
                }
            }
        })).toList();
    }

    @Test
    void modelsWithoutStatefulOpsKeepTheWindow() {
        Path dir = GoldenCases.goldenDir().resolve("mouna99_din");
        try (Model m = Model.load(dir, LoadOptions.defaults().withBackend("scalar")); Session s = m.newSession()) {
            for (GoldenCases.Case c : rankingCases(dir)) {
                RankingRequest req = RequestJson.parse(m, c.request()).ranking();
                UserState st = s.emptyState();
                for (int[] e : events(m, c.request())) st = s.advance(st, e);
                assertArrayEquals(s.score(req), s.score(st, req), "line " + c.line());
            }
        }
    }

    @Test
    void incrementalWhereTheModelAllowsIt() {
        Path g = GoldenCases.goldenDir();
        for (String name : List.of("dien_mouna99_augru", "dien_mouna99_gru_att", "dien_torch_gru", "dien_torch_augru", "mimn_miu_reg_events")) {
            try (Model m = Model.load(g.resolve(name), LoadOptions.defaults().withBackend("scalar")); Session s = m.newSession()) {
                assertNull(s.incrementalAdvance(), name);
            }
        }
        try (Model m = Model.load(g.resolve("mimn_miu_reg_mask"), LoadOptions.defaults().withBackend("scalar")); Session s = m.newSession()) {
            String why = s.incrementalAdvance();
            assertNotNull(why);
            assertTrue(why.contains("padded"), why);
        }
    }

    @Test
    void restoringUnderAnotherModelIsAnError() {
        Path g = GoldenCases.goldenDir();
        try (Model a = Model.load(g.resolve("dien_mouna99_augru"), LoadOptions.defaults().withBackend("scalar"));
             Model b = Model.load(g.resolve("dien_mouna99_agru"), LoadOptions.defaults().withBackend("scalar"));
             Session sa = a.newSession(); Session sb = b.newSession()) {
            UserState st = sa.advance(sa.emptyState(), 3, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UserState.fromBytes(b, st.toBytes()));
            assertTrue(e.getMessage().contains(a.fingerprint()), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sb.advance(st, 1, 1));
            byte[] bytes = st.toBytes();
            assertThrows(IllegalArgumentException.class, () -> UserState.fromBytes(a, java.util.Arrays.copyOf(bytes, bytes.length - 3)));
            bytes[0] = 0;
            assertThrows(IllegalArgumentException.class, () -> UserState.fromBytes(a, bytes));
        }
    }

    @Test
    void statesShareNoMemory() {
        try (Model m = Model.load(GoldenCases.goldenDir().resolve("mimn_miu_reg_events"), LoadOptions.defaults().withBackend("scalar"));
             Session s = m.newSession()) {
            UserState a = s.advance(s.emptyState(), 3, 4);
            float[] before = a.value("mimn_state");
            UserState b = s.advance(a, 5, 6);
            assertArrayEquals(before, a.value("mimn_state"), "advancing must not change the older state");
            assertTrue(!java.util.Arrays.equals(before, b.value("mimn_state")));
            a.value("mimn_state")[0] = 1e9f; // a copy: the state itself is unchanged
            assertArrayEquals(before, a.value("mimn_state"));
        }
    }

    @Test
    void overflowPolicies() {
        try (Model m = Model.load(GoldenCases.goldenDir().resolve("dien_torch_augru"), LoadOptions.defaults().withBackend("scalar"));
             Session s = m.newSession()) {
            int T = io.interestengine.internal.Internals.graph(m).sequences().get(0).maxLength();
            UserState st = s.emptyState();
            for (int t = 0; t < T; t++) st = s.advance(st, 1 + t % 20, 1 + t % 5);
            UserState full = st;
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.advance(full, 7, 3));
            assertTrue(e.getMessage().contains("max_length"), e.getMessage());
            UserState slid = s.advance(full, UserState.Overflow.SLIDE, 7, 3);
            assertEquals(T, slid.length());
            // SLIDE equals a state built from the last T events.
            UserState ref = s.emptyState();
            int[] items = slid.history("hist_item"), cates = slid.history("hist_cate");
            for (int t = 0; t < T; t++) ref = s.advance(ref, items[t], cates[t]);
            assertEquals(7, items[T - 1]);
            assertEquals(2, items[0]);
            assertArrayEquals(ref.value("ext"), slid.value("ext"));
        }
    }

    @Test
    void badEventsAndNonFiniteStates() throws Exception {
        try (Model m = Model.load(GoldenCases.goldenDir().resolve("dien_mouna99_augru"), LoadOptions.defaults().withBackend("scalar"));
             Session s = m.newSession()) {
            UserState st = s.emptyState();
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> s.advance(st, 1));
            assertTrue(e.getMessage().contains("hist_mid"), e.getMessage());
            e = assertThrows(InvalidRequestException.class, () -> s.advance(st, 1, 999));
            assertTrue(e.getMessage().contains("hist_cat") && e.getMessage().contains("999"), e.getMessage());
            // A stored state whose float was corrupted to NaN is reported when read back.
            UserState one = s.advance(st, 1, 2);
            byte[] b = one.toBytes();
            int at = b.length - 8; // the last float of the last value (the CRC32C follows it)
            int nan = Float.floatToRawIntBits(Float.NaN);
            b[at] = (byte) (nan >>> 24);
            b[at + 1] = (byte) (nan >>> 16);
            b[at + 2] = (byte) (nan >>> 8);
            b[at + 3] = (byte) nan;
            IllegalArgumentException ce = assertThrows(IllegalArgumentException.class, () -> UserState.fromBytes(m, b));
            assertTrue(ce.getMessage().contains("CRC32C"), ce.getMessage());
            // Under a checksum that matches (bytes written by something else than toBytes), the NaN itself is named.
            io.interestengine.UserStateBytesTest.reseal(b);
            NumericException ne = assertThrows(NumericException.class, () -> UserState.fromBytes(m, b));
            assertTrue(ne.getMessage().contains("ext"), ne.getMessage());
        }
    }
}
