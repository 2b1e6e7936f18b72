package io.interestengine.simd;

import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
import io.interestengine.scalar.ScalarSession;
import io.interestengine.spi.DeviceSession;
import io.interestengine.spi.PlanLayout;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A scalar and a SIMD session over identical arenas, for op-level comparisons: both get the same random
 * floats and ints, one op is bound on each at the same offsets and run, then the whole float arenas are
 * compared, which also catches a kernel writing outside its output.
 */
final class Arenas implements AutoCloseable {
    final ScalarSession scalar;
    final DeviceSession simd;
    final SimdModel model;

    Arenas(int T, boolean leftPadding, int floats, int ints, int maxUsers, int maxCands, long seed, int threads, Op... ops) {
        ModelGraph g = new ModelGraph("kernel_test", "", "", Map.of(), List.of(), Map.of(), List.of(ops), null, T, leftPadding, 0);
        PlanLayout layout = new PlanLayout(g, floats, ints, ints, maxUsers, maxCands);
        scalar = new ScalarSession(layout);
        model = new SimdModel(g, threads);
        simd = model.openSession(layout);
        Random r = new Random(seed);
        float[] a = scalar.stagingFloats(), b = simd.stagingFloats();
        for (int k = 0; k < a.length; k++) a[k] = b[k] = (float) r.nextGaussian();
    }

    float[] scalarF() {
        return scalar.stagingFloats();
    }

    float[] simdF() {
        return simd.stagingFloats();
    }

    void ints(int off, int... v) {
        System.arraycopy(v, 0, scalar.stagingInts(), off, v.length);
        System.arraycopy(v, 0, simd.stagingInts(), off, v.length);
    }

    /** Element-wise {@code |simd − scalar| ≤ tol(k)}, naming the first index that differs too much. */
    void assertClose(String what, Tol tol) {
        float[] e = scalarF(), a = simdF();
        for (int k = 0; k < e.length; k++) {
            double t = tol.at(k, e[k]);
            if (!(Math.abs(a[k] - e[k]) <= t)) {
                fail(what + " [" + Vec.bits() + "-bit vectors]: arena[" + k + "] is " + a[k] + ", scalar " + e[k] + " (|diff| " + Math.abs(a[k] - e[k]) + " > " + t + ")");
            }
        }
    }

    @FunctionalInterface
    interface Tol {
        double at(int index, float expected);
    }

    static Tol exact() {
        return (k, e) -> 0.0;
    }

    static Tol rel(double rtol, double atol) {
        return (k, e) -> atol + rtol * Math.abs(e);
    }

    @Override
    public void close() {
        scalar.close();
        simd.close();
        model.close();
    }
}
