package io.interestengine.cuda;

import io.interestengine.graph.Activation;
import io.interestengine.graph.Layer;

/**
 * A dense layer resident on the device: W [out, in], bias, and the activation's per-channel parameters
 * (PReLU α; Dice α and its folded sigmoid coefficients), each nullable.
 */
final class DeviceLayer implements AutoCloseable {
    static final int LINEAR = 0, RELU = 1, SIGMOID = 2, TANH = 3, PRELU = 4, DICE = 5;

    final int in, out, act;
    final DeviceBuffer w, b, p0, p1, p2;

    DeviceLayer(Driver d, Layer l, float[] weight, boolean withBias, String what) {
        in = weight.length / l.out();
        out = l.out();
        act = code(l.activation());
        DeviceBuffer[] bs = new DeviceBuffer[5];
        try {
            bs[0] = DeviceBuffer.of(d, weight, what + " weight");
            if (withBias) bs[1] = DeviceBuffer.of(d, l.bias(), what + " bias");
            float[][] p = params(l.activation());
            for (int k = 0; k < 3; k++) if (p[k] != null) bs[2 + k] = DeviceBuffer.of(d, p[k], what + " activation parameter " + k);
        } catch (RuntimeException e) {
            for (DeviceBuffer x : bs) if (x != null) x.close();
            throw e;
        }
        w = bs[0];
        b = bs[1];
        p0 = bs[2];
        p1 = bs[3];
        p2 = bs[4];
    }

    static int code(Activation a) {
        return switch (a) {
            case Activation.Linear l -> LINEAR;
            case Activation.Relu r -> RELU;
            case Activation.Sigmoid s -> SIGMOID;
            case Activation.Tanh t -> TANH;
            case Activation.PRelu p -> PRELU;
            case Activation.Dice d -> DICE;
        };
    }

    /** The kernels' p0, p1, p2 for an activation (see common.cuh ie_act). */
    static float[][] params(Activation a) {
        return switch (a) {
            case Activation.PRelu p -> new float[][]{p.alpha(), null, null};
            case Activation.Dice d -> new float[][]{d.alpha(), d.a(), d.c()};
            default -> new float[][]{null, null, null};
        };
    }

    /** The buffer's address, or null (a null pointer argument) when absent. */
    static Long ptr(DeviceBuffer b) {
        return b == null ? null : b.ptr();
    }

    @Override
    public void close() {
        for (DeviceBuffer x : new DeviceBuffer[]{w, b, p0, p1, p2}) if (x != null) x.close();
    }
}
