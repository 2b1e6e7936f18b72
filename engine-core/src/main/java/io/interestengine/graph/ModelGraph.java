package io.interestengine.graph;

import java.util.List;
import java.util.Map;

/**
 * A loaded, validated model: tables, request fields, sequence groups, the op graph in declaration order and
 * the output. Immutable; tensors are owned by the arena of the {@code Model} that loaded it.
 */
public record ModelGraph(String name, String reference, String fingerprint, int formatVersion,
                         Map<String, Table> tables, List<Field> fields, List<SequenceGroup> sequences,
                         Map<String, Value> values, List<Op> ops, Output output) {

    public Field field(String name) {
        for (Field f : fields) if (f.name().equals(name)) return f;
        return null;
    }

    public List<Field> fields(Field.Group g) {
        return fields.stream().filter(f -> f.group() == g).toList();
    }

    /** The sent (non-derived) fields of one sequence group, in declaration order. */
    public List<Field> sentFields(SequenceGroup s) {
        return fields.stream().filter(f -> f.seq() == s && !f.isDerived()).toList();
    }

    /** The field whose ids decide an id-masked group's real positions: its first. */
    public Field maskField(SequenceGroup s) {
        for (Field f : fields) if (f.seq() == s) return f;
        throw new IllegalStateException(s.describe() + " has no field");
    }

    /** The op that writes {@code v}, or null (a value the executor stages). */
    public Op producer(Value v) {
        for (Op o : ops) if (o.out() == v) return o;
        return null;
    }

    /**
     * The one op that reads {@code v}, or null when none does, several do, or {@code v} is the model's output
     * (a backend may then fold {@code v} into that op instead of materialising it).
     */
    public Op soleReader(Value v) {
        if (output != null && output.in() == v) return null;
        Op reader = null;
        for (Op o : ops) {
            if (!o.inputs().contains(v)) continue;
            if (reader != null) return null;
            reader = o;
        }
        return reader;
    }

    /** Bytes of weights a backend keeps resident (tables and every op's weights), for memory-fit checks. */
    public long weightBytes() {
        long b = 0;
        for (Table t : tables.values()) b += (long) t.rows() * t.dim() * 4;
        for (Op op : ops) b += op.weightBytes();
        return b;
    }
}
