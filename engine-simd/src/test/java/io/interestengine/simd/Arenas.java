package io.interestengine.simd;

import io.interestengine.LoadOptions;
import io.interestengine.graph.AttentionOp;
import io.interestengine.graph.BinaryOp;
import io.interestengine.graph.ConcatOp;
import io.interestengine.graph.DenseOp;
import io.interestengine.graph.EmbeddingOp;
import io.interestengine.graph.Field;
import io.interestengine.graph.GruOp;
import io.interestengine.graph.MimnOp;
import io.interestengine.graph.MimnReadOp;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;
import io.interestengine.graph.PoolOp;
import io.interestengine.graph.Scope;
import io.interestengine.graph.SequenceGroup;
import io.interestengine.graph.Value;
import io.interestengine.scalar.ScalarBackend;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.DeviceModel;
import io.interestengine.spi.DeviceSession;
import io.interestengine.spi.PlanLayout;
import io.interestengine.spi.Step;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A scalar and a SIMD session over identical arenas, for op-level comparisons: both get the same random
 * floats and ints, one op is bound on each at the same offsets (explicit {@link Bindings}) and run, then the
 * whole float arenas are compared, which also catches a kernel writing outside its output.
 */
final class Arenas implements AutoCloseable {
    final DeviceSession scalar;
    final DeviceSession simd;
    final SimdModel model;
    private final DeviceModel scalarModel;
    private final ModelGraph graph;
    private final int maxUsers, maxCands;

    /** The one sequence group of an op-level test: T positions, right or left padding, masked by length. */
    static SequenceGroup grp(int T, boolean left) {
        return new SequenceGroup("history", 0, T, left, 0, false);
    }

    Arenas(int T, boolean leftPadding, int floats, int ints, int maxUsers, int maxCands, long seed, int threads, Op... ops) {
        graph = new ModelGraph("kernel_test", "", "", 2, Map.of(), List.of(), T > 0 ? List.of(grp(T, leftPadding)) : List.of(), Map.of(),
                List.of(ops), null);
        this.maxUsers = maxUsers;
        this.maxCands = maxCands;
        PlanLayout layout = new PlanLayout(graph, floats, ints, ints, maxUsers, maxCands, null);
        scalarModel = new ScalarBackend().load(graph, LoadOptions.defaults());
        scalar = scalarModel.openSession(layout);
        model = new SimdModel(graph, threads);
        simd = model.openSession(layout);
        Random r = new Random(seed);
        float[] a = scalar.stagingFloats(), b = simd.stagingFloats();
        for (int k = 0; k < a.length; k++) a[k] = b[k] = (float) r.nextGaussian();
    }

    /** Offsets of one binding, given by the test. */
    final class At implements Bindings {
        private final Map<String, Integer> off = new HashMap<>();
        private final Map<String, Integer> ids = new HashMap<>();
        private int lengthsOff, rowMapOff;

        At v(Value v, int at) {
            if (v != null) off.put(v.name(), at);
            return this;
        }

        At lengths(int at) {
            lengthsOff = at;
            return this;
        }

        At rowMap(int at) {
            rowMapOff = at;
            return this;
        }

        At ids(Field f, int at) {
            ids.put(f.name(), at);
            return this;
        }

        @Override
        public ModelGraph graph() {
            return graph;
        }

        @Override
        public int off(Value v) {
            Integer o = off.get(v.name());
            if (o == null) throw new IllegalStateException("test binding has no offset for '" + v.name() + "'");
            return o;
        }

        @Override
        public int idsOff(Field f) {
            return ids.get(f.name());
        }

        @Override
        public int lengthsOff(SequenceGroup s) {
            return lengthsOff;
        }

        @Override
        public int rowMapOff() {
            return rowMapOff;
        }

        @Override
        public int maxRows(Scope s) {
            return s == Scope.USER ? maxUsers : maxCands;
        }
    }

    Step dense(DeviceSession s, DenseOp op, int in, int out) {
        return s.bind(op, new At().v(op.in(), in).v(op.out(), out));
    }

    Step attention(DeviceSession s, AttentionOp op, int q, int k, int out, int lengthsOff, int rowMapOff) {
        return s.bind(op, new At().v(op.query(), q).v(op.keys(), k).v(op.out(), out).lengths(lengthsOff).rowMap(rowMapOff));
    }

    Step gru(DeviceSession s, GruOp op, int x, int att, int out, int lengthsOff, int rowMapOff) {
        return s.bind(op, new At().v(op.in(), x).v(op.attention(), att).v(op.out(), out).lengths(lengthsOff).rowMap(rowMapOff));
    }

    Step embedding(DeviceSession s, EmbeddingOp op, int idsOff, int out) {
        return s.bind(op, new At().ids(op.field(), idsOff).v(op.out(), out));
    }

    Step pool(DeviceSession s, PoolOp op, int in, int out, int lengthsOff) {
        return s.bind(op, new At().v(op.in(), in).v(op.out(), out).lengths(lengthsOff));
    }

    Step maxPool(DeviceSession s, io.interestengine.graph.MaxPoolOp op, int in, int out, int lengthsOff) {
        return s.bind(op, new At().v(op.in(), in).v(op.out(), out).lengths(lengthsOff));
    }

    Step binary(DeviceSession s, BinaryOp op, int a, int b, int out, int rowMapOff) {
        return s.bind(op, new At().v(op.a(), a).v(op.b(), b).v(op.out(), out).rowMap(rowMapOff));
    }

    Step concat(DeviceSession s, ConcatOp op, int[] ins, int out, int rowMapOff) {
        At at = new At().v(op.out(), out).rowMap(rowMapOff);
        for (int k = 0; k < ins.length; k++) at.v(op.in().get(k), ins[k]);
        return s.bind(op, at);
    }

    Step mimn(DeviceSession s, MimnOp op, int x, int state, int mean, int miu, int lengthsOff) {
        return s.bind(op, new At().v(op.in(), x).v(op.out(), state).v(op.meanMemory(), mean).v(op.induction(), miu).lengths(lengthsOff));
    }

    Step mimnRead(DeviceSession s, MimnReadOp op, int state, int q, int out, int rowMapOff) {
        return s.bind(op, new At().v(op.state(), state).v(op.query(), q).v(op.out(), out).rowMap(rowMapOff));
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
                fail(what + " [" + Vec.bits() + "-bit vectors]: arena[" + k + "] is " + a[k] + ", scalar " + e[k] + " (|diff| "
                        + Math.abs(a[k] - e[k]) + " > " + t + ")");
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
        scalarModel.close();
    }
}
