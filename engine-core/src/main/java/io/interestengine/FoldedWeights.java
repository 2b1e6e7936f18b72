package io.interestengine;

import io.interestengine.graph.Activation;
import io.interestengine.graph.Layer;
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
        for (Op op : g.ops()) {
            if (op instanceof Op.Dense d) check(d.layer());
            if (op instanceof Op.Attention a) for (Layer l : a.layers()) check(l);
        }
    }

    private static void check(Layer l) {
        check(l, "weight", l.weight());
        check(l, "bias", l.bias());
        if (l.activation() instanceof Activation.Dice d) {
            check(l, "Dice alpha", d.alpha());
            check(l, "Dice batch-norm scale", d.a());
            check(l, "Dice batch-norm shift", d.c());
        }
    }

    private static void check(Layer l, String what, float[] v) {
        for (int k = 0; k < v.length; k++) {
            if (!Float.isFinite(v[k])) {
                throw new ModelFormatException("layer '" + l.name() + "': " + what + " is " + v[k] + " at index " + k
                        + " after folding its batch norm (a variance near zero, or weights too large for fp32)");
            }
        }
    }
}
