package io.interestengine;

import io.interestengine.graph.Field;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
import io.interestengine.graph.Scope;
import io.interestengine.graph.SequenceGroup;
import io.interestengine.graph.Value;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.PlanLayout;

import java.util.HashMap;
import java.util.Map;

/**
 * Buffer layout of one session, sized once for its capacity: the int arena holds the request inputs
 * (ids of every id field, each sequence group's lengths, the candidate-to-user row map), the float arena holds
 * dense inputs first (so one upload covers them), then every op's output, then the scores.
 */
final class Plan implements Bindings {
    final ModelGraph graph;
    final int maxUsers, maxCandidates;
    final int[] idOff;
    final int[] lengthsOff;
    final int rowMapOff, inputInts;
    final int denseFloats;
    final int scoresOff, floats;
    private final Map<String, Integer> valueOff = new HashMap<>();

    /** @throws InvalidRequestException if the workspace would not fit in one arena */
    Plan(ModelGraph g, int maxUsers, int maxCandidates) {
        this.graph = g;
        this.maxUsers = maxUsers;
        this.maxCandidates = maxCandidates;
        idOff = new int[g.fields().size()];
        long ints = 0;
        for (Field f : g.fields()) {
            if (f.isDense()) {
                idOff[f.index()] = -1;
                continue;
            }
            idOff[f.index()] = (int) ints;
            ints += switch (f.group()) {
                case USER -> maxUsers;
                case CANDIDATE -> maxCandidates;
                case HISTORY -> (long) maxUsers * f.seq().maxLength();
            };
            if (ints > Integer.MAX_VALUE - 64) throw tooLarge(ints + " ints");
        }
        lengthsOff = new int[g.sequences().size()];
        for (SequenceGroup s : g.sequences()) {
            lengthsOff[s.index()] = (int) ints;
            ints += maxUsers;
        }
        rowMapOff = (int) ints;
        ints += maxCandidates;
        if (ints > Integer.MAX_VALUE - 64) throw tooLarge(ints + " ints");
        inputInts = (int) ints;

        long fl = 0;
        for (Op op : g.ops()) if (op.stagedInput() != null) fl = place(op.out(), fl);
        denseFloats = (int) fl;
        for (Op op : g.ops()) if (op.stagedInput() == null) for (Value v : op.outputs()) fl = place(v, fl);
        scoresOff = (int) fl;
        fl += maxCandidates;
        if (fl > Integer.MAX_VALUE - 64) throw tooLarge(fl + " floats");
        floats = (int) fl;
    }

    private InvalidRequestException tooLarge(String what) {
        return new InvalidRequestException("a session workspace for " + maxUsers + " users and " + maxCandidates + " candidates needs over "
                + what + ": lower the number of candidates or the batch size");
    }

    private long place(Value v, long at) {
        if (at > Integer.MAX_VALUE) throw tooLarge(at + " floats");
        valueOff.put(v.name(), (int) at);
        return at + capacity(v);
    }

    long capacity(Value v) {
        return (long) (v.scope() == Scope.USER ? maxUsers : maxCandidates) * v.rowSize();
    }

    @Override
    public ModelGraph graph() {
        return graph;
    }

    @Override
    public int off(Value v) {
        return valueOff.get(v.name());
    }

    @Override
    public int idsOff(Field f) {
        return idOff[f.index()];
    }

    @Override
    public int lengthsOff(SequenceGroup s) {
        return lengthsOff[s.index()];
    }

    @Override
    public int rowMapOff() {
        return rowMapOff;
    }

    @Override
    public int maxRows(Scope s) {
        return s == Scope.USER ? maxUsers : maxCandidates;
    }

    PlanLayout layout() {
        return new PlanLayout(graph, floats, inputInts, inputInts, maxUsers, maxCandidates, this);
    }
}
