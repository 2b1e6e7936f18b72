package io.interestengine.graph;

import java.util.List;
import java.util.Map;

/**
 * A loaded, validated model: tables, request fields, the op graph in declaration order and the output.
 * Immutable; tensors are owned by the arena of the {@code Model} that loaded it.
 */
public record ModelGraph(String name, String reference, String fingerprint,
                         Map<String, Table> tables, List<Field> fields, Map<String, Value> values,
                         List<Op> ops, Output output,
                         int historyLength, boolean leftPadding, int paddingId) {

    public Field field(String name) {
        for (Field f : fields) if (f.name().equals(name)) return f;
        return null;
    }

    public List<Field> fields(Field.Group g) {
        return fields.stream().filter(f -> f.group() == g).toList();
    }

    /** Bytes of weights a backend keeps resident (tables and layers), for memory-fit checks. */
    public long weightBytes() {
        long b = 0;
        for (Table t : tables.values()) b += (long) t.rows() * t.dim() * 4;
        for (Op op : ops) {
            if (op instanceof Op.Dense d) b += 4L * d.layer().weight().length;
            if (op instanceof Op.Attention a) for (Layer l : a.layers()) b += 4L * l.weight().length;
            if (op instanceof Op.Gru r) b += cellBytes(r.cell());
            if (op instanceof Op.Mimn m) {
                b += cellBytes(m.controller()) + (m.miu() == null ? 0 : cellBytes(m.miu()));
                b += 4L * (m.o2pWeight().length + m.o2oWeight().length + m.initM().length + m.keyM().length);
            }
        }
        return b;
    }

    private static long cellBytes(Op.GruWeights w) {
        return w.tf() ? 4L * (w.gate().length + w.cand().length) : 4L * (w.ih().length + w.hh().length);
    }
}
