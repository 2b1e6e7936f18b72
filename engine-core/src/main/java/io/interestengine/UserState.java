package io.interestengine;

import io.interestengine.graph.Field;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Value;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * One user's interest state: the behavior window (the last events, at most the model's {@code max_length})
 * and the outputs of the model's stateful ops computed from it — the DIEN interest extractor's states (the
 * user-scope {@code gru} ops: every step's state and so the final one) and the MIMN memory network (memory,
 * controller, read vector, w_aggre, sum_aggre, MIU states and outputs, mean memory). Candidate-dependent
 * parts (DIEN's attention and interest evolution, MIMN's read with the candidate) are computed at scoring.
 *
 * <p>Built from a full history with {@link Session#buildState}, advanced one behavior event at a time with
 * {@link Session#advance} (write on event), used with {@link Session#score(UserState, RankingRequest, float[])}
 * (read on request). Immutable: advancing returns a new state and no two states share mutable memory, so a
 * state may be read by many threads. Serialise with {@link #toBytes()}; {@link #fromBytes} checks that the
 * bytes were made by the same model (configuration and weights fingerprint).
 *
 * <p>Advancing always gives the state that building from the new window gives. It costs one step of each
 * stateful op for plain user-scope GRUs over the history (the DIEN extractor, either cell style, either
 * padding, also a second GRU over the first's outputs) and for MIMN with {@code "steps": "events"} (the User
 * Interest Center mode). MIMN with {@code "steps": "padded"} (compatibility with the original scripts) cannot
 * take an event from its stored state: the scripts run T − len padding steps before the real events, these
 * move the read vector and w_aggre, and their number changes with every event; its states are recomputed
 * over the window instead ({@link Session#incrementalAdvance()} says so). DIEN's attention and interest
 * evolution need the candidate, so only the extractor is stateful. A model with no stateful ops (Base,
 * DIN) keeps only the window.
 */
public final class UserState {
    private static final int MAGIC = 0x49455553; // "IEUS"
    /** 2: a CRC32C follows the body. */
    private static final int VERSION = 2;

    /** What {@link Session#advance} does when the window already holds {@code max_length} events. */
    public enum Overflow {
        /** Reject the event with an {@link IllegalStateException}. */
        ERROR,
        /**
         * Drop the oldest event and recompute the stateful ops over the remaining window (cost of one full build):
         * the state then equals one built from the last {@code max_length} events, what a request carrying them scores.
         */
        SLIDE
    }

    final ModelGraph graph;
    final int length;
    /** Per field index: the window's ids in event order ({@code max_length} each; null for non-history or derived fields). */
    final int[][] ids;
    /** The stateful values, in graph order, and their floats in event order (sequences: row k is event k). */
    final Value[] valueDefs;
    final float[][] values;

    UserState(ModelGraph graph, int length, int[][] ids, Value[] defs, float[][] values) {
        this.graph = graph;
        this.length = length;
        this.ids = ids;
        this.valueDefs = defs;
        this.values = values;
    }

    /** Number of events in the window (0 … max_length). */
    public int length() {
        return length;
    }

    /** The fingerprint of the model that made this state. */
    public String modelFingerprint() {
        return graph.fingerprint();
    }

    /** The ids of one history field in event order (a copy). @throws IllegalArgumentException if there is no such field */
    public int[] history(String field) {
        Field f = graph.field(field);
        if (f == null || f.group() != Field.Group.HISTORY || f.isDerived() || ids[f.index()] == null) throw new IllegalArgumentException("no history field '" + field + "' sent to model '" + graph.name() + "'");
        return Arrays.copyOf(ids[f.index()], length);
    }

    /** The floats of one stateful value in event order (a copy), e.g. the extractor's states {@code [length, H]}. */
    public float[] value(String name) {
        for (int k = 0; k < valueDefs.length; k++) {
            if (valueDefs[k].name().equals(name)) {
                Value v = valueDefs[k];
                int n = v.sequence() && v.masked() ? length * v.width() : v.rowSize();
                return Arrays.copyOf(values[k], n);
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not a stateful value of model '" + graph.name() + "' (stateful: "
                + String.join(", ", Arrays.stream(valueDefs).map(Value::name).toList()) + ")");
    }

    /**
     * Serialises the state with the model's fingerprint, ending in a CRC32C of everything before it (format version
     * 2: magic, version, fingerprint, max_length, length, the window's ids per history field, then each stateful
     * value's name, float count and floats, big-endian; then the checksum).
     */
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            DataOutputStream o = new DataOutputStream(bo);
            o.writeInt(MAGIC);
            o.writeInt(VERSION);
            o.writeUTF(graph.fingerprint());
            o.writeInt(StateOps.windowLength(graph));
            o.writeInt(length);
            for (int[] a : ids) {
                if (a == null) continue;
                for (int k = 0; k < length; k++) o.writeInt(a[k]);
            }
            o.writeInt(values.length);
            for (int k = 0; k < values.length; k++) {
                o.writeUTF(valueDefs[k].name());
                o.writeInt(values[k].length);
                for (float x : values[k]) o.writeFloat(x);
            }
            o.flush();
            CRC32C crc = new CRC32C();
            crc.update(bo.toByteArray());
            o.writeInt((int) crc.getValue());
            o.flush();
            return bo.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Restores a state saved by {@link #toBytes()}, checking everything before anything is used: the checksum (any
     * corruption of stored bytes), the model's fingerprint, the lengths, every history id against its table (the
     * table's out-of-vocabulary policy decides, as for a request), the stateful values' names and sizes, padding
     * positions of masked sequences being zero, and every value being finite.
     *
     * @throws IllegalArgumentException if the bytes are not a state, are corrupted (checksum), were made by another
     *                                  model (fingerprint differs), hold an id outside its table, or do not fit
     *                                  this model's stateful values
     * @throws NumericException         if a stored value is NaN or infinite (possible only when the checksum was
     *                                  written over such a value, never by {@link #toBytes()})
     * @throws IllegalStateException    if the model is closed
     * @throws NullPointerException     if {@code model} or {@code bytes} is null
     */
    public static UserState fromBytes(Model model, byte[] bytes) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(bytes, "bytes");
        model.check();
        ModelGraph g = model.graph();
        if (bytes.length < 12) throw new IllegalArgumentException("not a user state (" + bytes.length + " bytes)");
        int body = bytes.length - 4;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, body);
        int stored = ((bytes[body] & 0xff) << 24) | ((bytes[body + 1] & 0xff) << 16) | ((bytes[body
                + 2] & 0xff) << 8) | (bytes[body + 3] & 0xff);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, body))) {
            if (in.readInt() != MAGIC) throw new IllegalArgumentException("not a user state (bad magic)");
            int ver = in.readInt();
            if (ver != VERSION) throw new IllegalArgumentException("user state version " + ver + " (this engine reads " + VERSION + ")");
            if (stored != (int) crc.getValue()) {
                throw new IllegalArgumentException("user state is corrupted: CRC32C "
                        + Integer.toHexString((int) crc.getValue())
                        + " of its " + body + " bytes differs from the stored " + Integer.toHexString(stored));
            }
            String fp = in.readUTF();
            if (!fp.equals(g.fingerprint())) {
                throw new IllegalArgumentException("user state was made by model fingerprint " + fp + ", not by model '" + g.name() + "' (fingerprint " + g.fingerprint() + ")");
            }
            int T = in.readInt(), len = in.readInt();
            if (T != StateOps.windowLength(g) || len < 0 || len > T) throw new IllegalArgumentException("user state length " + len + " of " + T + " does not fit max_length " + StateOps.windowLength(g));
            int[][] ids = StateOps.emptyIds(g);
            for (int f = 0; f < ids.length; f++) {
                if (ids[f] == null) continue;
                Field field = g.fields().get(f);
                for (int k = 0; k < len; k++) ids[f][k] = checkId(field, k, in.readInt());
            }
            List<Value> defs = StateOps.statefulValues(g);
            int n = in.readInt();
            if (n != defs.size()) throw new IllegalArgumentException("user state holds " + n + " values, the model has " + defs.size());
            float[][] vals = new float[n][];
            for (int k = 0; k < n; k++) {
                String name = in.readUTF();
                Value v = defs.get(k);
                int cnt = in.readInt();
                if (!name.equals(v.name()) || cnt != v.rowSize()) throw new IllegalArgumentException("user state value '" + name + "' (" + cnt + " floats) does not match '" + v.name() + "' (" + v.rowSize() + ")");
                // Masked sequences are stored in event order: rows past the window are padding and hold zeros.
                int real = v.sequence() && v.masked() ? len * v.width() : cnt;
                vals[k] = new float[cnt];
                for (int i = 0; i < cnt; i++) {
                    float x = in.readFloat();
                    if (!Float.isFinite(x)) throw new NumericException("user state value '" + name + "' holds " + x + " at index " + i);
                    if (i >= real && x != 0f) throw new IllegalArgumentException("user state value '" + name
                            + "' holds " + x + " at padding index " + i + " (window of " + len + ")");
                    vals[k][i] = x;
                }
            }
            if (in.available() != 0) throw new IllegalArgumentException("user state has " + in.available() + " trailing bytes");
            return new UserState(g, len, ids, defs.toArray(new Value[0]), vals);
        } catch (IOException e) {
            throw new IllegalArgumentException("user state is truncated: " + e);
        }
    }

    private static int checkId(Field f, int pos, int id) {
        if (f.table() == null || !f.table().oovIsError() || (id >= 0 && id < f.table().rows())) return id;
        throw new IllegalArgumentException("user state history field '" + f.name() + "': id " + id + " at position "
                + pos
                + " is outside table '" + f.table().name() + "' of " + f.table().rows() + " rows (oov policy: error)");
    }
}
