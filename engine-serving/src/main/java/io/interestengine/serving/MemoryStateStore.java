package io.interestengine.serving;

import java.util.concurrent.ConcurrentHashMap;

/** A state store in this JVM's heap: for one-process setups and tests (states are lost with the process). */
public final class MemoryStateStore implements StateStore {
    private final ConcurrentHashMap<String, Stored> map = new ConcurrentHashMap<>();

    private static String key(String fingerprint, String userId) {
        return fingerprint + ':' + userId;
    }

    @Override
    public Stored get(String fingerprint, String userId) {
        return map.get(key(fingerprint, userId));
    }

    @Override
    public boolean compareAndSet(String fingerprint, String userId, long expectedSeq, long newSeq, byte[] state) {
        StateStore.checkSeqs(expectedSeq, newSeq);
        Stored next = new Stored(newSeq, state.clone());
        boolean[] done = {false};
        map.compute(key(fingerprint, userId), (k, cur) -> {
            long seq = cur == null ? 0 : cur.seq();
            if (seq != expectedSeq) return cur;
            done[0] = true;
            return next;
        });
        return done[0];
    }

    @Override
    public void close() {
    }
}
