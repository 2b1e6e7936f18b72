package io.interestengine;

import io.interestengine.graph.Field;
import io.interestengine.graph.ModelGraph;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Request storage shared by {@link RankingRequest} and {@link BatchRequest}: per field a growable
 * array of ids or floats, per user row a history length, and a generation stamp per (field, row) so
 * that scoring can tell a row that was never set from one set in an earlier use of the object.
 * Reusing one request object allocates nothing once its arrays have reached the largest size seen.
 */
abstract sealed class RequestData permits RankingRequest, BatchRequest {
    final ModelGraph graph;
    final Field[] fields;
    private final Map<String, Field> byName = new HashMap<>();
    final int historyLength;
    int[][] ids;
    float[][] dense;
    int[][] stamp;
    int[] lengths;
    int[] lengthStamp;
    int generation = 1;
    int users;
    int candidates;

    RequestData(ModelGraph graph, int userCap, int candCap) {
        this.graph = graph;
        this.fields = graph.fields().toArray(new Field[0]);
        for (Field f : fields) byName.put(f.name(), f);
        this.historyLength = graph.historyLength();
        ids = new int[fields.length][];
        dense = new float[fields.length][];
        stamp = new int[fields.length][];
        for (Field f : fields) {
            int rows = f.group() == Field.Group.CANDIDATE ? candCap : userCap;
            stamp[f.index()] = new int[rows];
            if (f.isDense()) dense[f.index()] = new float[rows * f.denseWidth()];
            else if (!f.isDerived()) ids[f.index()] = new int[f.group() == Field.Group.HISTORY ? rows * historyLength : rows];
        }
        lengths = new int[userCap];
        lengthStamp = new int[userCap];
    }

    /** Forgets every value set so far (arrays are kept for reuse). */
    void newGeneration() {
        generation++;
        if (generation == Integer.MAX_VALUE) {
            for (int[] s : stamp) Arrays.fill(s, 0);
            Arrays.fill(lengthStamp, 0);
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
        if (lengths.length >= cap) return;
        int n = Math.max(cap, lengths.length * 2);
        lengths = Arrays.copyOf(lengths, n);
        lengthStamp = Arrays.copyOf(lengthStamp, n);
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
        else if (!f.isDerived()) ids[i] = Arrays.copyOf(ids[i], f.group() == Field.Group.HISTORY ? rows * historyLength : rows);
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
        if (len < 0) throw new InvalidRequestException("history field '" + f.name() + "': negative length " + len);
        if (len > historyLength) throw new InvalidRequestException("history field '" + f.name() + "': length " + len + " exceeds max_length " + historyLength);
        if (src.length < len) throw new InvalidRequestException("history field '" + f.name() + "': length " + len + " but only " + src.length + " ids given");
        if (lengthStamp[row] == generation && lengths[row] != len) {
            throw new InvalidRequestException("history field '" + f.name() + "': length " + len + " differs from the length " + lengths[row] + " of another history field");
        }
        lengths[row] = len;
        lengthStamp[row] = generation;
        System.arraycopy(src, 0, ids[f.index()], row * historyLength, len);
        stamp[f.index()][row] = generation;
    }

    /** Throws naming the first field and row that was not set. */
    void checkComplete() {
        checkComplete(true);
    }

    /** As {@link #checkComplete()}; history fields are not required when {@code history} is false. */
    void checkComplete(boolean history) {
        if (candidates < 1) throw new InvalidRequestException("the request has no candidates");
        for (Field f : fields) {
            if (f.isDerived() || (!history && f.group() == Field.Group.HISTORY)) continue;
            int rows = f.group() == Field.Group.CANDIDATE ? candidates : users;
            int[] s = stamp[f.index()];
            for (int r = 0; r < rows; r++) {
                if (s[r] != generation) throw new InvalidRequestException(describeMissing(f, r));
            }
        }
        if (history && historyLength > 0) {
            for (int r = 0; r < users; r++) if (lengthStamp[r] != generation) throw new InvalidRequestException("no history set" + rowName(r));
        }
    }

    abstract String rowName(int userRow);

    String describeMissing(Field f, int row) {
        return f.group().name().toLowerCase() + " field '" + f.name() + "' was not set" + (f.group() == Field.Group.CANDIDATE ? " for candidate " + row : rowName(row));
    }
}
