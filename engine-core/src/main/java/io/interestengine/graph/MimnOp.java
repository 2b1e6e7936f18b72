package io.interestengine.graph;

import io.interestengine.json.Node;
import io.interestengine.scalar.ScalarMimnCell;

import java.util.Arrays;
import java.util.List;

/**
 * MIMN's memory network (UIC-Paper script/mimn.py MIMNCell) run over the user's history: writes the packed
 * per-user state {@code out} (layout {@link MimnLayout}), the mean memory ({@code meanMemory}, the mean over
 * slots of sum_aggre) and, with the Memory Induction Unit, the last step's MIU outputs ({@code induction}, a
 * sequence of {@code slots} rows).
 */
public record MimnOp(Value out, Value in, Value meanMemory, Value induction, MimnLayout layout, boolean utilReg,
                     boolean maskFlag, boolean padded, float clip, float sharpen, float utilScale, int shiftRange,
                     GruCell controller, float[] o2pWeight, float[] o2pBias, float[] o2oWeight, float[] o2oBias,
                     float[] initRead, float[] initM, float[] keyM, GruCell miu) implements StatefulOp {
    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "mimn";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "in", "slots", "memory_dim", "controller_units", "output_dim", "clip", "shift_range",
                    "sharpen", "util_reg", "util_scale", "mask_flag", "steps", "controller", "o2p", "o2o", "init_read",
                    "init_memory", "key_memory", "induction", "mean_memory");
            String out = c.newName(op.get("out"));
            Value in = c.value(op.get("in"));
            if (!in.sequence() || in.scope() != Scope.USER || !in.masked() || in.group().idMask()) {
                throw op.get("in").fail("mimn reads the user's history (a user-scope sequence of a length-masked group), found " + in.describe());
            }
            int m = op.get("slots").intIn(1, 1 << 12);
            int d = op.get("memory_dim").intIn(1, 1 << 14);
            int h = op.get("controller_units").intIn(1, 1 << 14);
            int o = op.get("output_dim").intIn(1, 1 << 14);
            int shift = op.has("shift_range") ? op.get("shift_range").intIn(0, 64) : 1;
            boolean util = op.get("util_reg").bool();
            if (util && m < 2 * shift + 1) {
                throw op.get("slots").fail(m + " slots cannot take a shift of range " + shift + " (need at least " + (2 * shift + 1) + ")");
            }
            boolean maskFlag = op.get("mask_flag").bool();
            String steps = op.str("steps", "padded");
            if (!steps.equals("padded") && !steps.equals("events")) throw op.get("steps").fail("expected \"padded\" or \"events\", found \"" + steps + "\"");
            float clip = (float) op.num("clip", 20), sharpen = (float) op.num("sharpen", 2), utilScale = (float) op.num("util_scale", 400);
            if (!(clip > 0)) throw op.get("clip").fail("clip must be positive");
            GruCell ctrl = c.gruCell(op.get("controller"), in.width() + d, h);
            int per = MimnLayout.perHead(d, shift);
            int params = 2 * per + 2 * d;
            int o2pIn = h + (util ? m : 0);
            Node o2p = op.get("o2p");
            o2p.allowOnly("weight", "bias");
            float[] pw = c.floats(o2p.get("weight"), params, o2pIn);
            float[] pb = o2p.has("bias") ? c.floats(o2p.get("bias"), params) : new float[params];
            Node o2o = op.get("o2o");
            o2o.allowOnly("weight", "bias");
            float[] ow = c.floats(o2o.get("weight"), o, h + d);
            float[] ob = o2o.has("bias") ? c.floats(o2o.get("bias"), o) : new float[o];
            float[] initRead = tanh(c.floats(op.get("init_read"), d));
            float[] initM = tanh(c.floats(op.get("init_memory"), m, d));
            float[] keyM = tanh(c.floats(op.get("key_memory"), m, d));
            Value induction = null;
            GruCell miu = null;
            if (op.has("induction")) {
                Node ind = op.get("induction");
                ind.allowOnly("out", "cell");
                miu = c.gruCell(ind.get("cell"), in.width() + d, d);
                induction = Value.sequence(c.newName(ind.get("out")), Scope.USER, m, d, null);
            }
            Value mean = Value.vector(c.newName(op.get("mean_memory")), Scope.USER, d);
            if (mean.name().equals(out) || (induction != null && (induction.name().equals(out) || induction.name().equals(mean.name())))) {
                throw op.fail("the outputs \"out\", \"mean_memory\" and \"induction.out\" must have different names");
            }
            MimnLayout layout = new MimnLayout(in.width(), h, m, d, o, miu != null);
            Value state = Value.vector(out, Scope.USER, layout.size());
            return new MimnOp(state, in, mean, induction, layout, util, maskFlag, steps.equals("padded"), clip, sharpen, utilScale,
                    shift, ctrl, pw, pb, ow, ob, initRead, initM, keyM, miu);
        }
    };

    private static float[] tanh(float[] a) {
        for (int i = 0; i < a.length; i++) a[i] = (float) Math.tanh(a[i]);
        return a;
    }

    @Override
    public String kind() {
        return "mimn";
    }

    @Override
    public List<Value> inputs() {
        return List.of(in);
    }

    @Override
    public List<Value> outputs() {
        return induction == null ? List.of(out, meanMemory) : List.of(out, meanMemory, induction);
    }

    @Override
    public long weightBytes() {
        return controller.weightBytes() + (miu == null ? 0 : miu.weightBytes())
                + 4L * (o2pWeight.length + o2oWeight.length + initM.length + keyM.length);
    }

    @Override
    public boolean holdsUserState() {
        return true;
    }

    @Override
    public String notAdvanceable() {
        if (!padded) return null;
        return "mimn '" + out.name() + "' runs in \"padded\" compatibility mode: the T − len padding steps before the events move its "
                + "read vector and w_aggre, so each new event changes the whole state (use \"steps\": \"events\", or build from the full history)";
    }

    @Override
    public Stepper stepper() {
        ScalarMimnCell cell = new ScalarMimnCell(this);
        return new Stepper() {
            @Override
            public float[][] advance(float[][] old, int len, float[] x) {
                float[] st = old[0].clone();
                cell.step(x, 0, st, 0);
                float[] mean = new float[layout.memoryDim()];
                cell.meanMemory(st, 0, mean, 0);
                if (induction == null) return new float[][]{st, mean};
                return new float[][]{st, mean, Arrays.copyOfRange(st, layout.miuOutOff(), layout.size())};
            }

            @Override
            public float[] lastRow() {
                return null;
            }
        };
    }

    @Override
    public void forEachWeight(java.util.function.BiConsumer<String, float[]> f) {
        String at = "mimn '" + out.name() + "'";
        controller.forEachWeight(at + " controller", f);
        if (miu != null) miu.forEachWeight(at + " induction", f);
        for (float[] a : new float[][]{o2pWeight, o2pBias, o2oWeight, o2oBias, initRead, initM, keyM}) f.accept(at, a);
    }
}
