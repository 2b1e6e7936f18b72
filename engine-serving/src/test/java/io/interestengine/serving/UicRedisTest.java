package io.interestengine.serving;

import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.Session;
import io.interestengine.UserState;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XPendingArgs;
import io.lettuce.core.Limit;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.models.stream.PendingMessage;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The UIC on a real three-master Redis Cluster: ingest, crash and takeover, dead letters, scoring by user id. */
class UicRedisTest {
    private RedisClusterFixture cluster;
    private RedisClusterClient client;
    private RedisStateStore store;
    private StatefulRedisClusterConnection<String, String> conn;

    @BeforeEach
    void connect() {
        cluster = RedisClusterFixture.get();
        client = RedisClusters.client(cluster.spec());
        store = new RedisStateStore(client);
        conn = client.connect();
    }

    @AfterEach
    void disconnect() {
        conn.close();
        store.close();
        client.shutdown();
    }

    private static String unique(String s) {
        return s + "-" + System.nanoTime();
    }

    private void publish(String stream, List<String> events) {
        List<RedisFuture<String>> fs = new ArrayList<>();
        for (String e : events) fs.add(conn.async().xadd(stream, UicEvent.FIELD, e));
        for (RedisFuture<String> f : fs) RedisStateStore.await(f, "XADD");
    }

    private UicWorker worker(Model m, String stream, String consumer, Duration claimIdle, UicMetrics metrics) {
        return worker(m, stream, consumer, claimIdle, metrics, 64);
    }

    private UicWorker worker(Model m, String stream, String consumer, Duration claimIdle, UicMetrics metrics,
            int batch) {
        var o = new UicWorker.Options(stream, "uic", consumer, stream + ":dead", batch, claimIdle,
                Duration.ofMinutes(5), 1000);
        return new UicWorker(m, store, client, o, metrics);
    }

    private static UicMetrics metrics() {
        return new UicMetrics(new PrometheusRegistry());
    }

    private boolean allApplied(Model m, Fixtures.Workload w) {
        List<String> users = new ArrayList<>(w.perUser().keySet());
        List<StateStore.Stored> s = store.getAll(m.fingerprint(), users);
        for (int k = 0; k < users.size(); k++) {
            if (s.get(k) == null || s.get(k).seq() != w.perUser().get(users.get(k)).size()) return false;
        }
        return true;
    }

    private boolean done(Model m, Fixtures.Workload w, String stream) {
        return allApplied(m, w) && conn.sync().xpending(stream, "uic").getCount() == 0;
    }

