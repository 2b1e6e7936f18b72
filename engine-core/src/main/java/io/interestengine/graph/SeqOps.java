package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.List;

/** Parsing of the recurrent ops (gru, mimn, mimn_read) of model.json; see docs/FORMAT.md. */
final class SeqOps {
    private SeqOps() {
    }

    /**
     * A GRU_CELL object. {@code "style": "tf"}: gate_weight {@code [2H, in+H]}, gate_bias {@code [2H]},
     * candidate_weight {@code [H, in+H]}, candidate_bias {@code [H]} (a TF kernel {@code [in+H, 2H]} transposed).
     * {@code "style": "torch"}: weight_ih {@code [3H, in]}, weight_hh {@code [3H, H]}, bias_ih, bias_hh {@code [3H]}.
     * Biases may be omitted (zero).
     */
    static Op.GruWeights cell(GraphLoader l, Node c, int in, int hidden) {
        String style = c.get("style").str();
        int x = in + hidden;
        switch (style) {
            case "tf" -> {
                c.allowOnly("style", "gate_weight", "gate_bias", "candidate_weight", "candidate_bias");
                float[] g = l.floats(c.get("gate_weight"), 2L * hidden, x);
                float[] gb = c.has("gate_bias") ? l.floats(c.get("gate_bias"), 2L * hidden) : new float[2 * hidden];
                float[] cw = l.floats(c.get("candidate_weight"), hidden, x);
                float[] cb = c.has("candidate_bias") ? l.floats(c.get("candidate_bias"), hidden) : new float[hidden];
                return new Op.GruWeights(true, in, hidden, g, gb, cw, cb, null, null, null, null);
            }
            case "torch" -> {
                c.allowOnly("style", "weight_ih", "weight_hh", "bias_ih", "bias_hh");
                float[] ih = l.floats(c.get("weight_ih"), 3L * hidden, in);
                float[] hh = l.floats(c.get("weight_hh"), 3L * hidden, hidden);
                float[] bi = c.has("bias_ih") ? l.floats(c.get("bias_ih"), 3L * hidden) : new float[3 * hidden];
                float[] bh = c.has("bias_hh") ? l.floats(c.get("bias_hh"), 3L * hidden) : new float[3 * hidden];
                return new Op.GruWeights(false, in, hidden, null, null, null, null, ih, bi, hh, bh);
            }
            default -> throw c.get("style").fail("expected \"tf\" or \"torch\", found \"" + style + "\"");
        }
    }

    static Op gru(GraphLoader l, Node op, String out) {
        op.allowOnly("op", "out", "in", "hidden", "cell", "attention", "attention_form", "return");
        Value in = l.value(op.get("in"));
        if (!in.sequence()) throw op.get("in").fail("gru takes a sequence, \"" + in.name() + "\" is a vector");
        int hidden = op.get("hidden").intIn(1, 1 << 16);
        Op.GruWeights w = cell(l, op.get("cell"), in.width(), hidden);
        String formName = op.str("attention_form", "none");
        Op.AttentionForm form = switch (formName) {
            case "none" -> Op.AttentionForm.NONE;
            case "augru_keep" -> Op.AttentionForm.AUGRU_KEEP;
            case "augru_update" -> Op.AttentionForm.AUGRU_UPDATE;
            case "agru" -> Op.AttentionForm.AGRU;
            case "aigru" -> Op.AttentionForm.AIGRU;
            default -> throw op.get("attention_form").fail("expected none, augru_keep, augru_update, agru or aigru, found \"" + formName + "\"");
        };
        Value att = null;
        if (form != Op.AttentionForm.NONE) {
            if (!op.has("attention")) throw op.fail("attention_form \"" + formName + "\" needs \"attention\" (weights [rows, T, 1])");
            att = l.value(op.get("attention"));
            if (!att.sequence() || att.width() != 1 || att.length() != in.length()) {
                throw op.get("attention").fail("attention weights must be a sequence of width 1 and length " + in.length() + ", found " + att.describe());
            }
            if (in.scope() == Scope.CANDIDATE && att.scope() == Scope.USER) throw op.get("attention").fail("user-scope weights over candidate-scope inputs are not supported");
        } else if (op.has("attention")) {
            throw op.get("attention").fail("\"attention\" given without \"attention_form\"");
        }
        String ret = op.str("return", "sequence");
        if (!ret.equals("sequence") && !ret.equals("final")) throw op.get("return").fail("expected \"sequence\" or \"final\", found \"" + ret + "\"");
        Scope s = att == null ? in.scope() : Scope.of(in.scope(), att.scope());
        Value o = ret.equals("sequence") ? Value.sequence(out, s, in.length(), hidden, in.masked()) : Value.vector(out, s, hidden);
        return new Op.Gru(o, in, att, form, w, ret.equals("sequence"));
    }

