package io.interestengine.spi;

import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Op;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A backend's kernels, one per op kind it implements (keyed by the op's class). The executor binds every op
 * of a graph through it, and backend selection asks it which ops a model needs that the backend lacks. Ops the
 * executor stages itself ({@link Op#stagedInput()}) need no kernel.
 *
 * @param <M> the backend's model type
 * @param <S> the backend's session type
 */
public final class KernelTable<M, S> {
    private final String backend;
    private final Map<Class<?>, Kernel<? super M, ? super S, ?>> kernels;

    private KernelTable(String backend, Map<Class<?>, Kernel<? super M, ? super S, ?>> kernels) {
        this.backend = backend;
        this.kernels = Map.copyOf(kernels);
    }

    public static <M, S> Builder<M, S> builder(String backend) {
        return new Builder<>(backend);
    }

    public static final class Builder<M, S> {
        private final String backend;
        private final Map<Class<?>, Kernel<? super M, ? super S, ?>> kernels = new LinkedHashMap<>();

        private Builder(String backend) {
            this.backend = backend;
        }

        /** Registers the kernel of op class {@code op}; a kernel of another backend may be reused (composition). */
        public <O extends Op> Builder<M, S> add(Class<O> op, Kernel<? super M, ? super S, O> kernel) {
            if (kernels.put(op, kernel) != null) throw new IllegalArgumentException(backend + ": two kernels for " + op.getSimpleName());
            return this;
        }

        public KernelTable<M, S> build() {
            return new KernelTable<>(backend, kernels);
        }
    }

    /** The op classes this table has kernels for. */
    public java.util.Set<Class<?>> kinds() {
        return kernels.keySet();
    }

    @SuppressWarnings("unchecked")
    private <O extends Op> Kernel<M, S, O> kernel(O op) {
        return (Kernel<M, S, O>) kernels.get(op.getClass());
    }

    /**
     * Why this backend cannot run {@code g}: the first op without a kernel ({@code "no kernel for op 'max_pool'"}) or
     * whose kernel declines it, naming the op; null when every op is covered.
     */
    public String unsupported(ModelGraph g) {
        for (int k = 0; k < g.ops().size(); k++) {
            Op op = g.ops().get(k);
            if (op.stagedInput() != null) continue;
            Kernel<M, S, Op> kn = kernel(op);
            if (kn == null) return "no kernel for op '" + op.kind() + "' (op " + k + ", '" + op.out().name() + "')";
            String why = kn.unsupported(op);
            if (why != null) return "op '" + op.kind() + "' (op " + k + ", '" + op.out().name() + "'): " + why;
        }
        return null;
    }

    /**
     * Prepares every op's weights for {@code model}: all or nothing (a failure closes what was made).
     *
     * @throws IllegalStateException if an op has no kernel (check {@link #unsupported} first)
     */
    public Prepared prepare(M model, ModelGraph g) {
        Map<Op, Object> out = new IdentityHashMap<>();
        Prepared p = new Prepared(out);
        try {
            for (Op op : g.ops()) {
                if (op.stagedInput() != null) continue;
                Object w = require(op).prepare(model, op);
                if (w != null) out.put(op, w);
            }
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** Binds {@code op} to a session. */
    public Step bind(S session, Op op, Bindings b) {
        return require(op).bind(session, op, b);
    }

    private Kernel<M, S, Op> require(Op op) {
        Kernel<M, S, Op> k = kernel(op);
        if (k == null) throw new IllegalStateException(backend + ": no kernel for op '" + op.kind() + "' ('" + op.out().name() + "')");
        return k;
    }

    /** Per-op prepared weights of one model; closes those that are {@link AutoCloseable}. */
    public static final class Prepared implements AutoCloseable {
        private final Map<Op, Object> weights;

        private Prepared(Map<Op, Object> weights) {
            this.weights = weights;
        }

        /** The weights {@code op}'s kernel prepared (its own type). */
        @SuppressWarnings("unchecked")
        public <T> T get(Op op) {
            return (T) weights.get(op);
        }

        @Override
        public void close() {
            RuntimeException first = null;
            for (Object w : weights.values()) {
                if (w instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        if (first == null) first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                    }
                }
            }
            weights.clear();
            if (first != null) throw first;
        }
    }
}
