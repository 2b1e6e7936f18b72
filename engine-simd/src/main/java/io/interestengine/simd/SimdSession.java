package io.interestengine.simd;

import io.interestengine.graph.Op;
import io.interestengine.graph.Scope;
import io.interestengine.scalar.ScalarSession;
import io.interestengine.spi.PlanLayout;
import io.interestengine.spi.Step;

/**
 * One session's workspace bound to the Vector API kernels, one class per op family. Ops without a SIMD
 * kernel here keep the scalar implementation inherited from {@link ScalarSession}: concat (row-piece copies
 * in both) and the output's one or two floats per candidate; so a new op of the core runs on this backend
 * before it is vectorised.
 */
final class SimdSession extends ScalarSession {
    private final SimdModel model;
    private final Parallel par;

    SimdSession(PlanLayout layout, SimdModel model, Parallel par) {
        super(layout);
        this.model = model;
        this.par = par;
    }

    @Override
    public Step embedding(Op.Embedding op, int idsOff, int outOff) {
        return new SimdEmbedding(op, f, i, idsOff, outOff);
    }

    @Override
    public Step binary(Op.Binary op, int aOff, int bOff, int outOff, int rowMapOff) {
        return SimdElementwise.binary(op, f, i, aOff, bOff, outOff, rowMapOff);
    }

    @Override
    public Step pool(Op.Pool op, int inOff, int outOff, int lengthsOff) {
        return new SimdPool(graph, op, f, i, inOff, outOff, lengthsOff, layout.rowMapOff());
    }

    @Override
    public Step dense(Op.Dense op, int inOff, int outOff) {
        int maxRows = op.out().scope() == Scope.USER ? layout.maxUsers() : layout.maxCandidates();
        return new SimdDense(op, model.dense(op.layer()), f, inOff, outOff, maxRows, par);
    }

    @Override
    public Step gru(Op.Gru op, int inOff, int attOff, int outOff, int lengthsOff, int rowMapOff) {
        int maxRows = op.out().scope() == Scope.USER ? layout.maxUsers() : layout.maxCandidates();
        return new SimdGru(graph, op, model.gru(op), f, i, inOff, attOff, outOff, lengthsOff, rowMapOff, maxRows, par);
    }

    @Override
    public Step attention(Op.Attention op, int queryOff, int keysOff, int outOff, int lengthsOff, int rowMapOff) {
        return new SimdAttention(graph, op, model.attention(op), f, i, queryOff, keysOff, outOff, lengthsOff, rowMapOff,
                layout.maxUsers(), layout.maxCandidates(), par);
    }

    @Override
    public Step mimn(Op.Mimn op, int inOff, int stateOff, int meanOff, int inductionOff, int lengthsOff) {
        return new SimdMimn(graph, op, model.mimn(op), f, i, inOff, stateOff, meanOff, inductionOff, lengthsOff, par);
    }

    @Override
    public Step mimnRead(Op.MimnRead op, int stateOff, int queryOff, int outOff, int rowMapOff) {
        return new SimdMimn.Read(op, model.mimn(op.mimn()), f, i, stateOff, queryOff, outOff, rowMapOff, par);
    }
}
