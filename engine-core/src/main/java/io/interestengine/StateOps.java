package io.interestengine;

import io.interestengine.graph.Field;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
import io.interestengine.graph.SequenceGroup;
import io.interestengine.graph.StatefulOp;
import io.interestengine.graph.Value;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds and advances {@link UserState}s for one session. Building runs the user-scope part of the graph
 * on the session's backend; advancing runs the non-recurrent user-scope ops for the new window (to get the
 * new event's inputs) and then one step of each stateful op on the host with the reference cells, from the
 * stored states. The window is one sequence group: the one the stateful ops read (or, without stateful ops,
 * the first length-masked group). One instance per session (the steppers hold scratch).
 */
final class StateOps {
    private final ModelGraph g;
    /** The graph's stateful ops and event fields, found once: an event is advanced thousands of times a second. */
    private final List<StatefulOp> ops;
    private final List<Field> eventFields;
    /** Per stateful op (same index as {@link #ops}), made on first use. */
    private final StatefulOp.Stepper[] steppers;
    private final String notAdvanceable;

    StateOps(ModelGraph g) {
        this.g = g;
        this.ops = statefulOps(g);
        this.eventFields = eventFields(g);
        this.steppers = new StatefulOp.Stepper[ops.size()];
        this.notAdvanceable = whyNotAdvanceable(g);
    }

    static boolean isStateful(Op op) {
        return op instanceof StatefulOp s && s.holdsUserState();
    }

    static List<StatefulOp> statefulOps(ModelGraph g) {
        List<StatefulOp> l = new ArrayList<>();
        for (Op op : g.ops()) if (isStateful(op)) l.add((StatefulOp) op);
        return l;
    }

    static List<Value> statefulValues(ModelGraph g) {
        List<Value> v = new ArrayList<>();
        for (Op op : statefulOps(g)) v.addAll(op.outputs());
        return v;
    }

    /**
     * The group a user state's window holds: the one the stateful ops read (the loader rejects models whose
     * stateful ops read several), else the first length-masked group, else null.
     */
    static SequenceGroup stateGroup(ModelGraph g) {
        for (StatefulOp op : statefulOps(g)) {
            SequenceGroup s = op.inputs().get(0).group();
            if (s != null) return s;
        }
        for (SequenceGroup s : g.sequences()) if (!s.idMask()) return s;
        return null;
    }

    /** The window's capacity (the state group's max_length; 0 without one). */
    static int windowLength(ModelGraph g) {
        SequenceGroup s = stateGroup(g);
        return s == null ? 0 : s.maxLength();
    }

    /** The state group's sent fields, in declaration order: one id each per event. */
    static List<Field> eventFields(ModelGraph g) {
        SequenceGroup s = stateGroup(g);
        return s == null ? List.of() : g.sentFields(s);
    }

    static int[][] emptyIds(ModelGraph g) {
        return emptyIds(g, eventFields(g));
    }

    private static int[][] emptyIds(ModelGraph g, List<Field> eventFields) {
        int[][] ids = new int[g.fields().size()][];
        for (Field f : eventFields) ids[f.index()] = new int[f.seq().maxLength()];
        return ids;
    }

    /** Writes a value stored in event order into its arena layout (masked sequences: row k at position first(len)+k). */
    static void toPositions(Value v, float[] src, int len, float[] dst, int off) {
        if (v.sequence() && v.masked()) {
            Arrays.fill(dst, off, off + v.rowSize(), 0f);
            System.arraycopy(src, 0, dst, off + v.group().first(len) * v.width(), len * v.width());
        } else {
            System.arraycopy(src, 0, dst, off, v.rowSize());
        }
    }

    /** Null when every stateful op can take one more event from its stored state; otherwise why not. */
    private static String whyNotAdvanceable(ModelGraph g) {
        Set<String> fromState = new HashSet<>();
        Map<String, Op> writer = new HashMap<>();
        for (Op op : g.ops()) for (Value v : op.outputs()) writer.put(v.name(), op);
        for (StatefulOp op : statefulOps(g)) {
            Value in = op.inputs().get(0);
            String why = op.notAdvanceable();
            if (why != null) return why;
            boolean direct = fromState.contains(in.name()) && writer.get(in.name()) instanceof StatefulOp;
            if (!direct && dependsOnState(in, writer, fromState)) {
                return "the input '" + in.name() + "' of '" + op.out().name() + "' is computed from a stateful value through other ops";
            }
            for (Value v : op.outputs()) fromState.add(v.name());
        }
        return null;
    }

