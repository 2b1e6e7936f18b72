package io.interestengine.graph;

import io.interestengine.json.Node;
import io.interestengine.scalar.ScalarGruCell;

import java.util.List;

/**
 * A GRU over the real positions of a sequence (right or left padding). Writes every step's state (zero at
 * padded positions) or the final state (state at the last real step; the zero initial state for an empty
 * history). {@code attention} ({@code [rows, T, 1]}) is null for {@link AttentionForm#NONE}. A user-scope GRU
 * over the user's history is stateful: its states can be kept per user and advanced one event at a time.
 */
public record GruOp(Value out, Value in, Value attention, AttentionForm form, GruCell cell, boolean returnSequence) implements StatefulOp {
    /** How attention weights {@code a_t} enter a GRU (DIEN's interest evolution). */
    public enum AttentionForm {
        /** No attention: a plain GRU. */
        NONE,
        /** mouna99 VecAttGRUCell: {@code k = (1−a)·g}, {@code h' = k⊙h + (1−k)⊙c}. */
        AUGRU_KEEP,
        /** DIEN paper / DeepCTR-Torch AUGRUCell: {@code v = a·g}, {@code h' = (1−v)⊙h + v⊙c}. */
        AUGRU_UPDATE,
        /** AGRU (mouna99 QAAttGRUCell, DeepCTR-Torch AGRUCell): {@code h' = (1−a)·h + a·c}. */
        AGRU,
        /** AIGRU: the input is scaled by {@code a} before a plain GRU. */
        AIGRU
    }

    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "gru";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "in", "hidden", "cell", "attention", "attention_form", "return");
            String out = c.newName(op.get("out"));
            Value in = c.value(op.get("in"));
            if (!in.sequence()) throw op.get("in").fail("gru takes a sequence, \"" + in.name() + "\" is a vector");
            if (in.masked() && in.group().idMask()) {
                throw op.get("in").fail("gru runs over consecutive events; \"" + in.name() + "\" is masked by id in "
                        + in.group().describe() + " (declare the group with \"mask\": \"length\")");
            }
            int hidden = op.get("hidden").intIn(1, 1 << 16);
            GruCell w = c.gruCell(op.get("cell"), in.width(), hidden);
            String formName = op.str("attention_form", "none");
            AttentionForm form = switch (formName) {
                case "none" -> AttentionForm.NONE;
                case "augru_keep" -> AttentionForm.AUGRU_KEEP;
                case "augru_update" -> AttentionForm.AUGRU_UPDATE;
                case "agru" -> AttentionForm.AGRU;
                case "aigru" -> AttentionForm.AIGRU;
                default -> throw op.get("attention_form").fail("expected none, augru_keep, augru_update, agru or aigru, found \"" + formName + "\"");
            };
            Value att = null;
            if (form != AttentionForm.NONE) {
                if (!op.has("attention")) throw op.fail("attention_form \"" + formName + "\" needs \"attention\" (weights [rows, T, 1])");
                att = c.value(op.get("attention"));
                if (!att.sequence() || att.width() != 1 || att.length() != in.length()) {
                    throw op.get("attention").fail("attention weights must be a sequence of width 1 and length " + in.length() + ", found " + att.describe());
                }
                if (in.scope() == Scope.CANDIDATE && att.scope() == Scope.USER) {
                    throw op.get("attention").fail("user-scope weights over candidate-scope inputs are not supported");
                }
            } else if (op.has("attention")) {
                throw op.get("attention").fail("\"attention\" given without \"attention_form\"");
            }
            String ret = op.str("return", "sequence");
            if (!ret.equals("sequence") && !ret.equals("final")) throw op.get("return").fail("expected \"sequence\" or \"final\", found \"" + ret + "\"");
            Scope s = att == null ? in.scope() : Scope.of(in.scope(), att.scope());
            Value o = ret.equals("sequence") ? Value.sequence(out, s, in.length(), hidden, in.group()) : Value.vector(out, s, hidden);
            return new GruOp(o, in, att, form, w, ret.equals("sequence"));
        }
    };

    @Override
    public String kind() {
        return "gru";
    }

    @Override
    public List<Value> inputs() {
        return attention == null ? List.of(in) : List.of(in, attention);
    }

    @Override
    public long weightBytes() {
        return cell.weightBytes();
    }

    @Override
    public boolean holdsUserState() {
        return out.scope() == Scope.USER;
    }

    @Override
    public String notAdvanceable() {
        if (attention != null || !in.masked()) return "gru '" + out.name() + "' takes user-scope attention weights or an unmasked sequence";
        return null;
    }

    @Override
    public Stepper stepper() {
        ScalarGruCell c = new ScalarGruCell(cell);
        int h = cell.hidden();
        return new Stepper() {
            private float[] last;

            @Override
            public float[][] advance(float[][] old, int len, float[] x) {
                float[] state = new float[h];
                if (returnSequence) {
                    if (len > 0) System.arraycopy(old[0], (len - 1) * h, state, 0, h);
                } else {
                    System.arraycopy(old[0], 0, state, 0, h);
                }
                c.step(x, 0, 1f, state, 0, AttentionForm.NONE, 0f, state, 0);
                last = state;
                if (!returnSequence) return new float[][]{state};
                float[] seq = old[0].clone();
                System.arraycopy(state, 0, seq, len * h, h);
                return new float[][]{seq};
            }

            @Override
            public float[] lastRow() {
                return last;
            }
        };
    }

    @Override
    public void forEachWeight(java.util.function.BiConsumer<String, float[]> f) {
        cell.forEachWeight("gru '" + out.name() + "'", f);
    }
}
