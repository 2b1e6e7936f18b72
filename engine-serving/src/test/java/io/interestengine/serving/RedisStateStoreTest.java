package io.interestengine.serving;

import io.lettuce.core.cluster.RedisClusterClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The state store's batched reads and writes on connections it has just opened, against a real cluster. */
class RedisStateStoreTest {
    private RedisClusterClient client;

    @BeforeEach
    void connect() {
        client = RedisClusters.client(RedisClusterFixture.get().spec());
    }

    @AfterEach
    void disconnect() {
        client.shutdown();
    }

    /**
     * A fresh store's batched read of keys on every primary, its batched write and its read again, each answered
     * within the store's timeout (else a StateStoreException says "no answer within"), 300 times over. Batches
     * flush by hand, and commands queued to a node connection still being opened when the flush ran used to stay
     * unsent: before the store opened its node connections first, each of three runs of this test failed so
     * (at rounds 187, 1 and 64), as did one CI run of UicRedisTest. {@code -Die.rounds} and {@code -Die.users}
     * change the size.
     */
    @Test
    void freshStoresAnswerBatchedReadsAndWrites() {
        String fp = "fresh-" + System.nanoTime();
        List<String> users = new ArrayList<>();
        // 400 keys: their hash slots fall on all three primaries
        for (int u = 0; u < Integer.getInteger("ie.users", 400); u++) users.add("u" + u);
        for (int round = 0; round < Integer.getInteger("ie.rounds", 300); round++) {
            try (RedisStateStore store = new RedisStateStore(client)) {
                String fpr = fp + "-" + round;
                List<StateStore.Stored> none = store.getAll(fpr, users);
                assertEquals(users.size(), none.size());
                for (StateStore.Stored s : none) assertNull(s, "nothing stored yet under " + fpr);
                List<StateStore.Write> writes = new ArrayList<>();
                for (int u = 0; u < users.size(); u++) {
                    writes.add(new StateStore.Write(users.get(u), 0, 1, new byte[]{(byte) u}));
                }
                boolean[] ok = store.compareAndSetAll(fpr, writes);
                for (int u = 0; u < ok.length; u++) assertTrue(ok[u], "first write of " + users.get(u));
                List<StateStore.Stored> back = store.getAll(fpr, users);
                for (int u = 0; u < users.size(); u++) {
                    assertEquals(1, back.get(u).seq(), users.get(u));
                    assertArrayEquals(new byte[]{(byte) u}, back.get(u).state(), users.get(u));
                }
            }
        }
    }

    /** A batch that cannot open its connection fails with the store's own exception, saying so. */
    @Test
    void aBatchThatCannotConnectFailsWithTheStoresException() {
        RedisClusterClient other = RedisClusters.client(RedisClusterFixture.get().spec());
        RedisStateStore store = new RedisStateStore(other);
        other.shutdown();
        StateStoreException e = assertThrows(StateStoreException.class, () -> store.getAll("fp", List.of("a", "b")));
        assertTrue(e.getMessage().startsWith("cannot open a connection"), e.getMessage());
        store.close();
    }
}
