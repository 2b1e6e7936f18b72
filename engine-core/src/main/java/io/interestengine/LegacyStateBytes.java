package io.interestengine;

import io.interestengine.graph.Field;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Value;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads user states in format 2 (the engine's format before 3), so that states already in a store stay usable
 * after an upgrade; nothing writes it any more. Format 2 stored every value whole (the padding rows of masked
 * sequences too, which must be zero) and each value's name before its floats.
 */
final class LegacyStateBytes {
    private LegacyStateBytes() {
    }

    /** The state whose body (after magic and version, checksum already checked) {@code in} holds. */
    static UserState read(ModelGraph g, ByteBuffer in) {
        UserState.checkFingerprint(g, in);
        int len = UserState.checkLength(g, in.getInt(), in.getInt());
        int[][] ids = StateOps.emptyIds(g);
        for (int f = 0; f < ids.length; f++) {
            if (ids[f] == null) continue;
            Field field = g.fields().get(f);
            for (int k = 0; k < len; k++) ids[f][k] = UserState.checkId(field, k, in.getInt());
        }
        List<Value> defs = StateOps.statefulValues(g);
        int n = in.getInt();
        if (n != defs.size()) throw new IllegalArgumentException("user state holds " + n + " values, the model has "
                + defs.size());
        float[][] vals = new float[n][];
        for (int k = 0; k < n; k++) {
            byte[] nb = new byte[in.getShort() & 0xffff];
            in.get(nb);
            String name = new String(nb, StandardCharsets.UTF_8);
            Value v = defs.get(k);
            int cnt = in.getInt();
            if (!name.equals(v.name()) || cnt != v.rowSize()) {
                throw new IllegalArgumentException("user state value '" + name + "' (" + cnt
                        + " floats) does not match '" + v.name() + "' (" + v.rowSize() + ")");
            }
            int real = v.sequence() && v.masked() ? len * v.width() : cnt;
            vals[k] = new float[cnt];
            in.asFloatBuffer().get(vals[k]);
            in.position(in.position() + 4 * cnt);
            UserState.checkFinite(name, vals[k], cnt);
            for (int i = real; i < cnt; i++) {
                if (vals[k][i] != 0f) throw new IllegalArgumentException("user state value '" + name + "' holds "
                        + vals[k][i] + " at padding index " + i + " (window of " + len + ")");
            }
        }
        if (in.hasRemaining()) throw new IllegalArgumentException("user state has " + in.remaining()
                + " trailing bytes");
        return new UserState(g, len, ids, defs.toArray(new Value[0]), vals);
    }
}