    static Op mimn(GraphLoader l, Node op, String out) {
        op.allowOnly("op", "out", "in", "slots", "memory_dim", "controller_units", "output_dim", "clip", "shift_range",
                "sharpen", "util_reg", "util_scale", "mask_flag", "steps", "controller", "o2p", "o2o", "init_read",
                "init_memory", "key_memory", "induction", "mean_memory");
        Value in = l.value(op.get("in"));
        if (!in.sequence() || in.scope() != Scope.USER || !in.masked()) {
            throw op.get("in").fail("mimn reads the user's history (a user-scope masked sequence), found " + in.describe());
        }
        int m = op.get("slots").intIn(1, 1 << 12);
        int d = op.get("memory_dim").intIn(1, 1 << 14);
        int h = op.get("controller_units").intIn(1, 1 << 14);
        int o = op.get("output_dim").intIn(1, 1 << 14);
        int shift = op.has("shift_range") ? op.get("shift_range").intIn(0, 64) : 1;
        boolean util = op.get("util_reg").bool();
        if (util && m < 2 * shift + 1) throw op.get("slots").fail(m + " slots cannot take a shift of range " + shift + " (need at least " + (2 * shift + 1) + ")");
        boolean maskFlag = op.get("mask_flag").bool();
        String steps = op.str("steps", "padded");
        if (!steps.equals("padded") && !steps.equals("events")) throw op.get("steps").fail("expected \"padded\" or \"events\", found \"" + steps + "\"");
        boolean padded = steps.equals("padded");
        float clip = (float) op.num("clip", 20), sharpen = (float) op.num("sharpen", 2), utilScale = (float) op.num("util_scale", 400);
        if (!(clip > 0)) throw op.get("clip").fail("clip must be positive");
        Op.GruWeights ctrl = cell(l, op.get("controller"), in.width() + d, h);
        int per = MimnLayout.perHead(d, shift);
        int params = 2 * per + 2 * d;
        int o2pIn = h + (util ? m : 0);
        Node o2p = op.get("o2p");
        o2p.allowOnly("weight", "bias");
        float[] pw = l.floats(o2p.get("weight"), params, o2pIn);
        float[] pb = o2p.has("bias") ? l.floats(o2p.get("bias"), params) : new float[params];
        Node o2o = op.get("o2o");
        o2o.allowOnly("weight", "bias");
        float[] ow = l.floats(o2o.get("weight"), o, h + d);
        float[] ob = o2o.has("bias") ? l.floats(o2o.get("bias"), o) : new float[o];
        float[] initRead = tanh(l.floats(op.get("init_read"), d));
        float[] initM = tanh(l.floats(op.get("init_memory"), m, d));
        float[] keyM = tanh(l.floats(op.get("key_memory"), m, d));
        Value induction = null;
        Op.GruWeights miu = null;
        if (op.has("induction")) {
            Node ind = op.get("induction");
            ind.allowOnly("out", "cell");
            miu = cell(l, ind.get("cell"), in.width() + d, d);
            induction = Value.sequence(l.newName(ind.get("out")), Scope.USER, m, d, false);
        }
        Value mean = Value.vector(l.newName(op.get("mean_memory")), Scope.USER, d);
        if (mean.name().equals(out) || (induction != null && (induction.name().equals(out) || induction.name().equals(mean.name())))) {
            throw op.fail("the outputs \"out\", \"mean_memory\" and \"induction.out\" must have different names");
        }
        MimnLayout layout = new MimnLayout(in.width(), h, m, d, o, miu != null);
        Value state = Value.vector(out, Scope.USER, layout.size());
        return new Op.Mimn(state, in, mean, induction, layout, util, maskFlag, padded, clip, sharpen, utilScale, shift,
                ctrl, pw, pb, ow, ob, initRead, initM, keyM, miu);
    }

    static Op mimnRead(GraphLoader l, Node op, String out, List<Op> earlier) {
        op.allowOnly("op", "out", "state", "query");
        Value state = l.value(op.get("state"));
        Op.Mimn mimn = null;
        for (Op e : earlier) if (e instanceof Op.Mimn mm && mm.out() == state) mimn = mm;
        if (mimn == null) throw op.get("state").fail("\"" + state.name() + "\" is not the state written by a mimn op");
        Value q = l.value(op.get("query"));
        if (q.sequence() || q.width() != mimn.layout().input()) {
            throw op.get("query").fail("the query must be a vector of the history width " + mimn.layout().input() + ", found " + q.describe());
        }
        return new Op.MimnRead(Value.vector(out, Scope.of(state.scope(), q.scope()), mimn.layout().outputDim()), state, q, mimn);
    }

    private static float[] tanh(float[] a) {
        for (int i = 0; i < a.length; i++) a[i] = (float) Math.tanh(a[i]);
        return a;
    }
}
