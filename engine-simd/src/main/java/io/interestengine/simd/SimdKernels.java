package io.interestengine.simd;

import io.interestengine.graph.AttentionOp;
import io.interestengine.graph.BinaryOp;
import io.interestengine.graph.ConcatOp;
import io.interestengine.graph.DenseOp;
import io.interestengine.graph.EmbeddingOp;
import io.interestengine.graph.GruOp;
import io.interestengine.graph.MaxPoolOp;
import io.interestengine.graph.MimnOp;
import io.interestengine.graph.MimnReadOp;
import io.interestengine.graph.PoolOp;
import io.interestengine.graph.AfmOp;
import io.interestengine.graph.CinOp;
import io.interestengine.graph.CrossMixOp;
import io.interestengine.graph.CrossOp;
import io.interestengine.graph.FlattenOp;
import io.interestengine.graph.FmOp;
import io.interestengine.graph.InnerProductOp;
import io.interestengine.graph.OuterProductOp;
import io.interestengine.graph.ReduceSumOp;
import io.interestengine.graph.ResidualOp;
import io.interestengine.graph.Scope;
import io.interestengine.graph.SelfAttentionOp;
import io.interestengine.graph.SumOp;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Step;
import io.interestengine.graph.Value;
import io.interestengine.scalar.ScalarKernels;
import io.interestengine.spi.Kernel;
import io.interestengine.spi.KernelTable;

/**
 * The Vector API kernels, one per op kind. The reference kernels are reused by composition for pooling and attention over id-masked groups (DeepCTR-Torch's small
 * {@code length_name=None} features, whose real positions need not be consecutive).
 */
final class SimdKernels {
    private SimdKernels() {
    }

    private static boolean idMasked(Value seq, boolean masked) {
        return masked && seq.group() != null && seq.group().idMask();
    }

    static final Kernel<SimdModel, SimdSession, DenseOp> DENSE = new Kernel<>() {
        @Override
        public Object prepare(SimdModel m, DenseOp op) {
            return Packed.of(op.layer());
        }

        @Override
        public io.interestengine.spi.Step bind(SimdSession s, DenseOp op, io.interestengine.spi.Bindings b) {
            return new SimdDense(op, s.model.prepared(op), s.f, b.off(op.in()), b.off(op.out()), b.maxRows(op.out().scope()), s.par);
        }
    };

    static final Kernel<SimdModel, SimdSession, AttentionOp> ATTENTION = new Kernel<>() {
        @Override
        public Object prepare(SimdModel m, AttentionOp op) {
            return new SplitAttention(op);
        }

        @Override
        public io.interestengine.spi.Step bind(SimdSession s, AttentionOp op, io.interestengine.spi.Bindings b) {
            if (idMasked(op.keys(), op.mask())) return ScalarKernels.ATTENTION.bind(s, op, b);
            return new SimdAttention(op.keys().group(), op, s.model.prepared(op), s.f, s.i, b.off(op.query()), b.off(op.keys()),
                    b.off(op.out()), op.mask() ? b.lengthsOff(op.keys().group()) : -1, b.rowMapOff(),
                    b.maxRows(io.interestengine.graph.Scope.USER), b.maxRows(io.interestengine.graph.Scope.CANDIDATE), s.par);
        }
    };

    static final Kernel<SimdModel, SimdSession, GruOp> GRU = new Kernel<>() {
        @Override
        public Object prepare(SimdModel m, GruOp op) {
            return new GruWeights(op.cell());
        }

        @Override
        public io.interestengine.spi.Step bind(SimdSession s, GruOp op, io.interestengine.spi.Bindings b) {
            return new SimdGru(op.in().group(), op, s.model.prepared(op), s.f, s.i, b.off(op.in()),
                    op.attention() == null ? -1 : b.off(op.attention()), b.off(op.out()),
                    op.in().masked() ? b.lengthsOff(op.in().group()) : -1, b.rowMapOff(), b.maxRows(op.out().scope()), s.par);
        }
    };