    private static boolean dependsOnState(Value v, Map<String, Op> writer, Set<String> state) {
        if (state.contains(v.name())) return true;
        Op w = writer.get(v.name());
        if (w == null) return false;
        for (Value i : w.inputs()) if (dependsOnState(i, writer, state)) return true;
        return false;
    }

    /** Runs the stateful ops over the window and reads their outputs back. */
    UserState build(Executor ex, RequestData scratch, int[][] ids, int len) {
        UserState window = new UserState(g, len, ids, new Value[0], new float[0][]);
        ex.runUser(scratch, window, true);
        List<Value> defs = statefulValues(g);
        float[][] vals = new float[defs.size()][];
        for (int k = 0; k < vals.length; k++) {
            Value v = defs.get(k);
            float[] row = new float[v.rowSize()];
            ex.read(v, 0, row, row.length);
            if (v.sequence() && v.masked()) {
                float[] ev = new float[v.rowSize()];
                System.arraycopy(row, v.group().first(len) * v.width(), ev, 0, len * v.width());
                row = ev;
            }
            check(v, row);
            vals[k] = row;
        }
        return new UserState(g, len, ids, defs.toArray(new Value[0]), vals);
    }

    UserState advance(Executor ex, RequestData scratch, UserState s, UserState.Overflow policy, int[] event) {
        List<Field> hf = eventFields;
        if (hf.isEmpty()) throw new InvalidRequestException("model '" + g.name() + "' has no behaviour sequence to add events to");
        if (event.length != hf.size()) {
            throw new InvalidRequestException("an event has one id per history field (" + String.join(", ", hf.stream().map(Field::name).toList())
                    + "), got " + event.length);
        }
        SequenceGroup group = hf.get(0).seq();
        int T = group.maxLength();
        int[][] ids = emptyIds(g, hf);
        if (s.length == T) {
            if (policy == UserState.Overflow.ERROR) {
                throw new IllegalStateException("the user state already holds max_length = " + T + " events (overflow policy ERROR; SLIDE drops the oldest)");
            }
            for (int i = 0; i < ids.length; i++) if (ids[i] != null) System.arraycopy(s.ids[i], 1, ids[i], 0, T - 1);
            for (int k = 0; k < hf.size(); k++) ids[hf.get(k).index()][T - 1] = event[k];
            return build(ex, scratch, ids, T);
        }
        int len = s.length;
        for (int i = 0; i < ids.length; i++) if (ids[i] != null) System.arraycopy(s.ids[i], 0, ids[i], 0, len);
        for (int k = 0; k < hf.size(); k++) ids[hf.get(k).index()][len] = event[k];
        if (notAdvanceable != null) {
            // Exact, at the cost of a full build: the stored state cannot take the event by itself.
            return build(ex, scratch, ids, len + 1);
        }
        UserState window = new UserState(g, len + 1, ids, new Value[0], new float[0][]);
        ex.runUser(scratch, window, false);
        Map<String, float[]> newRow = new HashMap<>();
        float[][] vals = new float[s.values.length][];
        int k = 0;
        int pos = group.first(len + 1) + len;
        for (int o = 0; o < ops.size(); o++) {
            StatefulOp op = ops.get(o);
            Value in = op.inputs().get(0);
            float[] x = newRow.get(in.name());
            if (x == null) {
                x = new float[in.width()];
                ex.read(in, pos * in.width(), x, x.length);
            }
            int n = op.outputs().size();
            float[][] old = Arrays.copyOfRange(s.values, k, k + n);
            if (steppers[o] == null) steppers[o] = op.stepper();
            StatefulOp.Stepper st = steppers[o];
            float[][] nv = st.advance(old, len, x);
            for (int j = 0; j < n; j++) {
                check(op.outputs().get(j), nv[j]);
                vals[k++] = nv[j];
            }
            float[] last = st.lastRow();
            if (last != null) newRow.put(op.out().name(), last);
        }
        return new UserState(g, len + 1, ids, s.valueDefs, vals);
    }

    /** Null when events can be added one at a time from the stored state alone; otherwise the reason. */
    String notAdvanceable() {
        return notAdvanceable;
    }

    private static void check(Value v, float[] a) {
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) throw new NumericException("state value '" + v.name() + "' is " + a[i] + " at index " + i + ": the history's values drive the model out of range");
        }
    }
}
