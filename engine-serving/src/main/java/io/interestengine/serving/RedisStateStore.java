package io.interestengine.serving;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * User states in a Redis Cluster: one hash per user and model, key {@code ie:state:<fingerprint>:<user id>},
 * fields {@code s} (sequence number of the last applied event, decimal) and {@code v} (the state's bytes).
 * Writes run a Lua compare-and-set on {@code s}; Redis runs a script atomically on the key's node. Batched
 * reads and writes are pipelined on one connection (Lettuce routes each key to its node).
 */
public final class RedisStateStore implements StateStore {
    private static final String CAS = """
            local cur = redis.call('HGET', KEYS[1], 's')
            if (cur == false and ARGV[1] == '0') or cur == ARGV[1] then
              redis.call('HSET', KEYS[1], 's', ARGV[2], 'v', ARGV[3])
              return 1
            end
            return 0
            """;
    private final RedisClusterClient client;
    private final boolean ownsClient;
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private final StatefulRedisClusterConnection<String, byte[]> conn;
    private final RedisAdvancedClusterAsyncCommands<String, byte[]> async;
    /**
     * Connections of write batches, one per batch in progress (a batch flushes by hand, which must not touch the
     * shared connection other threads send on); kept for the next batch, closed with the store.
     */
    private final List<StatefulRedisClusterConnection<String, byte[]>> batchConns = new ArrayList<>();
    private final ConcurrentLinkedQueue<StatefulRedisClusterConnection<String, byte[]>> idle =
            new ConcurrentLinkedQueue<>();
    private boolean closed;

    /**
     * Connects to the cluster {@code redis://host:port[,host:port...]}.
     *
     * @throws IllegalArgumentException if the address is malformed
     * @throws StateStoreException      if the cluster cannot be reached
     */
    public static RedisStateStore connect(String spec) {
        RedisClusterClient c = RedisClusters.client(spec);
        try {
            return new RedisStateStore(c, true);
        } catch (RuntimeException e) {
            c.shutdown();
            throw new StateStoreException("cannot connect to Redis Cluster " + spec + ": " + e.getMessage(), e);
        }
    }

    /** Uses a client owned by the caller (it is not shut down by {@link #close()}). */
    public RedisStateStore(RedisClusterClient client) {
        this(client, false);
    }

    private RedisStateStore(RedisClusterClient client, boolean owns) {
        this.client = client;
        this.ownsClient = owns;
        this.conn = client.connect(CODEC);
        this.async = conn.async();
    }

    /** The key of a user's state for a model. */
    public static String key(String fingerprint, String userId) {
        return "ie:state:" + fingerprint + ":" + userId;
    }

    @Override
    public Stored get(String fingerprint, String userId) {
        return getAll(fingerprint, List.of(userId)).getFirst();
    }

    @Override
    public boolean compareAndSet(String fingerprint, String userId, long expectedSeq, long newSeq, byte[] state) {
        return compareAndSetAll(fingerprint, List.of(new Write(userId, expectedSeq, newSeq, state)))[0];
    }

    @Override
    public List<Stored> getAll(String fingerprint, List<String> userIds) {
        if (userIds.size() == 1) return read(fingerprint, userIds, async, null);
        // Many reads: on a batch connection of their own, sent with one flush.
        StatefulRedisClusterConnection<String, byte[]> c = borrow();
        try {
            return read(fingerprint, userIds, c.async(), c);
        } finally {
            idle.add(c);
        }
    }

    private List<Stored> read(String fingerprint, List<String> userIds,
            RedisAdvancedClusterAsyncCommands<String, byte[]> cmd, StatefulRedisClusterConnection<String, byte[]> c) {
        List<RedisFuture<List<KeyValue<String, byte[]>>>> fs = new ArrayList<>(userIds.size());
        for (String u : userIds) fs.add(cmd.hmget(key(fingerprint, u), "s", "v"));
        if (c != null) c.flushCommands();
        List<Stored> out = new ArrayList<>(userIds.size());
        for (int k = 0; k < fs.size(); k++) {
            List<KeyValue<String, byte[]>> kv = await(fs.get(k), "HMGET " + key(fingerprint, userIds.get(k)));
            if (!kv.get(0).hasValue()) {
                out.add(null);
                continue;
            }
            String key = key(fingerprint, userIds.get(k));
            if (!kv.get(1).hasValue()) throw new StateStoreException(key + " has a sequence number but no state");
            long seq;
            try {
                seq = Long.parseLong(new String(kv.get(0).getValue(), StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new StateStoreException(key + ": sequence number is not a number", e);
            }
            out.add(new Stored(seq, kv.get(1).getValue()));
        }
        return out;
    }

    @Override
    public boolean[] compareAndSetAll(String fingerprint, List<Write> writes) {
        WriteBatch b = writeBatch(fingerprint);
        for (Write w : writes) b.add(w);
        return b.results();
    }

    /**
     * Sends each write as it is added (Lettuce routes it to its node's connection), on a connection of the batch's
     * own that flushes every {@link #FLUSH_EVERY} writes rather than after each: one system call carries many
     * commands, which is most of the client's cost per write.
     */
    @Override
    public WriteBatch writeBatch(String fingerprint) {
        StatefulRedisClusterConnection<String, byte[]> c = borrow();
        RedisAdvancedClusterAsyncCommands<String, byte[]> cmd = c.async();
        return new WriteBatch() {
            private final List<RedisFuture<Long>> sent = new ArrayList<>();
            private final List<String> users = new ArrayList<>();
            private boolean open = true;

            @Override
            public void add(Write w) {
                if (!open) throw new IllegalStateException("write batch is closed");
                sent.add(cmd.eval(CAS, ScriptOutputType.INTEGER, new String[]{key(fingerprint, w.userId())},
                        ascii(w.expectedSeq()), ascii(w.newSeq()), w.state()));
                users.add(w.userId());
                if (sent.size() % FLUSH_EVERY == 0) c.flushCommands();
            }

            @Override
            public boolean[] results() {
                c.flushCommands();
                boolean[] ok = new boolean[sent.size()];
                for (int k = 0; k < ok.length; k++) ok[k] = await(sent.get(k), "state write of user "
                        + users.get(k)) == 1L;
                return ok;
            }

            @Override
            public void close() {
                if (!open) return;
                open = false;
                c.flushCommands();
                idle.add(c);
            }
        };
    }

    /** Writes sent between two flushes of a batch's connection. */
    private static final int FLUSH_EVERY = 64;

    /** An idle batch connection (manual flushing), or a new one. */
    private StatefulRedisClusterConnection<String, byte[]> borrow() {
        StatefulRedisClusterConnection<String, byte[]> c = idle.poll();
        if (c != null) return c;
        synchronized (batchConns) {
            if (closed) throw new IllegalStateException("state store is closed");
            try {
                c = client.connect(CODEC);
            } catch (RuntimeException e) {
                throw new StateStoreException("cannot open a connection to the Redis Cluster: " + e.getMessage(), e);
            }
            // With manual flushing, commands queued to a node connection that is still being opened when it is
            // flushed can stay unsent (Lettuce issue 2420): a read then waits out its timeout. So the connections
            // that route by slot (one per primary, keyed by host and port) are opened first, while this
            // connection still flushes by itself. A primary that joins later is connected to lazily, as before.
            for (RedisClusterNode n : c.getPartitions()) {
                if (!n.is(RedisClusterNode.NodeFlag.UPSTREAM)) continue;
                String host = n.getUri().getHost();
                int port = n.getUri().getPort();
                try {
                    c.getConnection(host, port);
                } catch (RuntimeException e) {
                    c.close();
                    throw new StateStoreException("cannot open a connection to Redis node " + host + ":" + port + ": "
                            + e.getMessage(), e);
                }
            }
            c.setAutoFlushCommands(false);
            batchConns.add(c);
            return c;
        }
    }

    private static byte[] ascii(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    static <T> T await(RedisFuture<T> f, String what) {
        try {
            return f.get(RedisClusters.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateStoreException(what + ": interrupted", e);
        } catch (ExecutionException e) {
            throw new StateStoreException(what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new StateStoreException(what + ": no answer within " + RedisClusters.TIMEOUT, e);
        }
    }

    @Override
    public void close() {
        try {
            synchronized (batchConns) {
                closed = true;
                batchConns.forEach(StatefulRedisClusterConnection::close);
            }
            conn.close();
        } finally {
            if (ownsClient) client.shutdown();
        }
    }
}
