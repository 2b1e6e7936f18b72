package io.interestengine;

import io.interestengine.graph.Field;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
import io.interestengine.graph.Scope;
import io.interestengine.graph.SequenceGroup;
import io.interestengine.graph.StatefulOp;
import io.interestengine.graph.Table;
import io.interestengine.graph.Value;
import io.interestengine.spi.DeviceModel;
import io.interestengine.spi.DeviceSession;
import io.interestengine.spi.Step;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a model graph on one backend session; written once for every backend. Every op is bound through the
 * backend's kernel table; user-scope ops run once per request (once per sample in a batch), candidate-scope
 * ops batched over the candidates. Staging checks every id against its table (or applies the table's default
 * row), pads each sequence group, counts id-masked groups' real positions and derives mapped ids.
 */
final class Executor implements AutoCloseable {
    private final ModelGraph g;
    final Plan plan;
    private final DeviceSession ds;
    private final Step[] userSteps, candSteps;
    /** Per user step: whether its op holds user state (its outputs can come from a {@link UserState} instead). */
    private final boolean[] userStateful;
    private final Step outStep;
    private final Op[] staged;
    /** The group a {@link UserState}'s window fills (null when the model has none). */
    private final SequenceGroup stateGroup;
    /**
     * The sequence groups, and per group the int offset of the ids that decide an id mask (−1 for a length mask):
     * arrays, because iterating the graph's lists per call allocates an iterator wherever C2 cannot inline it (the
     * list classes differ between models with one group and with several).
     */
    private final SequenceGroup[] groups;
    private final int[] maskIdsOff;

