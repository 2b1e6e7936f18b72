package io.interestengine;

import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;

/**
 * Load-time check of the weights the loader derives rather than reads: batch norms folded into dense layers and
 * Dice parameters. Every tensor read from the file is checked as it is read; folding finite values can still
 * overflow (a variance near zero with a large weight), and such a layer would make one backend return scores
 * where another overflows.
 */
final class FoldedWeights {
    private FoldedWeights() {
    }

    static void check(ModelGraph g) {
        for (Op op : g.ops()) op.forEachWeight(FoldedWeights::check);
    }

    private static void check(String what, float[] v) {
        if (v == null) return;
        for (int k = 0; k < v.length; k++) {
            if (!Float.isFinite(v[k])) {
                throw new ModelFormatException(what + " is " + v[k] + " at index " + k
                        + " after folding its batch norm (a variance near zero, or weights too large for fp32)");
            }
        }
    }
}