    static final Kernel<SimdModel, SimdSession, MimnOp> MIMN = new Kernel<>() {
        @Override
        public Object prepare(SimdModel m, MimnOp op) {
            return new MimnWeights(op);
        }

        @Override
        public io.interestengine.spi.Step bind(SimdSession s, MimnOp op, io.interestengine.spi.Bindings b) {
            return new SimdMimn(op.in().group(), op, s.model.prepared(op), s.f, s.i, b.off(op.in()), b.off(op.out()),
                    b.off(op.meanMemory()), op.induction() == null ? -1 : b.off(op.induction()), b.lengthsOff(op.in().group()), s.par);
        }
    };

    static final Kernel<SimdModel, SimdSession, MimnReadOp> MIMN_READ = (s, op, b) ->
            new SimdMimn.Read(op, s.model.prepared(op.mimn()), s.f, s.i, b.off(op.state()), b.off(op.query()), b.off(op.out()),
                    b.rowMapOff(), s.par);

    static final Kernel<SimdModel, SimdSession, PoolOp> POOL = (s, op, b) -> {
        if (idMasked(op.in(), op.masked())) return ScalarKernels.POOL.bind(s, op, b);
        Step fused = SimdGatherPool.bind(op, s.f, s.i, b);
        return fused != null ? fused : new SimdPool(op.in().group(), op, s.f, s.i, b.off(op.in()), b.off(op.out()),
                op.masked() ? b.lengthsOff(op.in().group()) : -1, b.rowMapOff());
    };

    /** The step of an embedding or concatenation that a fused pooling computes itself ({@link SimdGatherPool}). */
    private static final Step NOTHING = (users, cands) -> { };

    /** An embedding's rows go to its own output, straight into the concatenation that alone reads it, or nowhere. */
    static final Kernel<SimdModel, SimdSession, EmbeddingOp> EMBEDDING = (s, op, b) -> {
        if (SimdGatherPool.absorbed(b.graph(), op)) return NOTHING;
        int ids = b.idsOff(op.field());
        ConcatOp c = SimdConcat.writtenInPlace(b.graph(), op);
        if (c == null) return new SimdEmbedding(op, s.f, s.i, ids, b.off(op.out()), op.out().width());
        return new SimdEmbedding(op, s.f, s.i, ids, b.off(c.out()) + SimdConcat.column(c, op.out()), c.out().width());
    };

    static final Kernel<SimdModel, SimdSession, SumOp> SUM = (s, op, b) -> {
        int[] offs = new int[op.in().size()];
        for (int k = 0; k < offs.length; k++) offs[k] = b.off(op.in().get(k));
        return SimdElementwise.sum(op, s.f, s.i, offs, b.off(op.out()), b.rowMapOff());
    };

    static final Kernel<SimdModel, SimdSession, OuterProductOp> OUTER_PRODUCT = new Kernel<>() {
        @Override
        public Object prepare(SimdModel m, OuterProductOp op) {
            return SimdInteraction.outerKernel(op);
        }

        @Override
        public Step bind(SimdSession s, OuterProductOp op, Bindings b) {
            return new SimdPairs(op.out(), op.in(), op.type(), s.model.prepared(op), s.f, s.i, b);
        }
    };

    static final Kernel<SimdModel, SimdSession, AfmOp> AFM = new Kernel<>() {
        @Override
        public Step bind(SimdSession s, AfmOp op, Bindings b) {
            return new SimdAfm(op, s.f, s.i, b);
        }
    };

    static final Kernel<SimdModel, SimdSession, CrossOp> CROSS = new Kernel<>() {
        @Override
        public Object prepare(SimdModel m, CrossOp op) {
            return SimdCross.Weights.cross(op);
        }

        @Override
        public Step bind(SimdSession s, CrossOp op, Bindings b) {
            return new SimdCross.Cross(op, s.model.prepared(op), s.f, b.off(op.in()), b.off(op.out()), b.maxRows(op.out().scope()));
        }
    };

