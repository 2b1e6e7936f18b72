package io.interestengine;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.Field;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
import io.interestengine.graph.Scope;
import io.interestengine.graph.Value;
import io.interestengine.scalar.ScalarGruCell;
import io.interestengine.scalar.ScalarMimnCell;

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
 * stored states. One instance per session (the cells hold scratch).
 */
final class StateOps {
    private final ModelGraph g;
    private final Map<Op, ScalarGruCell> gruCells = new HashMap<>();
    private final Map<Op, ScalarMimnCell> mimnCells = new HashMap<>();
    private final String notAdvanceable;

    StateOps(ModelGraph g) {
        this.g = g;
        this.notAdvanceable = whyNotAdvanceable(g);
    }

    static boolean isStateful(Op op) {
        return (op instanceof Op.Gru r && r.out().scope() == Scope.USER) || op instanceof Op.Mimn;
    }

    static List<Op> statefulOps(ModelGraph g) {
        return g.ops().stream().filter(StateOps::isStateful).toList();
    }

    static List<Value> statefulValues(ModelGraph g) {
        List<Value> v = new ArrayList<>();
        for (Op op : statefulOps(g)) v.addAll(op.outputs());
        return v;
    }

    static int[][] emptyIds(ModelGraph g) {
        int[][] ids = new int[g.fields().size()][];
        for (Field f : g.fields()) if (f.group() == Field.Group.HISTORY && !f.isDerived()) ids[f.index()] = new int[g.historyLength()];
        return ids;
    }

    /** Writes a value stored in event order into its arena layout (masked sequences: row k at position first(len)+k). */
    static void toPositions(ModelGraph g, Value v, float[] src, int len, float[] dst, int off) {
        if (v.sequence() && v.masked()) {
            Arrays.fill(dst, off, off + v.rowSize(), 0f);
            System.arraycopy(src, 0, dst, off + CpuSession.first(g, len) * v.width(), len * v.width());
        } else {
            System.arraycopy(src, 0, dst, off, v.rowSize());
        }
    }

    /** Null when every stateful op can take one more event from its stored state; otherwise why not. */
    private static String whyNotAdvanceable(ModelGraph g) {
        Set<String> fromState = new HashSet<>();
        Map<String, Op> writer = new HashMap<>();
        for (Op op : g.ops()) for (Value v : op.outputs()) writer.put(v.name(), op);
        for (Op op : statefulOps(g)) {
            Value in = op.inputs().get(0);
            if (op instanceof Op.Mimn m && m.padded()) {
                return "mimn '" + m.out().name() + "' runs in \"padded\" compatibility mode: the T − len padding steps before the events move its "
                        + "read vector and w_aggre, so each new event changes the whole state (use \"steps\": \"events\", or build from the full history)";
            }
            if (op instanceof Op.Gru r && (r.attention() != null || !r.in().masked())) {
                return "gru '" + r.out().name() + "' takes user-scope attention weights or an unmasked sequence";
            }
            boolean direct = fromState.contains(in.name()) && writer.get(in.name()) instanceof Op.Gru;
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
                System.arraycopy(row, CpuSession.first(g, len) * v.width(), ev, 0, len * v.width());
                row = ev;
            }
            check(v, row);
            vals[k] = row;
        }
        return new UserState(g, len, ids, defs.toArray(new Value[0]), vals);
    }

    UserState advance(Executor ex, RequestData scratch, UserState s, UserState.Overflow policy, int[] event) {
        List<Field> hf = g.fields(Field.Group.HISTORY).stream().filter(f -> !f.isDerived()).toList();
        if (event.length != hf.size()) {
            throw new InvalidRequestException("an event has one id per history field (" + String.join(", ", hf.stream().map(Field::name).toList()) + "), got " + event.length);
        }
        int T = g.historyLength();
        int[][] ids = emptyIds(g);
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
        int pos = CpuSession.first(g, len + 1) + len;
        for (Op op : statefulOps(g)) {
            Value in = op.inputs().get(0);
            float[] x = newRow.get(in.name());
            if (x == null) {
                x = new float[in.width()];
                ex.read(in, pos * in.width(), x, x.length);
            }
            switch (op) {
                case Op.Gru r -> {
                    ScalarGruCell cell = gruCells.computeIfAbsent(op, o -> new ScalarGruCell(r.cell()));
                    int H = r.cell().hidden();
                    float[] old = s.values[k], h = new float[H];
                    if (r.returnSequence()) {
                        if (len > 0) System.arraycopy(old, (len - 1) * H, h, 0, H);
                    } else {
                        System.arraycopy(old, 0, h, 0, H);
                    }
                    cell.step(x, 0, 1f, h, 0, Op.AttentionForm.NONE, 0f, h, 0);
                    float[] nv = old.clone();
                    if (r.returnSequence()) System.arraycopy(h, 0, nv, len * H, H);
                    else nv = h;
                    check(r.out(), nv);
                    newRow.put(r.out().name(), h);
                    vals[k++] = nv;
                }
                case Op.Mimn m -> {
                    ScalarMimnCell cell = mimnCells.computeIfAbsent(op, o -> new ScalarMimnCell(m));
                    float[] st = s.values[k].clone();
                    cell.step(x, 0, st, 0);
                    check(m.out(), st);
                    vals[k++] = st;
                    float[] mean = new float[m.layout().memoryDim()];
                    cell.meanMemory(st, 0, mean, 0);
                    vals[k++] = mean;
                    if (m.induction() != null) vals[k++] = Arrays.copyOfRange(st, m.layout().miuOutOff(), m.layout().size());
                }
                default -> throw new IllegalStateException("not a stateful op: " + op.out().name());
            }
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