    Executor(ModelGraph g, DeviceModel dm, int maxUsers, int maxCandidates) {
        this.g = g;
        this.plan = new Plan(g, maxUsers, maxCandidates);
        this.stateGroup = StateOps.stateGroup(g);
        this.groups = g.sequences().toArray(new SequenceGroup[0]);
        this.maskIdsOff = new int[groups.length];
        for (SequenceGroup s : groups) maskIdsOff[s.index()] = s.idMask() ? plan.idOff[g.maskField(s).index()] : -1;
        this.ds = dm.openSession(plan.layout());
        try {
            List<Step> us = new ArrayList<>(), cs = new ArrayList<>();
            List<Boolean> stf = new ArrayList<>();
            List<Op> st = new ArrayList<>();
            for (Op op : g.ops()) {
                if (op.stagedInput() != null) {
                    st.add(op);
                    continue;
                }
                Step s = ds.bind(op, plan);
                if (op.out().scope() == Scope.USER) {
                    us.add(s);
                    stf.add(op instanceof StatefulOp so && so.holdsUserState());
                } else {
                    cs.add(s);
                }
            }
            userSteps = us.toArray(new Step[0]);
            userStateful = new boolean[stf.size()];
            for (int k = 0; k < userStateful.length; k++) userStateful[k] = stf.get(k);
            candSteps = cs.toArray(new Step[0]);
            staged = st.toArray(new Op[0]);
            outStep = ds.output(g.output(), plan, plan.scoresOff);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    /** Scores a validated request; {@code out} receives one score per candidate row. */
    void run(RequestData r, boolean ranking, float[] out) {
        run(r, ranking, out, null);
    }

    /**
     * Scores a ranking request whose state-group history and stateful op outputs come from {@code st} (when
     * non-null): the request's own history of that group is ignored and the stateful ops do not run.
     */
    void run(RequestData r, boolean ranking, float[] out, UserState st) {
        stage(r, ranking, st);
        if (st != null) inject(st);
        for (int k = 0; k < userSteps.length; k++) if (st == null || !userStateful[k]) userSteps[k].run(r.users, r.candidates);
        int cands = r.candidates;
        for (Step s : candSteps) s.run(r.users, cands);
        outStep.run(r.users, cands);
        ds.download(plan.scoresOff, out, cands);
        for (int c = 0; c < cands; c++) {
            if (!Float.isFinite(out[c])) {
                throw new NumericException("score of " + (ranking ? "candidate " : "sample ") + c + " is " + out[c] + " (output '"
                        + g.output().in().name() + "'): the request's values drive the model out of range");
            }
        }
    }

    /** Runs the user-scope steps of a one-user request; the stateful ones only when {@code stateful}. */
    void runUser(RequestData r, UserState historyFrom, boolean stateful) {
        stage(r, true, historyFrom);
        for (int k = 0; k < userSteps.length; k++) if (stateful || !userStateful[k]) userSteps[k].run(1, 0);
    }

    /** Copies {@code n} floats of value {@code v} starting {@code at} floats into its first row. */
    void read(Value v, int at, float[] dst, int n) {
        ds.download(plan.off(v) + at, dst, n);
    }

    private void inject(UserState st) {
        float[] sf = ds.stagingFloats();
        for (int k = 0; k < st.values.length; k++) {
            Value v = st.valueDefs[k];
            int off = plan.off(v);
            StateOps.toPositions(v, st.values[k], st.length, sf, off);
            ds.upload(0, off, v.rowSize());
        }
    }

    private void stage(RequestData r, boolean ranking, UserState st) {
        int users = r.users, cands = r.candidates;
        int[] si = ds.stagingInts();
        float[] sf = ds.stagingFloats();
        for (SequenceGroup s : groups) {
            int lo = plan.lengthsOff[s.index()];
            int[] lengths = r.lengths[s.index()];
            for (int u = 0; u < users; u++) si[lo + u] = st != null && s == stateGroup ? st.length : lengths[u];
        }
        for (Field f : r.fields) {
            if (f.isDense()) continue;
            int off = plan.idOff[f.index()];
            if (f.isDerived()) {
                int src = plan.idOff[f.deriveFrom().index()];
                int n = f.group() == Field.Group.CANDIDATE ? cands : f.group() == Field.Group.HISTORY ? users * f.seq().maxLength() : users;
                for (int k = 0; k < n; k++) si[off + k] = f.deriveMap().i(si[src + k]);
                continue;
            }
            int[] ids = r.ids[f.index()];
            Table t = f.table();
            switch (f.group()) {
                case USER -> { for (int u = 0; u < users; u++) si[off + u] = checkId(f, t, ids[u], u, -1, ranking); }
                case CANDIDATE -> { for (int c = 0; c < cands; c++) si[off + c] = checkId(f, t, ids[c], c, -1, ranking); }
                case HISTORY -> {
                    SequenceGroup s = f.seq();
                    int T = s.maxLength(), pad = s.paddingId(), lo = plan.lengthsOff[s.index()];
                    if (st != null && s == stateGroup) ids = st.ids[f.index()];
                    for (int u = 0; u < users; u++) {
                        int len = si[lo + u], base = off + u * T, first = s.idMask() ? 0 : s.first(len);
                        for (int p = 0; p < T; p++) si[base + p] = pad;
                        for (int p = 0; p < len; p++) si[base + first + p] = checkId(f, t, ids[u * T + p], u, p, ranking);
                    }
                }
            }
        }
        // An id-masked group's length is its count of real positions (what a masked mean divides by).
        for (SequenceGroup s : groups) {
            if (!s.idMask()) continue;
            int T = s.maxLength(), pad = s.paddingId(), lo = plan.lengthsOff[s.index()];
            int ids = maskIdsOff[s.index()];
            for (int u = 0; u < users; u++) {
                int n = 0;
                for (int p = 0; p < T; p++) if (si[ids + u * T + p] != pad) n++;
                si[lo + u] = n;
            }
        }
        for (int c = 0; c < cands; c++) si[plan.rowMapOff + c] = ranking ? 0 : c;
        for (Op d : staged) {
            Field f = d.stagedInput();
            int rows = f.group() == Field.Group.CANDIDATE ? cands : users, w = f.denseWidth();
            float[] src = r.dense[f.index()];
            int off = plan.off(d.out());
            for (int k = 0; k < rows * w; k++) {
                float v = src[k];
                if (!Float.isFinite(v)) {
                    throw new InvalidRequestException("dense field '" + f.name() + "': value " + v + " at " + where(f, k / w, ranking)
                            + ", index " + (k % w) + " is not finite");
                }
                sf[off + k] = v;
            }
        }
        ds.upload(plan.inputInts, 0, plan.denseFloats);
    }

    private static String where(Field f, int row, boolean ranking) {
        if (f.group() == Field.Group.CANDIDATE) return (ranking ? "candidate " : "sample ") + row;
        return ranking ? "the user" : "sample " + row;
    }

    private static int checkId(Field f, Table t, int id, int row, int pos, boolean ranking) {
        if (id >= 0 && id < t.rows()) return id;
        if (!t.oovIsError()) return t.defaultRow();
        String at = pos >= 0 ? where(f, row, ranking) + ", history position " + pos : where(f, row, ranking);
        throw new InvalidRequestException(f.group().name().toLowerCase() + " field '" + f.name() + "': id " + id + " at " + at
                + " is outside table '" + t.name() + "' of " + t.rows() + " rows (oov policy: error)");
    }

    @Override
    public void close() {
        ds.close();
    }
}
