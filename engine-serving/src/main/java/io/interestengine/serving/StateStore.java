package io.interestengine.serving;

import java.util.ArrayList;
import java.util.List;

/**
 * Where user interest states live: one value per (model fingerprint, user id), holding the bytes of
 * {@link io.interestengine.UserState#toBytes()} and the sequence number of the last event applied to it.
 * Keying by fingerprint keeps states of different model versions apart: a new version starts from its own
 * keys and never restores bytes made by another (see docs/SERVING.md on rolling a model).
 *
 * <p>Writes are compare-and-set on the sequence number, which is what makes the UIC's effect exactly-once:
 * a write succeeds only over the sequence number its writer read, so a second worker that applies the same
 * events, or a restarted one, cannot apply an event twice.
 */
public interface StateStore extends AutoCloseable {

    /** A stored state: the sequence number of the last applied event (at least 1) and the state's bytes. */
    record Stored(long seq, byte[] state) {
    }

    /**
     * A user's stored state, or null when no event was applied for this user and model yet.
     *
     * @throws StateStoreException if the store cannot be reached or holds a malformed value
     */
    Stored get(String fingerprint, String userId);

    /**
     * Writes a user's state when the stored sequence number equals {@code expectedSeq} (0: nothing stored).
     *
     * @return true if written, false if the stored sequence number differed (another writer got there first)
     * @throws StateStoreException      if the store cannot be reached
     * @throws IllegalArgumentException if {@code newSeq} is not above {@code expectedSeq}
     */
    boolean compareAndSet(String fingerprint, String userId, long expectedSeq, long newSeq, byte[] state);

    /**
     * {@link #get} for many users at once (one round trip per store node where the store can).
     *
     * @return one entry per user, in order, null where nothing is stored
     * @throws StateStoreException if the store cannot be reached or holds a malformed value
     */
    default List<Stored> getAll(String fingerprint, List<String> userIds) {
        List<Stored> out = new ArrayList<>(userIds.size());
        for (String u : userIds) out.add(get(fingerprint, u));
        return out;
    }

    /**
     * {@link #compareAndSet} for many users at once.
     *
     * @return per write, whether it was applied
     * @throws StateStoreException if the store cannot be reached
     */
    default boolean[] compareAndSetAll(String fingerprint, List<Write> writes) {
        boolean[] ok = new boolean[writes.size()];
        for (int k = 0; k < ok.length; k++) {
            Write w = writes.get(k);
            ok[k] = compareAndSet(fingerprint, w.userId(), w.expectedSeq(), w.newSeq(), w.state());
        }
        return ok;
    }

    /**
     * Conditional writes for one model that a caller adds one by one while it computes the next, and whose outcomes
     * it reads at the end. A store that can sends each write as it is added, so that the store works while the
     * caller computes; otherwise the writes go out together on {@link #results()}. Writes to different users are
     * independent; a batch holds at most one write per user. Not thread-safe: one caller fills and reads it, then
     * closes it (a batch closed before {@link #results()} still sends what was added; compare-and-set makes a
     * write that lands late harmless).
     */
    interface WriteBatch extends AutoCloseable {
        /**
         * Adds (and, where the store can, sends) a write.
         *
         * @throws StateStoreException if the store cannot be reached
         */
        void add(Write write);

        /**
         * Waits for every write added.
         *
         * @return per write, in the order added, whether it was applied
         * @throws StateStoreException if the store cannot be reached or did not answer
         */
        boolean[] results();

        /** Releases what the batch holds (a connection, say). */
        @Override
        default void close() {
        }
    }

    /** A new {@link WriteBatch} for the model with this fingerprint. */
    default WriteBatch writeBatch(String fingerprint) {
        List<Write> writes = new ArrayList<>();
        return new WriteBatch() {
            @Override
            public void add(Write write) {
                writes.add(write);
            }

            @Override
            public boolean[] results() {
                return compareAndSetAll(fingerprint, writes);
            }
        };
    }

    /** One conditional write of {@link #compareAndSetAll}. */
    record Write(String userId, long expectedSeq, long newSeq, byte[] state) {
        /** @throws IllegalArgumentException if {@code newSeq} is not above {@code expectedSeq} */
        public Write {
            checkSeqs(expectedSeq, newSeq);
        }
    }

    /** Releases connections. */
    @Override
    void close();

    /** @throws IllegalArgumentException if the sequence numbers do not move forward */
    static void checkSeqs(long expectedSeq, long newSeq) {
        if (expectedSeq < 0 || newSeq <= expectedSeq) {
            throw new IllegalArgumentException("sequence number " + newSeq + " does not follow " + expectedSeq);
        }
    }
}