    /**
     * Runs workers on their own threads until every user's state holds all its events and every entry is
     * acknowledged (30 s at most).
     */
    private void runUntilApplied(Model m, Fixtures.Workload w, String stream,
            List<UicWorker> workers) throws Exception {
        AtomicReference<Throwable> fail = new AtomicReference<>();
        boolean[] stop = {false};
        List<Thread> ts = new ArrayList<>();
        for (UicWorker wk : workers) {
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    wk.run(() -> stop[0] || fail.get() != null);
                } catch (Throwable e) {
                    fail.compareAndSet(null, e);
                }
            }));
        }
        long end = System.nanoTime() + 30_000_000_000L;
        while (!done(m, w, stream) && System.nanoTime() < end && fail.get() == null) Thread.sleep(20);
        stop[0] = true;
        for (Thread t : ts) t.join();
        if (fail.get() != null) throw new AssertionError("worker failed", fail.get());
        assertTrue(done(m, w, stream), "every event applied and acknowledged within 30 s");
    }

    /** Scoring each user by id through the server equals scoring its full history in-process. */
    private void assertServedEqualsFullHistory(Path dir, Model m, Fixtures.Workload w) throws Exception {
        int[] cands = new int[17];
        for (int c = 0; c < cands.length; c++) cands[c] = 3 + 11 * c;
        try (ScoringServer server = ScoringServer.start(ScoringServer.Config.defaults(0), Map.of("m", dir),
                LoadOptions.defaults(), store, new PrometheusRegistry()); Session s = m.newSession()) {
            int checked = 0;
            for (String user : w.perUser().keySet()) {
                int uid = 1 + (checked % 7);
                float[] want = s.score(Fixtures.fullRequest(m, w, user, cands, uid));
                var res = Fixtures.post(server.port(), "/v1/models/m:score", Fixtures.userIdRequest(m, user, cands,
                        uid));
                assertEquals(200, res.statusCode(), res.body());
                assertTrue(res.body().contains("\"state_seq\":" + w.perUser().get(user).size()), res.body());
                Fixtures.assertClose(want, Fixtures.scores(res.body()), "user " + user);
                checked++;
            }
            assertEquals(w.perUser().size(), checked);
        }
    }

    private void twoWorkersThenScore(Path dir, int users, int maxEvents) throws Exception {
        try (Model m = Model.load(dir)) {
            String stream = unique("events");
            Fixtures.Workload w = Fixtures.workload(m, unique("u") + "-", users, maxEvents, 11);
            publish(stream, w.entries());
            UicMetrics metrics = metrics();
            try (UicWorker a = worker(m, stream, "a", Duration.ofSeconds(30), metrics);
                 UicWorker b = worker(m, stream, "b", Duration.ofSeconds(30), metrics)) {
                runUntilApplied(m, w, stream, List.of(a, b));
            }
            assertEquals(w.streamOrder().size(), metrics.appliedCount(), "each event applied once");
            assertServedEqualsFullHistory(dir, m, w);
        }
    }

    @Test
    void twoWorkersIngestDienThenScoreByUserId() throws Exception {
        twoWorkersThenScore(Fixtures.repo("models/dien"), 40, 30);
    }

    @Test
    void twoWorkersIngestMimnEventsModeThenScoreByUserId() throws Exception {
        Path dir = Fixtures.repo("fixtures/golden/mimn_miu_reg_events");
        try (Model m = Model.load(dir); Session s = m.newSession()) {
            assertEquals(null, s.incrementalAdvance(), "MIMN events mode advances one step per event");
        }
        twoWorkersThenScore(dir, 40, 10);
    }

    private static final class Crash extends RuntimeException {
        Crash() {
            super("simulated kill between the state write and the acknowledgement");
        }
    }

    /**
     * A worker dies right after writing states and before acknowledging them. Every acknowledged event is in
     * the stored states at that moment (none lost); restarted, the worker redelivers its pending entries (more
     * than one batch of the restarted worker: it walks through them), skips those already written and applies
     * the rest, so every event applies exactly once.
     */
    @Test
    void workerKilledMidStreamAndRestartedAppliesEachEventOnce() throws Exception {
        Path dir = Fixtures.repo("models/dien");
        try (Model m = Model.load(dir)) {
            String stream = unique("events");
            Fixtures.Workload w = Fixtures.workload(m, unique("k") + "-", 30, 20, 12);
            publish(stream, w.entries());
            UicMetrics first = metrics();
            UicWorker a = worker(m, stream, "a", Duration.ofSeconds(30), first, 150);
            a.hook = round -> {
                if (round == 2) throw new Crash();
            };
            try {
                for (int k = 0; k < 10; k++) a.poll();
                throw new AssertionError("the crash hook did not fire");
            } catch (Crash expected) {
                a.close();
            }
            assertAcknowledgedEventsAreStored(m, w, stream);
            UicMetrics second = metrics();
            try (UicWorker again = worker(m, stream, "a", Duration.ofSeconds(30), second)) {
                runUntilApplied(m, w, stream, List.of(again));
            }
            assertTrue(second.duplicateCount() > 0,
                    "redelivered entries whose states were written before the kill are skipped");
            // Events written in the crashed round count as neither applied there (the kill came first) nor
            // applied again: they come back as duplicates. Every event is thus counted exactly once.
            assertEquals(w.streamOrder().size(), first.appliedCount() + second.appliedCount() + second.duplicateCount(),
                    "no event applied twice, none lost");
            assertServedEqualsFullHistory(dir, m, w);
        }
    }

    /**
     * A worker process killed with SIGKILL at an arbitrary point mid-stream: every acknowledged event is in the
     * states, and a worker restarted under the same consumer name ends with the states that applying every
     * event once in order gives, byte for byte.
     */
    @Test
    void workerProcessKilledWithSigkillAndRestarted() throws Exception {
        Path dir = Fixtures.repo("models/dien");
        try (Model m = Model.load(dir); Session s = m.newSession()) {
            String stream = unique("events");
            Fixtures.Workload w = Fixtures.workload(m, unique("p") + "-", 60, 30, 14);
            publish(stream, w.entries());
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp",
                    System.getProperty("java.class.path"), UicWorkerProcess.class.getName(), cluster.spec(),
                    dir.toString(), stream,
                            "a").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            int total = w.streamOrder().size();
            long end = System.nanoTime() + 60_000_000_000L;
            try {
                while (appliedSoFar(m, w) < total / 3 && System.nanoTime() < end && p.isAlive()) Thread.sleep(5);
                assertTrue(p.isAlive(), "the worker process runs until killed");
            } finally {
                p.destroyForcibly();
                p.waitFor();
            }
            assertTrue(appliedSoFar(m, w) < total, "killed mid-stream");
            // SIGKILL may land between an acknowledgement and the next read, when nothing is pending.
            assertTrue(assertAcknowledgedEventsAreStored(m, w, stream, false) > 0,
                    "events were acknowledged before the kill");
            try (UicWorker again = worker(m, stream, "a", Duration.ofSeconds(30), metrics())) {
                runUntilApplied(m, w, stream, List.of(again));
            }
            for (String user : w.perUser().keySet()) {
                UserState want = s.emptyState();
                for (int[] ev : w.perUser().get(user)) want = s.advance(want, ev);
                assertArrayEquals(want.toBytes(), store.get(m.fingerprint(), user).state(), "user " + user);
            }
        }
    }

    /**
     * Hot restart while events keep arriving: a producer publishes a user-interleaved stream in small chunks;
     * the worker dies mid-flow right after a state write and before its acknowledgement (the hard point), and
     * the scoring server is replaced by a new one on the same store while the worker is down. Every event
     * acknowledged before the restart is in the states; the new server serves exactly what the old one served;
     * restarted under the same consumer name while events still arrive, the worker applies no event twice and
     * ends with the states that applying every event once in order gives, byte for byte.
     */
    @Test
    void hotRestartWhileEventsFlowLosesNoAcknowledgedEvent() throws Exception {
        Path dir = Fixtures.repo("models/dien");
        try (Model m = Model.load(dir); Session s = m.newSession()) {
            String stream = unique("events");
            Fixtures.Workload w = Fixtures.workload(m, unique("h") + "-", 50, 24, 15);
            List<String> entries = w.entries();
            int total = entries.size();
            AtomicReference<Throwable> producerFail = new AtomicReference<>();
            int[] published = {0};
            Thread producer = Thread.ofPlatform().start(() -> {
                try {
                    for (int k = 0; k < total; k += 8) {
                        publish(stream, entries.subList(k, Math.min(total, k + 8)));
                        synchronized (published) {
                            published[0] = Math.min(total, k + 8);
                        }
                        Thread.sleep(3);
                    }
                } catch (Throwable e) {
                    producerFail.set(e);
                }
            });
            UicMetrics first = metrics();
            UicWorker a = worker(m, stream, "a", Duration.ofSeconds(30), first, 16);
            a.hook = round -> {
                if (round == 8) throw new Crash();
            };
            AtomicReference<Throwable> died = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    a.run(() -> false);
                } catch (Throwable e) {
                    died.set(e);
                }
            });
            t.join(30_000);
            a.close();
            assertTrue(died.get() instanceof Crash, "the worker died in round 8: " + died.get());
            int atRestart;
            synchronized (published) {
                atRestart = published[0];
            }
            assertTrue(atRestart < total, "events were still arriving at the restart (" + atRestart + " of " + total
                    + " published)");
            assertTrue(assertAcknowledgedEventsAreStored(m, w, stream, true) > 0,
                    "events were acknowledged before the restart");
            assertNewServerServesTheSameStates(dir, m, w);

            UicMetrics second = metrics();
            try (UicWorker again = worker(m, stream, "a", Duration.ofSeconds(30), second, 16)) {
                runUntilApplied(m, w, stream, List.of(again));
            }
            producer.join();
            assertEquals(null, producerFail.get());
            assertEquals(0, first.duplicateCount() + first.deadLetterCount() + second.deadLetterCount());
            assertTrue(second.duplicateCount() > 0, "entries written in the crashed round come back and are skipped");
            assertEquals(total, first.appliedCount() + second.appliedCount() + second.duplicateCount(),
                    "no event applied twice, none lost");
            for (String user : w.perUser().keySet()) {
                UserState want = s.emptyState();
                for (int[] ev : w.perUser().get(user)) want = s.advance(want, ev);
                assertArrayEquals(want.toBytes(), store.get(m.fingerprint(), user).state(), "user " + user);
            }
            assertServedEqualsFullHistory(dir, m, w);
        }
    }

    /** Scores every user with a state by id on one server, then on a new server over the same store: the same. */
    private void assertNewServerServesTheSameStates(Path dir, Model m, Fixtures.Workload w) throws Exception {
        int[] cands = {3, 14, 25, 36, 47};
        Map<String, String> before = new java.util.LinkedHashMap<>();
        try (ScoringServer one = ScoringServer.start(ScoringServer.Config.defaults(0), Map.of("m", dir),
                LoadOptions.defaults(), store, new PrometheusRegistry())) {
            for (String user : w.perUser().keySet()) {
                if (store.get(m.fingerprint(), user) == null) continue;
                var res = Fixtures.post(one.port(), "/v1/models/m:score", Fixtures.userIdRequest(m, user, cands, 2));
                assertEquals(200, res.statusCode(), res.body());
                before.put(user, res.body());
            }
        }
        assertTrue(before.size() > 1, "users with states at the restart: " + before.size());
        try (ScoringServer two = ScoringServer.start(ScoringServer.Config.defaults(0), Map.of("m", dir),
                LoadOptions.defaults(), store, new PrometheusRegistry())) {
            for (var e : before.entrySet()) {
                var res = Fixtures.post(two.port(), "/v1/models/m:score", Fixtures.userIdRequest(m, e.getKey(), cands,
                        2));
                assertEquals(200, res.statusCode(), res.body());
                // Same stored state: the same sequence number, and the same scores up to the rounding of the
                // kernels' interpreted and compiled forms (the first calls of a fresh JVM's server run interpreted).
                String seq = "\"state_seq\":" + store.get(m.fingerprint(), e.getKey()).seq() + ",";
                assertTrue(e.getValue().contains(seq) && res.body().contains(seq), e.getValue() + " / " + res.body());
                Fixtures.assertClose(Fixtures.scores(e.getValue()), Fixtures.scores(res.body()), "user " + e.getKey());
            }
        }
    }

    private long appliedSoFar(Model m, Fixtures.Workload w) {
        long n = 0;
        for (StateStore.Stored st : store.getAll(m.fingerprint(), new ArrayList<>(w.perUser().keySet()))) {
            if (st != null) n += st.seq();
        }
        return n;
    }

    /** Another worker takes over the entries a dead one left pending, once they are idle for claimIdle. */
    @Test
    void anotherWorkerClaimsTheDeadWorkersEntries() throws Exception {
        Path dir = Fixtures.repo("models/dien");
        try (Model m = Model.load(dir)) {
            String stream = unique("events");
            Fixtures.Workload w = Fixtures.workload(m, unique("c") + "-", 20, 10, 13);
            publish(stream, w.entries());
            UicWorker a = worker(m, stream, "a", Duration.ofMillis(300), metrics());
            a.hook = round -> {
                throw new Crash();
            };
            try {
                a.poll();
            } catch (Crash expected) {
                a.close();
            }
            assertAcknowledgedEventsAreStored(m, w, stream);
            UicMetrics mb = metrics();
            try (UicWorker b = worker(m, stream, "b", Duration.ofMillis(300), mb)) {
                runUntilApplied(m, w, stream, List.of(b));
            }
            assertTrue(mb.duplicateCount() > 0, "b claimed a's pending entries and found their states written");
            assertServedEqualsFullHistory(dir, m, w);
        }
    }

    /** Every entry the group has delivered and that is no longer pending (acknowledged) is in its user's state. */
    private void assertAcknowledgedEventsAreStored(Model m, Fixtures.Workload w, String stream) {
        assertAcknowledgedEventsAreStored(m, w, stream, true);
    }

    /** @return how many acknowledged entries were checked */

    private int assertAcknowledgedEventsAreStored(Model m, Fixtures.Workload w, String stream,
            boolean crashLeftPending) {
        var sync = conn.sync();
        Set<String> pending = new HashSet<>();
        for (PendingMessage p : sync.xpending(stream,
                XPendingArgs.Builder.xpending(io.lettuce.core.Consumer.from("uic", "a"),
                Range.create("-", "+"), Limit.from(100_000)))) {
            pending.add(p.getId());
        }
        if (crashLeftPending) assertFalse(pending.isEmpty(), "the crash left entries unacknowledged");
        String lastDelivered = null;
        for (Object g : sync.xinfoGroups(stream)) {
            List<?> l = (List<?>) g;
            for (int k = 0; k + 1 < l.size(); k += 2) {
                if ("last-delivered-id".equals(String.valueOf(l.get(k)))) lastDelivered = String.valueOf(l.get(k + 1));
            }
        }
        assertNotNull(lastDelivered);
        int acked = 0;
        for (StreamMessage<String, String> e : sync.xrange(stream, Range.create("-", lastDelivered))) {
            if (pending.contains(e.getId())) continue;
            UicEvent ev = UicEvent.parse(e.getId(), e.getBody().get(UicEvent.FIELD), w.fields());
            StateStore.Stored s = store.get(m.fingerprint(), ev.userId());
            assertNotNull(s, "acknowledged event " + ev.seq() + " of " + ev.userId() + " has no state");
            assertTrue(s.seq() >= ev.seq(), "acknowledged event " + ev.seq() + " of " + ev.userId()
                    + " lost: state at " + s.seq());
            acked++;
        }
        return acked;
    }

    /**
     * A worker's cached state goes stale when another worker applies the user's next event: the gap it then
     * sees makes it read the stored state again instead of waiting, and the user's events still apply in order.
     */
    @Test
    void staleCachedStateIsReadAgain() throws Exception {
        try (Model m = Model.load(Fixtures.repo("models/dien")); Session s = m.newSession()) {
            String stream = unique("events"), user = unique("s");
            List<int[]> ev = List.of(new int[]{5, 2}, new int[]{6, 3}, new int[]{7, 4}, new int[]{8, 5}, new int[]{9,
                    6});
            var fields = UicEvent.eventFields(m);
            try (UicWorker a = worker(m, stream, "a", Duration.ofSeconds(30), metrics());
                 UicWorker b = worker(m, stream, "b", Duration.ofSeconds(30), metrics())) {
                publish(stream, List.of(UicEvent.json(user, 1, fields, ev.get(0)), UicEvent.json(user, 2, fields,
                        ev.get(1))));
                a.poll();
                assertEquals(2, store.get(m.fingerprint(), user).seq(), "a applied 1 and 2 and keeps the state");
                publish(stream, List.of(UicEvent.json(user, 3, fields, ev.get(2))));
                b.poll();
                assertEquals(3, store.get(m.fingerprint(), user).seq(), "b applied 3 onto the stored state");
                publish(stream, List.of(UicEvent.json(user, 4, fields, ev.get(3)), UicEvent.json(user, 5, fields,
                        ev.get(4))));
                a.poll();
                assertEquals(3, store.get(m.fingerprint(), user).seq(),
                        "a's cached state is at 2: it waits and drops the cache");
                assertEquals(2, a.waiting());
                a.poll();
                assertEquals(5, store.get(m.fingerprint(), user).seq(), "read again, 4 and 5 apply");
                assertEquals(0, a.waiting());
            }
            UserState want = s.emptyState();
            for (int[] e : ev) want = s.advance(want, e);
            assertArrayEquals(want.toBytes(), store.get(m.fingerprint(), user).state());
        }
    }

    @Test
    void badEventsGoToTheDeadLetterStreamAndTheWorkerGoesOn() throws Exception {
        try (Model m = Model.load(Fixtures.repo("models/dien")); Session s = m.newSession()) {
            String stream = unique("events"), user = unique("d");
            publish(stream, List.of(
                    "{\"user_id\":\"" + user + "\",\"event_id\":1,\"hist_mid\":5,\"hist_cat\":2}",
                    "{\"user_id\":\"" + user + "\",\"event_id\":2,\"hist_mid\":6,\"hist_cat\":2,\"hist_brand\":1}",
                    "{\"user_id\":\"" + user + "\",\"event_id\":3,\"hist_mid\":5000,\"hist_cat\":2}",
                    "{\"user_id\":\"" + user + "\",\"event_id\":4,\"hist_mid\":7,\"hist_cat\":3",
                    "{\"user_id\":\"" + user + "\",\"event_id\":4,\"hist_mid\":7,\"hist_cat\":3}"));
            UicMetrics mt = metrics();
            try (UicWorker wk = worker(m, stream, "a", Duration.ofSeconds(30), mt)) {
                long end = System.nanoTime() + 10_000_000_000L;
                while (System.nanoTime() < end) {
                    wk.poll();
                    StateStore.Stored st = store.get(m.fingerprint(), user);
                    if (st != null && st.seq() == 4) break;
                }
            }
            StateStore.Stored st = store.get(m.fingerprint(), user);
            assertNotNull(st);
            assertEquals(4, st.seq(), "the bad events 2 and 3 took their places in the user's sequence; 4 applied");
            UserState state = UserState.fromBytes(m, st.state());
            assertArrayEquals(new int[]{5, 7}, state.history("hist_mid"), "only the good events changed the state");
            UserState want = s.advance(s.advance(s.emptyState(), 5, 2), 7, 3);
            assertArrayEquals(want.toBytes(), st.state(), "the stored state is the one built from the good events");
            List<StreamMessage<String, String>> dead = conn.sync().xrange(stream + ":dead", Range.create("-", "+"));
            assertEquals(3, dead.size(), dead.toString());
            assertEquals(3, mt.deadLetterCount());
            String errors = dead.stream().map(d -> d.getBody().get("error")).toList().toString();
            assertTrue(dead.stream().anyMatch(d -> d.getBody().get("error").contains("hist_brand")), errors);
            assertTrue(dead.stream().anyMatch(d -> d.getBody().get("error").contains("5000")), errors);
            assertTrue(dead.stream().anyMatch(d -> d.getBody().get("error").startsWith("invalid JSON")), errors);
            for (var d : dead) {
                assertNotNull(d.getBody().get("entry"));
                assertTrue(d.getBody().get(UicEvent.FIELD).contains(user), "the dead letter keeps the event");
            }
        }
    }
}
