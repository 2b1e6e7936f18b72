package io.interestengine.serving;

import io.interestengine.InvalidRequestException;
import io.interestengine.Model;
import io.interestengine.NumericException;
import io.interestengine.Session;
import io.interestengine.UserState;
import io.interestengine.ModelInfo.FieldInfo;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.models.stream.ClaimedMessages;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The User Interest Center worker: reads behaviour events ({@link UicEvent}) from a Redis Stream as one
 * consumer of a consumer group, advances each user's {@link UserState} and writes it to the {@link StateStore},
 * then acknowledges the entries.
 *
 * <p>Exactly-once effect: a user's event k is applied only onto the stored state whose sequence number is
 * k−1, and the write is a compare-and-set over that number. An entry delivered again (after a crash between
 * the write and the acknowledgement, or claimed by another worker) finds the state already past it and is only
 * acknowledged. Order: event k+1 waiting for k (held by another worker, or not yet delivered) stays
 * unacknowledged and is retried; once k is written it applies. A bad event (malformed JSON, unknown field, id
 * out of range) goes to the dead-letter stream with its error and, if it carried a user and sequence number,
 * takes its place in that user's sequence without changing the state, so the user's later events go on.
 *
 * <p>Recovery: on start the worker first re-reads its own pending entries (a restart under the same consumer
 * name), then keeps claiming entries other consumers left pending for longer than {@code claimIdle} (a worker
 * that died). Windows that are full slide ({@link UserState.Overflow#SLIDE}): the state keeps the last
 * {@code max_length} events.
 */
public final class UicWorker implements AutoCloseable {

    /**
     * Where and how to consume.
     *
     * @param stream     the events stream key
     * @param group      the consumer group (created at the stream's start if missing)
     * @param consumer   this worker's consumer name (stable across restarts: a restart resumes its pending entries)
     * @param deadLetter the dead-letter stream key
     * @param batch      entries read per round trip
     * @param claimIdle  how long another consumer's entry stays pending before this worker claims it
     * @param gapTimeout how long an event waits for its predecessor before it is dead-lettered as out of sequence
     * @param stateCache how many users' states the worker keeps in memory after writing them (0: none); a hit
     *                   skips reading and restoring the state. Memory: about this many times a state's size.
     */
    public record Options(String stream, String group, String consumer, String deadLetter, int batch,
                          Duration claimIdle, Duration gapTimeout, int stateCache) {
        /** @throws IllegalArgumentException if a name or duration is missing, or the batch is below 1 */
        public Options {
            for (String s : new String[]{stream, group, consumer, deadLetter}) {
                if (s == null || s.isEmpty()) throw new IllegalArgumentException(
                        "stream, group, consumer and dead-letter names must be set");
            }
            if (batch < 1) throw new IllegalArgumentException("batch " + batch + ": at least 1");
            if (stateCache < 0) throw new IllegalArgumentException("stateCache " + stateCache + ": at least 0");
            if (claimIdle == null
                    || gapTimeout == null) throw new IllegalArgumentException("claimIdle and gapTimeout must be set");
        }

        /**
         * Defaults: group {@code uic}, dead letters in {@code <stream>:dead}, 512 per read, claim after 30 s, give
         * up on a missing predecessor after 5 minutes, cache 10,000 users' states.
         */
        public static Options defaults(String stream, String consumer) {
            return new Options(stream, "uic", consumer, stream + ":dead", 512, Duration.ofSeconds(30),
                    Duration.ofMinutes(5), 10_000);
        }
    }

    /** Test hook: runs between the state writes and the acknowledgement (a crash there is the hard case). */
    interface Hook {
        void afterWrite(int round);
    }

    private static final long BLOCK_MS = 200;
    private final Model model;
    private final String fingerprint;
    private final List<FieldInfo> fields;
    private final Session session;
    private final StateStore store;
    private final StatefulRedisClusterConnection<String, String> conn;
    private final RedisAdvancedClusterCommands<String, String> redis;
    private final RedisAdvancedClusterAsyncCommands<String, String> async;
    /**
     * The last round's acknowledgement, sent without waiting: it goes out on the stream's connection ahead of the
     * next read, so both share one round trip; its reply is checked once that read has returned.
     */
    private RedisFuture<Long> pendingAck;
    private final Options opt;
    private final UicMetrics metrics;
    private final Consumer<String> me;
    /** Events read but not applicable yet (their predecessor is missing), by entry id, oldest first. */
    private final Map<String, Deferred> deferred = new LinkedHashMap<>();
    private boolean recovering = true;
    private String recoverCursor = "0-0";
    private long nextClaimNs;
    private String claimCursor = "0-0";
    private int round;
    private UserState empty;
    Hook hook = r -> { };

    private record Deferred(UicEvent event, long sinceNs) {
    }

    /** A user's state as this worker last read or wrote it; the stored one is the same or later (seq only grows). */
    private record Known(long seq, UserState state) {
    }

    /** Users' states this worker wrote last, least recently used first. */
    private final LinkedHashMap<String, Known> cache;

    /**
     * A worker for {@code model}; states go to {@code store}, the stream is read through {@code client}.
     *
     * @throws StateStoreException if the stream or group cannot be set up
     */
    public UicWorker(Model model, StateStore store, RedisClusterClient client, Options options, UicMetrics metrics) {
        this.model = model;
        this.fingerprint = model.fingerprint();
        this.fields = UicEvent.eventFields(model);
        this.store = store;
        this.opt = options;
        this.metrics = metrics;
        this.me = Consumer.from(options.group(), options.consumer());
        int cap = options.stateCache();
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
                return size() > cap;
            }
        };
        this.session = model.newSession();
        try {
            this.conn = client.connect();
            // A blocking read waits up to BLOCK_MS: the connection's timeout must outlast it.
            conn.setTimeout(RedisClusters.TIMEOUT.plusMillis(BLOCK_MS));
            this.redis = conn.sync();
            this.async = conn.async();
            try {
                redis.xgroupCreate(XReadArgs.StreamOffset.from(opt.stream(), "0"), opt.group(),
                        XGroupCreateArgs.Builder.mkstream());
            } catch (RedisBusyException e) {
                // BUSYGROUP: the group exists (another worker made it); join it.
            }
        } catch (RuntimeException e) {
            session.close();
            throw new StateStoreException("cannot open events stream " + opt.stream() + ": " + e.getMessage(), e);
        }
    }

    /** Consumes until {@code stop} says so (checked between rounds; a round blocks at most 200 ms when idle). */
    public void run(BooleanSupplier stop) {
        while (!stop.getAsBoolean()) poll();
    }

    /**
     * One round: reads a batch (own pending entries first after a start, then entries claimed from stalled
     * consumers, then new ones), applies it and acknowledges what was applied (the acknowledgement goes out
     * without waiting; its reply is checked after the next round's read, or on {@link #close()}).
     *
     * @return the number of entries read this round
     * @throws StateStoreException if Redis fails (nothing of the round is acknowledged; entries are redelivered),
     *                             or the previous round's acknowledgement failed (its entries are redelivered)
     */
    public int poll() {
        round++;
        List<StreamMessage<String, String>> msgs = read();
        settleAck();
        List<UicEvent> events = new ArrayList<>(msgs.size() + deferred.size());
        for (Deferred d : deferred.values()) events.add(d.event);
        for (StreamMessage<String, String> m : msgs) {
            if (deferred.containsKey(m.getId())) continue;
            Map<String, String> body = m.getBody();
            events.add(UicEvent.parse(m.getId(), body == null ? null : body.get(UicEvent.FIELD), fields));
        }
        if (!events.isEmpty()) apply(events);
        return msgs.size();
    }

    private List<StreamMessage<String, String>> read() {
        if (recovering) {
            // Reading the group with an id returns this consumer's pending entries after that id: walk through them.
            List<StreamMessage<String, String>> own = redis.xreadgroup(me, XReadArgs.Builder.count(opt.batch()),
                    XReadArgs.StreamOffset.from(opt.stream(), recoverCursor));
            if (!own.isEmpty()) {
                recoverCursor = own.getLast().getId();
                return own;
            }
            recovering = false;
        }
        long now = System.nanoTime();
        if (now >= nextClaimNs) {
            ClaimedMessages<String, String> c = redis.xautoclaim(opt.stream(), XAutoClaimArgs.Builder
                    .xautoclaim(me, opt.claimIdle(), claimCursor).count(opt.batch()));
            claimCursor = c.getId();
            if ("0-0".equals(claimCursor)) nextClaimNs = now + Math.max(opt.claimIdle().toNanos() / 4, 50_000_000L);
            if (!c.getMessages().isEmpty()) return c.getMessages();
        }
        long block = deferred.isEmpty() ? BLOCK_MS : 20;
        List<StreamMessage<String, String>> fresh = redis.xreadgroup(me,
                XReadArgs.Builder.count(opt.batch()).block(block),
                XReadArgs.StreamOffset.lastConsumed(opt.stream()));
        return fresh == null ? List.of() : fresh;
    }

    /** A user's events this round and what became of them. */
    private static final class UserPlan {
        final List<UicEvent> events = new ArrayList<>();
        final List<UicEvent> consumed = new ArrayList<>();
        final List<UicEvent> applied = new ArrayList<>();
        final List<UicEvent> waiting = new ArrayList<>();
        String user;
        Known result;
    }

    private void apply(List<UicEvent> events) {
        List<String> ack = new ArrayList<>();
        List<String[]> dead = new ArrayList<>();
        Map<String, UserPlan> byUser = new LinkedHashMap<>();
        for (UicEvent e : events) {
            if (e.sequenced()) {
                byUser.computeIfAbsent(e.userId(), u -> new UserPlan()).events.add(e);
            } else {
                dead.add(deadLetter(e, e.error()));
                ack.add(e.entryId());
            }
        }
        List<String> users = new ArrayList<>(byUser.keySet());
        Map<String, Known> known = new LinkedHashMap<>();
        List<String> misses = new ArrayList<>();
        Set<String> missed = new HashSet<>();
        for (String u : users) {
            Known k = cache.get(u);
            if (k != null) known.put(u, k);
            else if (missed.add(u)) misses.add(u);
        }
        if (!misses.isEmpty()) {
            long t0 = System.nanoTime();
            List<StateStore.Stored> stored = store.getAll(fingerprint, misses);
            metrics.storeGet(System.nanoTime() - t0, misses.size());
            for (int i = 0; i < misses.size(); i++) {
                Known k = restore(misses.get(i), stored.get(i), byUser.get(misses.get(i)), ack, dead);
                if (k != null) known.put(misses.get(i), k);
            }
        }

        List<StateStore.Write> writes = new ArrayList<>();
        List<UserPlan> written = new ArrayList<>();
        // Each user's write goes out as soon as it is computed, so the store applies it while the next users'
        // states are advanced; the round waits for all of them at the end.
        boolean[] ok = new boolean[0];
        try (StateStore.WriteBatch batch = store.writeBatch(fingerprint)) {
            int sentDead = 0;
            for (var e : known.entrySet()) {
                String u = e.getKey();
                if (plan(u, byUser.get(u), e.getValue(), !missed.contains(u), writes, written, ack, dead)) {
                    // Dead letters go out before the writes that consume their sequence numbers: a crash in between
                    // can repeat a dead letter (the entry id tells the copies apart), never lose one.
                    sentDead = sendDeadLetters(dead, sentDead);
                    batch.add(writes.getLast());
                }
            }
            sendDeadLetters(dead, sentDead);
            if (!writes.isEmpty()) {
                long t1 = System.nanoTime();
                ok = batch.results();
                metrics.storeCas(System.nanoTime() - t1, writes.size());
            }
        }
        hook.afterWrite(round);
        long nowMs = System.currentTimeMillis();
        for (int k = 0; k < written.size(); k++) {
            UserPlan p = written.get(k);
            if (ok[k]) {
                if (opt.stateCache() > 0) cache.put(p.user, p.result);
                for (UicEvent e : p.consumed) ack.add(e.entryId());
                for (UicEvent e : p.applied) metrics.applied(nowMs - e.entryMillis());
            } else {
                // Another writer moved this user's state since our read: redo these events on the fresh state.
                metrics.conflict();
                cache.remove(p.user);
                for (UicEvent e : p.consumed) defer(e);
            }
        }
        for (String id : ack) deferred.remove(id);
        if (!ack.isEmpty()) pendingAck = async.xack(opt.stream(), opt.group(), ack.toArray(new String[0]));
    }

    /**
     * Waits for the last acknowledgement. A lost one is harmless for the states (its entries are delivered again
     * and found applied) but is reported, as any Redis failure of a round is.
     *
     * @throws StateStoreException if Redis refused or did not answer it
     */
    private void settleAck() {
        RedisFuture<Long> f = pendingAck;
        pendingAck = null;
        if (f != null) RedisStateStore.await(f, "XACK on " + opt.stream());
    }

    /** The stored state, restored; null (its events dead-lettered) when the stored bytes are unreadable. */
    private Known restore(String user, StateStore.Stored s, UserPlan p, List<String> ack, List<String[]> dead) {
        if (s == null) return new Known(0, null);
        try {
            return new Known(s.seq(), UserState.fromBytes(model, s.state()));
        } catch (IllegalArgumentException | NumericException e) {
            for (UicEvent ev : p.events) {
                if (ev.seq() > s.seq()) dead.add(deadLetter(ev, "stored state of user '" + user + "' is unreadable: "
                        + e.getMessage()));
                ack.add(ev.entryId());
            }
            return null;
        }
    }

    /** Plans a user's events; true when it added a write (last in {@code writes}). */
    private boolean plan(String user, UserPlan p, Known known, boolean cached, List<StateStore.Write> writes,
                         List<UserPlan> written, List<String> ack, List<String[]> dead) {
        long start = known.seq(), cur = start;
        UserState st = known.state();
        p.events.sort(Comparator.comparingLong(UicEvent::seq));
        for (UicEvent e : p.events) {
            if (e.seq() <= cur) {
                // Applied before (a redelivery after a crash, or a copy another worker already handled).
                metrics.duplicate();
                ack.add(e.entryId());
                deferred.remove(e.entryId());
            } else if (e.seq() == cur + 1) {
                cur = e.seq();
                p.consumed.add(e);
                String err = e.error();
                if (err == null) {
                    try {
                        st = session.advance(st == null ? empty() : st, UserState.Overflow.SLIDE, e.ids());
                        p.applied.add(e);
                        continue;
                    } catch (InvalidRequestException | NumericException | IllegalArgumentException
                             | IllegalStateException x) {
                        err = x.getMessage();
                    }
                }
                dead.add(deadLetter(e, err));
            } else {
                p.waiting.add(e);
            }
        }
        // A gap seen on a cached state may only mean another worker moved the user on: read it fresh next time.
        if (cached && !p.waiting.isEmpty()) cache.remove(user);
        for (UicEvent e : p.waiting) {
            Deferred d = deferred.get(e.entryId());
            if (!cached && d != null && System.nanoTime() - d.sinceNs > opt.gapTimeout().toNanos()
                    && e == p.waiting.getFirst()) {
                // The predecessor never came: park the event (it and the user's later ones stay unapplied until
                // an operator replays the missing ones).
                dead.add(deadLetter(e, "event " + e.seq() + " of user '" + user + "' waited " + opt.gapTimeout()
                        + " for event " + (cur + 1) + " (the state holds events up to " + cur + ")"));
                ack.add(e.entryId());
            } else {
                defer(e);
            }
        }
        if (cur > start) {
            if (st == null) st = empty();
            writes.add(new StateStore.Write(user, start, cur, st.toBytes()));
            p.user = user;
            p.result = new Known(cur, st);
            written.add(p);
            return true;
        }
        return false;
    }

    /** Sends the dead letters from index {@code from} on; returns the index to go on from. */
    private int sendDeadLetters(List<String[]> dead, int from) {
        for (int k = from; k < dead.size(); k++) redis.xadd(opt.deadLetter(), (Object[]) dead.get(k));
        return dead.size();
    }

    /** The state before a user's first event; made once (it runs the whole user-scope graph), immutable. */
    private UserState empty() {
        if (empty == null) empty = session.emptyState();
        return empty;
    }

    private void defer(UicEvent e) {
        metrics.deferred();
        deferred.putIfAbsent(e.entryId(), new Deferred(e, System.nanoTime()));
    }

    private String[] deadLetter(UicEvent e, String error) {
        metrics.deadLetter();
        return new String[]{"entry", e.entryId(), "stream", opt.stream(), "error", error, UicEvent.FIELD,
                e.raw() == null ? "" : e.raw()};
    }

    /** Entries read and still waiting for their predecessor. */
    public int waiting() {
        return deferred.size();
    }

    /** Closes the stream connection and the session (not the store nor the model). */
    @Override
    public void close() {
        try {
            settleAck();
        } catch (StateStoreException e) {
            // Closing anyway: the entries stay pending and are delivered again.
        }
        try {
            conn.close();
        } finally {
            session.close();
        }
    }
}
