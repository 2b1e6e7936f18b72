package io.interestengine;

import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
import io.interestengine.graph.Table;

/**
 * The largest weight magnitude of a model and where it is: what tells a score that overflowed because of the
 * model apart from one driven out of range by a request. Computed once per model, when a score or state is first
 * not finite: it reads every weight, memory-mapped tables included (they are not read at load, so a non-finite
 * value in one is found only here).
 */
record WeightRange(double maxAbs, String where) {
    /**
     * Above this the model's weights, not the request, are taken as the cause of an overflow: trained CTR weights
     * stay many orders of magnitude below it, and with weights below it a few layers of moderate width cannot reach
     * fp32's 3.4e38 from embeddings and dense inputs of ordinary size.
     */
    static final double SUSPECT = 1e6;

    static WeightRange of(ModelGraph g) {
        WeightRange r = new WeightRange(0, "");
        for (Table t : g.tables().values()) {
            float[] row = new float[t.dim()];
            String at = "table '" + t.name() + "'";
            for (int i = 0; i < t.rows(); i++) {
                t.gather(i, row, 0);
                r = r.max(row, at);
            }
        }
        WeightRange[] acc = {r};
        for (Op op : g.ops()) op.forEachWeight((at, arr) -> acc[0] = acc[0].max(arr, at));
        r = acc[0];
        return r;
    }

    boolean suspect() {
        return maxAbs > SUSPECT;
    }

    private WeightRange max(double v, String at) {
        return v > maxAbs ? new WeightRange(v, at) : this;
    }

    private WeightRange max(float[] a, String at) {
        WeightRange r = this;
        if (a != null) for (float v : a) r = r.max(Math.abs(v), at);
        return r;
    }

    /**
     * The engine's exception for a non-finite score or state: the request is blamed (the message as thrown) unless
     * the model's weights are suspect, in which case the message names them instead.
     */
    NumericException explain(NumericException e) {
        if (!suspect()) return e;
        String m = e.getMessage();
        int cut = m.indexOf(": the ");
        String what = cut < 0 ? m : m.substring(0, cut);
        NumericException n = new NumericException(what
                + ": the model's weights are at fault, not the request: |weight| up to "
                + (float) maxAbs + " in " + where
                        + " overflows fp32 arithmetic (backends that sum in different orders overflow on "
                + "different inputs)");
        n.addSuppressed(e);
        return n;
    }
}
