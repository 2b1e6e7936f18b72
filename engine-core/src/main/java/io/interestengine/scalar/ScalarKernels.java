package io.interestengine.scalar;

import io.interestengine.cpu.CpuSession;
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
import io.interestengine.graph.SelfAttentionOp;
import io.interestengine.graph.SumOp;
import io.interestengine.spi.Kernel;
import io.interestengine.spi.KernelTable;

/**
 * The reference kernels, one per op kind (one class per op family). Each is a {@link Kernel} over any
 * {@link CpuSession}, so another CPU backend reuses one by listing it in its own table.
 */
public final class ScalarKernels {
    private ScalarKernels() {
    }

    public static final Kernel<Object, CpuSession, EmbeddingOp> EMBEDDING =
            (s, op, b) -> ScalarEmbedding.step(op, s.f, s.i, b.idsOff(op.field()), b.off(op.out()));
    public static final Kernel<Object, CpuSession, ConcatOp> CONCAT = (s, op, b) -> {
        int[] offs = new int[op.in().size()];
        for (int k = 0; k < offs.length; k++) offs[k] = b.off(op.in().get(k));
        return ScalarElementwise.concat(op, s.f, s.i, offs, b.off(op.out()), b.rowMapOff());
    };
    public static final Kernel<Object, CpuSession, BinaryOp> BINARY =
            (s, op, b) -> ScalarElementwise.binary(op, s.f, s.i, b.off(op.a()), b.off(op.b()), b.off(op.out()), b.rowMapOff());
    public static final Kernel<Object, CpuSession, PoolOp> POOL = (s, op, b) -> ScalarPool.step(op, s.f, s.i, b);
    public static final Kernel<Object, CpuSession, MaxPoolOp> MAX_POOL = (s, op, b) -> ScalarPool.max(op, s.f, s.i, b);
    public static final Kernel<Object, CpuSession, DenseOp> DENSE = (s, op, b) -> ScalarDense.step(op, s.f, b.off(op.in()), b.off(op.out()));
    public static final Kernel<Object, CpuSession, AttentionOp> ATTENTION = (s, op, b) -> new ScalarAttention(op, s.f, s.i, b);
    public static final Kernel<Object, CpuSession, GruOp> GRU = (s, op, b) -> new ScalarGru(op, s.f, s.i, b);
    public static final Kernel<Object, CpuSession, MimnOp> MIMN = (s, op, b) -> ScalarMimn.step(op, s.f, s.i, b);
    public static final Kernel<Object, CpuSession, MimnReadOp> MIMN_READ = (s, op, b) -> ScalarMimn.read(op, s.f, s.i, b);
    public static final Kernel<Object, CpuSession, SumOp> SUM = (s, op, b) -> {
        int[] offs = new int[op.in().size()];
        for (int k = 0; k < offs.length; k++) offs[k] = b.off(op.in().get(k));
        return ScalarElementwise.sum(op, s.f, s.i, offs, b.off(op.out()), b.rowMapOff());
    };
    public static final Kernel<Object, CpuSession, ReduceSumOp> REDUCE_SUM =
            (s, op, b) -> ScalarElementwise.reduceSum(op, s.f, b.off(op.in()), b.off(op.out()));
    public static final Kernel<Object, CpuSession, FlattenOp> FLATTEN =
            (s, op, b) -> ScalarElementwise.flatten(op, s.f, b.off(op.in()), b.off(op.out()));
    public static final Kernel<Object, CpuSession, FmOp> FM = (s, op, b) -> ScalarInteraction.fm(op, s.f, s.i, b);
    public static final Kernel<Object, CpuSession, InnerProductOp> INNER_PRODUCT = (s, op, b) -> ScalarInteraction.inner(op, s.f, s.i, b);
    public static final Kernel<Object, CpuSession, OuterProductOp> OUTER_PRODUCT = (s, op, b) -> ScalarInteraction.outer(op, s.f, s.i, b);
    public static final Kernel<Object, CpuSession, AfmOp> AFM = (s, op, b) -> ScalarInteraction.afm(op, s.f, s.i, b);
    public static final Kernel<Object, CpuSession, CrossOp> CROSS = (s, op, b) -> ScalarCross.cross(op, s.f, b);
    public static final Kernel<Object, CpuSession, CrossMixOp> CROSS_MIX = (s, op, b) -> ScalarCross.crossMix(op, s.f, b);
    public static final Kernel<Object, CpuSession, ResidualOp> RESIDUAL = (s, op, b) -> ScalarCross.residual(op, s.f, b);
    public static final Kernel<Object, CpuSession, CinOp> CIN = (s, op, b) -> ScalarCin.step(op, s.f, s.i, b);
    public static final Kernel<Object, CpuSession, SelfAttentionOp> SELF_ATTENTION = (s, op, b) -> ScalarSelfAttention.step(op, s.f, s.i, b);

    /** The scalar backend's table: every op kind. */
    public static final KernelTable<Object, CpuSession> TABLE = KernelTable.<Object, CpuSession>builder("scalar")
            .add(EmbeddingOp.class, EMBEDDING)
            .add(ConcatOp.class, CONCAT)
            .add(BinaryOp.class, BINARY)
            .add(PoolOp.class, POOL)
            .add(MaxPoolOp.class, MAX_POOL)
            .add(DenseOp.class, DENSE)
            .add(AttentionOp.class, ATTENTION)
            .add(GruOp.class, GRU)
            .add(MimnOp.class, MIMN)
            .add(MimnReadOp.class, MIMN_READ)
            .add(SumOp.class, SUM)
            .add(ReduceSumOp.class, REDUCE_SUM)
            .add(FlattenOp.class, FLATTEN)
            .add(FmOp.class, FM)
            .add(InnerProductOp.class, INNER_PRODUCT)
            .add(OuterProductOp.class, OUTER_PRODUCT)
            .add(AfmOp.class, AFM)
            .add(CrossOp.class, CROSS)
            .add(CrossMixOp.class, CROSS_MIX)
            .add(ResidualOp.class, RESIDUAL)
            .add(CinOp.class, CIN)
            .add(SelfAttentionOp.class, SELF_ATTENTION)
            .build();
}
