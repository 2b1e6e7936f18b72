package io.interestengine;

import io.interestengine.graph.Field;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Value;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
    /** 2: a CRC32C follows the body. 3: window rows only, no value names, bulk-copied (2 is still read). */
    private static final int VERSION = 3;

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
     * 3, big-endian: magic, version, fingerprint (2-byte length, UTF-8), max_length, length, the window's ids per
     * history field, the number of stateful values, then per value its float count and floats; then the checksum).
     * Masked sequences keep only the window's rows (padding rows are zero by definition), and values carry no names:
     * the fingerprint fixes which values a model has and in what order. One array, written with bulk copies.
     */
    public byte[] toBytes() {
        byte[] fp = graph.fingerprint().getBytes(StandardCharsets.UTF_8);
        int size = 4 + 4 + 2 + fp.length + 4 + 4 + 4 + 4;
        for (int[] a : ids) if (a != null) size += 4 * length;
        for (int k = 0; k < values.length; k++) size += 4 + 4 * storedFloats(valueDefs[k], length);
        byte[] out = new byte[size];
        ByteBuffer b = ByteBuffer.wrap(out);
        b.putInt(MAGIC).putInt(VERSION).putShort((short) fp.length).put(fp);
        b.putInt(StateOps.windowLength(graph)).putInt(length);
        for (int[] a : ids) {
            if (a == null) continue;
            b.asIntBuffer().put(a, 0, length);
            b.position(b.position() + 4 * length);
        }
        b.putInt(values.length);
        for (int k = 0; k < values.length; k++) {
            int n = storedFloats(valueDefs[k], length);
            b.putInt(n);
            b.asFloatBuffer().put(values[k], 0, n);
            b.position(b.position() + 4 * n);
        }
        CRC32C crc = new CRC32C();
        crc.update(out, 0, size - 4);
        b.putInt((int) crc.getValue());
        return out;
    }

    /** Floats a value stores: a masked sequence's window rows, else the whole row. */
    private static int storedFloats(Value v, int length) {
        return v.sequence() && v.masked() ? length * v.width() : v.rowSize();
    }

    /**
     * Restores a state saved by {@link #toBytes()} (format 3), or by the engine before it (format 2, which stored
     * the padding rows and the values' names: states kept in a store stay readable across the upgrade). Everything
     * is checked before anything is used: the checksum (any corruption of stored bytes), the model's fingerprint,
     * the lengths, every history id against its table (the table's out-of-vocabulary policy decides, as for a
     * request), the stateful values' sizes (and names and zero padding in format 2), and every value being finite.
     *
     * @throws IllegalArgumentException if the bytes are not a state, are of an unknown format version, are corrupted
     *                                  (checksum), were made by another model (fingerprint differs), hold an id
     *                                  outside its table, or do not fit this model's stateful values
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
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, bytes.length - 4);
        if (in.getInt() != MAGIC) throw new IllegalArgumentException("not a user state (bad magic)");
        int ver = in.getInt();
        if (ver != VERSION && ver != 2) {
            throw new IllegalArgumentException("user state format version " + ver
                    + " is unknown (this engine reads 2 and " + VERSION + ")");
        }
        int body = bytes.length - 4;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, body);
        int stored = ByteBuffer.wrap(bytes).getInt(body);
        if (stored != (int) crc.getValue()) {
            throw new IllegalArgumentException("user state is corrupted: CRC32C "
                    + Integer.toHexString((int) crc.getValue()) + " of its " + body
                    + " bytes differs from the stored " + Integer.toHexString(stored));
        }
        try {
            return ver == VERSION ? read(g, in) : LegacyStateBytes.read(g, in);
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("user state is truncated (" + bytes.length + " bytes)");
        }
    }

    private static UserState read(ModelGraph g, ByteBuffer in) {
        checkFingerprint(g, in);
        int len = checkLength(g, in.getInt(), in.getInt());
        int[][] ids = StateOps.emptyIds(g);
        for (int f = 0; f < ids.length; f++) {
            if (ids[f] == null) continue;
            in.asIntBuffer().get(ids[f], 0, len);
            in.position(in.position() + 4 * len);
            Field field = g.fields().get(f);
            for (int k = 0; k < len; k++) checkId(field, k, ids[f][k]);
        }
        List<Value> defs = StateOps.statefulValues(g);
        int n = in.getInt();
        if (n != defs.size()) throw new IllegalArgumentException("user state holds " + n + " values, the model has "
                + defs.size());
        float[][] vals = new float[n][];
        for (int k = 0; k < n; k++) {
            Value v = defs.get(k);
            int cnt = in.getInt(), want = storedFloats(v, len);
            if (cnt != want) {
                throw new IllegalArgumentException("user state value '" + v.name() + "' holds " + cnt + " floats, "
                        + want + " expected for a window of " + len);
            }
            vals[k] = new float[v.rowSize()];
            in.asFloatBuffer().get(vals[k], 0, cnt);
            in.position(in.position() + 4 * cnt);
            checkFinite(v.name(), vals[k], cnt);
        }
        if (in.hasRemaining()) throw new IllegalArgumentException("user state has " + in.remaining()
                + " trailing bytes");
        return new UserState(g, len, ids, defs.toArray(new Value[0]), vals);
    }

    static void checkFingerprint(ModelGraph g, ByteBuffer in) {
        byte[] fp = new byte[in.getShort() & 0xffff];
        in.get(fp);
        String s = new String(fp, StandardCharsets.UTF_8);
        if (!s.equals(g.fingerprint())) {
            throw new IllegalArgumentException("user state was made by model fingerprint " + s + ", not by model '"
                    + g.name() + "' (fingerprint " + g.fingerprint() + ")");
        }
    }

    static int checkLength(ModelGraph g, int T, int len) {
        if (T != StateOps.windowLength(g) || len < 0 || len > T) {
            throw new IllegalArgumentException("user state length " + len + " of " + T + " does not fit max_length "
                    + StateOps.windowLength(g));
        }
        return len;
    }

    static void checkFinite(String name, float[] a, int n) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(a[i])) throw new NumericException("user state value '" + name + "' holds " + a[i]
                    + " at index " + i);
        }
    }

    static int checkId(Field f, int pos, int id) {
        if (f.table() == null || !f.table().oovIsError() || (id >= 0 && id < f.table().rows())) return id;
        throw new IllegalArgumentException("user state history field '" + f.name() + "': id " + id + " at position "
                + pos
                + " is outside table '" + f.table().name() + "' of " + f.table().rows() + " rows (oov policy: error)");
    }
}
