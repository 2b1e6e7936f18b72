package io.interestengine;

import io.interestengine.graph.Field;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.SequenceGroup;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Request storage shared by {@link RankingRequest} and {@link BatchRequest}: per field a growable
 * array of ids or floats, per sequence group and user row a length, and a generation stamp per (field, row) so
 * that scoring can tell a row that was never set from one set in an earlier use of the object.
 * Reusing one request object allocates nothing once its arrays have reached the largest size seen.
 */
abstract sealed class RequestData permits RankingRequest, BatchRequest {
    final ModelGraph graph;
    final Field[] fields;
    private final Map<String, Field> byName = new HashMap<>();
    final SequenceGroup[] groups;
    /** The group a user state supplies when scoring from one (found once: the search walks the op list). */
    private final SequenceGroup stateGroup;
    int[][] ids;
    float[][] dense;
    int[][] stamp;
    /** Per sequence group, per user row: the number of ids given. */
    int[][] lengths;
    int[][] lengthStamp;
    int generation = 1;
    int users;
    int candidates;

    RequestData(ModelGraph graph, int userCap, int candCap) {
        this.graph = graph;
        this.fields = graph.fields().toArray(new Field[0]);
        for (Field f : fields) byName.put(f.name(), f);
        this.groups = graph.sequences().toArray(new SequenceGroup[0]);
        this.stateGroup = StateOps.stateGroup(graph);
        ids = new int[fields.length][];
        dense = new float[fields.length][];
        stamp = new int[fields.length][];
        for (Field f : fields) {
            int rows = f.group() == Field.Group.CANDIDATE ? candCap : userCap;
            stamp[f.index()] = new int[rows];
            if (f.isDense()) dense[f.index()] = new float[rows * f.denseWidth()];
            else if (!f.isDerived()) ids[f.index()] = new int[f.group() == Field.Group.HISTORY ? rows * f.seq().maxLength() : rows];
        }
        lengths = new int[groups.length][userCap];
        lengthStamp = new int[groups.length][userCap];
    }

    /** User rows the arrays hold. */
    private int userCapacity() {
        for (Field f : fields) if (f.group() != Field.Group.CANDIDATE) return stamp[f.index()].length;
        return lengths.length > 0 ? lengths[0].length : Integer.MAX_VALUE;
    }

    /** Forgets every value set so far (arrays are kept for reuse). */
    void newGeneration() {
        generation++;
        if (generation == Integer.MAX_VALUE) {
            for (int[] s : stamp) Arrays.fill(s, 0);
            for (int[] s : lengthStamp) Arrays.fill(s, 0);
            generation = 1;
        }
    }

    Field field(String name, Field.Group group) {
        Field f = byName.get(name);
        if (f == null || f.group() != group) {
            throw new InvalidRequestException("no " + group.name().toLowerCase() + " field '" + name + "' in model '" + graph.name() + "' (fields: "
                    + String.join(", ", graph.fields(group).stream().filter(x -> !x.isDerived()).map(Field::name).toList()) + ")");
        }
        if (f.isDerived()) throw new InvalidRequestException(group.name().toLowerCase() + " field '" + name + "' is derived from '" + f.deriveFrom().name() + "' and is not sent");
        return f;
    }

    void growUsers(int cap) {
        int have = userCapacity();
        if (have >= cap) return;
        int n = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(cap, 2L * have));
        for (int k = 0; k < groups.length; k++) {
            lengths[k] = Arrays.copyOf(lengths[k], n);
            lengthStamp[k] = Arrays.copyOf(lengthStamp[k], n);
        }
        for (Field f : fields) if (f.group() != Field.Group.CANDIDATE) grow(f, n);
    }

    void growCandidates(int cap) {
        for (Field f : fields) {
            if (f.group() == Field.Group.CANDIDATE && stamp[f.index()].length < cap) grow(f, Math.max(cap, stamp[f.index()].length * 2));
        }
    }

    private void grow(Field f, int rows) {
        int i = f.index();
        stamp[i] = Arrays.copyOf(stamp[i], rows);
        if (f.isDense()) dense[i] = Arrays.copyOf(dense[i], rows * f.denseWidth());
        else if (!f.isDerived()) ids[i] = Arrays.copyOf(ids[i], f.group() == Field.Group.HISTORY ? rows * f.seq().maxLength() : rows);
    }

    void setId(Field f, int row, int id) {
        ids[f.index()][row] = id;
        stamp[f.index()][row] = generation;
    }

    void setDense(Field f, int row, float[] v, int off) {
        int w = f.denseWidth();
        if (v.length - off < w) throw new InvalidRequestException("dense field '" + f.name() + "' needs " + w + " values, got " + Math.max(0, v.length - off));
        System.arraycopy(v, off, dense[f.index()], row * w, w);
        stamp[f.index()][row] = generation;
    }

    void setHistory(Field f, int row, int[] src, int len) {
        SequenceGroup g = f.seq();
        int T = g.maxLength(), k = g.index();
        if (len < 0) throw new InvalidRequestException("history field '" + f.name() + "': negative length " + len);
        if (len > T) throw new InvalidRequestException("history field '" + f.name() + "': length " + len + " exceeds max_length " + T + groupNote(g));
        if (src.length < len) throw new InvalidRequestException("history field '" + f.name() + "': length " + len + " but only " + src.length + " ids given");
        if (lengthStamp[k][row] == generation && lengths[k][row] != len) {
            throw new InvalidRequestException("history field '" + f.name() + "': length " + len + " differs from the length " + lengths[k][row]
                    + " of another history field" + groupNote(g));
        }
        lengths[k][row] = len;
        lengthStamp[k][row] = generation;
        System.arraycopy(src, 0, ids[f.index()], row * T, len);
        stamp[f.index()][row] = generation;
    }

    private String groupNote(SequenceGroup g) {
        return groups.length > 1 ? " of " + g.describe() : "";
    }

    /** Throws naming the first field and row that was not set. */
    void checkComplete() {
        checkComplete(true);
    }

    /** As {@link #checkComplete()}; the fields of group {@code fromState} (non-null) are not required. */
    void checkComplete(boolean history) {
        checkComplete(history ? null : stateGroup);
    }

    private void checkComplete(SequenceGroup fromState) {
        if (candidates < 1) throw new InvalidRequestException("the request has no candidates");
        for (Field f : fields) {
            if (f.isDerived() || (fromState != null && f.seq() == fromState)) continue;
            int rows = f.group() == Field.Group.CANDIDATE ? candidates : users;
            int[] s = stamp[f.index()];
            for (int r = 0; r < rows; r++) {
                if (s[r] != generation) throw new InvalidRequestException(describeMissing(f, r));
            }
        }
        for (SequenceGroup g : groups) {
            if (g == fromState) continue;
            for (int r = 0; r < users; r++) if (lengthStamp[g.index()][r] != generation) throw new InvalidRequestException("no history set" + groupNote(g) + rowName(r));
        }
    }

    abstract String rowName(int userRow);

    String describeMissing(Field f, int row) {
        return f.group().name().toLowerCase() + " field '" + f.name() + "' was not set" + (f.group() == Field.Group.CANDIDATE ? " for candidate " + row : rowName(row));
    }
}
