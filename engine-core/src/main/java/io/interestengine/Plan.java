package io.interestengine;

import io.interestengine.graph.Field;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
import io.interestengine.graph.Scope;
import io.interestengine.graph.Value;
import io.interestengine.spi.PlanLayout;

import java.util.HashMap;
import java.util.Map;

/**
 * Buffer layout of one session, sized once for its capacity: the int arena holds the request inputs
 * (ids of every id field, history lengths, the candidate-to-user row map), the float arena holds dense
 * inputs first (so one upload covers them), then every op's output, then the scores.
 */
final class Plan {
    final ModelGraph graph;
    final int maxUsers, maxCandidates;
    final int[] idOff;
    final int lengthsOff, rowMapOff, inputInts;
    final int denseFloats;
    final int scoresOff, floats;
    private final Map<String, Integer> valueOff = new HashMap<>();

    Plan(ModelGraph g, int maxUsers, int maxCandidates) {
        this.graph = g;
        this.maxUsers = maxUsers;
        this.maxCandidates = maxCandidates;
        idOff = new int[g.fields().size()];
        int ints = 0;
        for (Field f : g.fields()) {
            if (f.isDense()) { idOff[f.index()] = -1; continue; }
            idOff[f.index()] = ints;
            ints += switch (f.group()) {
                case USER -> maxUsers;
                case CANDIDATE -> maxCandidates;
                case HISTORY -> Math.multiplyExact(maxUsers, g.historyLength());
            };
        }
        lengthsOff = ints;
        ints += maxUsers;
        rowMapOff = ints;
        ints += maxCandidates;
        inputInts = ints;

        long fl = 0;
        for (Op op : g.ops()) if (op instanceof Op.DenseInput) fl = place(op.out(), fl);
        denseFloats = (int) fl;
        for (Op op : g.ops()) if (!(op instanceof Op.DenseInput)) for (Value v : op.outputs()) fl = place(v, fl);
        scoresOff = (int) fl;
        fl += maxCandidates;
        if (fl > Integer.MAX_VALUE - 64) throw new IllegalArgumentException("session workspace of " + fl + " floats is too large: lower max candidates or batch size");
        floats = (int) fl;
    }

    private long place(Value v, long at) {
        valueOff.put(v.name(), (int) at);
        return at + capacity(v);
    }

    long capacity(Value v) {
        return (long) (v.scope() == Scope.USER ? maxUsers : maxCandidates) * v.rowSize();
    }

    int off(Value v) {
        return valueOff.get(v.name());
    }

    PlanLayout layout() {
        return new PlanLayout(graph, floats, inputInts, inputInts, maxUsers, maxCandidates);
    }
}