    static final Kernel<SimdModel, SimdSession, CrossMixOp> CROSS_MIX = new Kernel<>() {
        @Override
        public Object prepare(SimdModel m, CrossMixOp op) {
            return SimdCross.Weights.crossMix(op);
        }

        @Override
        public Step bind(SimdSession s, CrossMixOp op, Bindings b) {
            return new SimdCross.CrossMix(op, s.model.prepared(op), s.f, b.off(op.in()), b.off(op.out()), b.maxRows(op.out().scope()));
        }
    };

    static final Kernel<SimdModel, SimdSession, ResidualOp> RESIDUAL = new Kernel<>() {
        @Override
        public Object prepare(SimdModel m, ResidualOp op) {
            return SimdCross.Weights.residual(op);
        }

        @Override
        public Step bind(SimdSession s, ResidualOp op, Bindings b) {
            return new SimdCross.Residual(op, s.model.prepared(op), s.f, b.off(op.in()), b.off(op.out()), b.maxRows(op.out().scope()));
        }
    };

    static final Kernel<SimdModel, SimdSession, CinOp> CIN = new Kernel<>() {
        @Override
        public Object prepare(SimdModel m, CinOp op) {
            return SimdCin.prepare(op);
        }

        @Override
        public Step bind(SimdSession s, CinOp op, Bindings b) {
            return new SimdCin(op, s.model.prepared(op), s.f, s.i, b);
        }
    };

    static final Kernel<SimdModel, SimdSession, SelfAttentionOp> SELF_ATTENTION = new Kernel<>() {
        @Override
        public Object prepare(SimdModel m, SelfAttentionOp op) {
            return SimdSelfAttention.prepare(op);
        }

        @Override
        public Step bind(SimdSession s, SelfAttentionOp op, Bindings b) {
            return new SimdSelfAttention(op, s.model.prepared(op), s.f, s.i, b);
        }
    };

    static final KernelTable<SimdModel, SimdSession> TABLE = KernelTable.<SimdModel, SimdSession>builder("simd")
            .add(EmbeddingOp.class, EMBEDDING)
            .add(ConcatOp.class, (s, op, b) -> {
                if (SimdGatherPool.absorbed(b.graph(), op)) return NOTHING;
                int[] offs = new int[op.in().size()];
                for (int k = 0; k < offs.length; k++) offs[k] = b.off(op.in().get(k));
                return new SimdConcat(op, b.graph(), s.f, s.i, offs, b.off(op.out()), b.rowMapOff());
            })
            .add(BinaryOp.class, (s, op, b) -> SimdElementwise.binary(op, s.f, s.i, b.off(op.a()), b.off(op.b()), b.off(op.out()), b.rowMapOff()))
            .add(PoolOp.class, POOL)
            .add(MaxPoolOp.class, (s, op, b) -> new SimdMaxPool(op, s.f, s.i, b))
            .add(DenseOp.class, DENSE)
            .add(AttentionOp.class, ATTENTION)
            .add(GruOp.class, GRU)
            .add(MimnOp.class, MIMN)
            .add(MimnReadOp.class, MIMN_READ)
            .add(SumOp.class, SUM)
            .add(ReduceSumOp.class, (s, op, b) -> SimdElementwise.reduceSum(op, s.f, b.off(op.in()), b.off(op.out())))
            // A row-major copy: System.arraycopy is already vector moves.
            .add(FlattenOp.class, ScalarKernels.FLATTEN)
            .add(FmOp.class, (s, op, b) -> new SimdInteraction.Fm(op, s.f, s.i, b))
            .add(InnerProductOp.class, (s, op, b) -> op.reduceSum()
                    ? new SimdPairs(op.out(), op.in(), null, null, s.f, s.i, b)
                    : new SimdInteraction.Products(op, s.f, s.i, b))
            .add(OuterProductOp.class, OUTER_PRODUCT)
            .add(AfmOp.class, AFM)
            .add(CrossOp.class, CROSS)
            .add(CrossMixOp.class, CROSS_MIX)
            .add(ResidualOp.class, RESIDUAL)
            .add(CinOp.class, CIN)
            .add(SelfAttentionOp.class, SELF_ATTENTION)
            .build();
}
