package io.interestengine.simd;

import io.interestengine.graph.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A layer's activation in vector form, applied in the GEMM epilogue while the tile is still in registers.
 * Per-channel parameters are padded with zeros to whole vectors so that the epilogue never needs a mask.
 * The kind is an int switched on per tile: an interface call per tile would turn megamorphic across layers.
 */
final class Act {
    static final int LINEAR = 0, RELU = 1, SIGMOID = 2, TANH = 3, PRELU = 4, DICE = 5;
    static final Act NONE = new Act(LINEAR, null, null, null);

    final int kind;
    /** PReLU α or Dice α; Dice {@code a} and {@code c} of {@code p = sigmoid(a·x + c)}. */
    final float[] alpha, a, c;

    private Act(int kind, float[] alpha, float[] a, float[] c) {
        this.kind = kind;
        this.alpha = alpha;
        this.a = a;
        this.c = c;
    }

    static Act of(Activation act, int width) {
        int n = Vec.pad(width);
        return switch (act) {
            case Activation.Linear l -> NONE;
            case Activation.Relu r -> new Act(RELU, null, null, null);
            case Activation.Sigmoid s -> new Act(SIGMOID, null, null, null);
            case Activation.Tanh t -> new Act(TANH, null, null, null);
            case Activation.PRelu p -> new Act(PRELU, padded(p.alpha(), n), null, null);
            case Activation.Dice d -> new Act(DICE, padded(d.alpha(), n), padded(d.a(), n), padded(d.c(), n));
        };
    }

    private static float[] padded(float[] v, int n) {
        return java.util.Arrays.copyOf(v, n);
    }

    /** The activation of channels {@code [col, col + L)}. */
    FloatVector apply(FloatVector x, int col) {
        return switch (kind) {
            case LINEAR -> x;
            case RELU -> x.max(0f);
            case SIGMOID -> sigmoid(x);
            case TANH -> x.lanewise(VectorOperators.TANH);
            case PRELU -> x.max(0f).add(x.min(0f).mul(FloatVector.fromArray(Vec.S, alpha, col)));
            case DICE -> {
                FloatVector p = sigmoid(FloatVector.fromArray(Vec.S, a, col).fma(x, FloatVector.fromArray(Vec.S, c, col)));
                // α·(1−p)·x + p·x, in the reference's order of operations
                FloatVector al = FloatVector.fromArray(Vec.S, alpha, col);
                yield al.mul(p.neg().add(1f)).mul(x).add(p.mul(x));
            }
            default -> throw new IllegalStateException("activation kind " + kind);
        };
    }

    static FloatVector sigmoid(FloatVector x) {
        FloatVector one = FloatVector.broadcast(Vec.S, 1f);
        return one.div(x.neg().lanewise(VectorOperators.EXP).add(one));
    }
}
