package io.interestengine.scalar;

import io.interestengine.cpu.CpuSession;
import io.interestengine.graph.Op;
import io.interestengine.graph.Output;
import io.interestengine.spi.PlanLayout;
import io.interestengine.spi.Step;

/** Binds the scalar kernels, one class per op family, to one session's arenas. Public so that a faster CPU backend can extend it and replace op families one at a time. */
public class ScalarSession extends CpuSession {
    public ScalarSession(PlanLayout layout) {
        super(layout);
    }

    @Override
    public Step embedding(Op.Embedding op, int idsOff, int outOff) {
        return ScalarEmbedding.step(op, f, i, idsOff, outOff);
    }

    @Override
    public Step concat(Op.Concat op, int[] inOffs, int outOff, int rowMapOff) {
        return ScalarElementwise.concat(op, f, i, inOffs, outOff, rowMapOff);
    }

    @Override
    public Step binary(Op.Binary op, int aOff, int bOff, int outOff, int rowMapOff) {
        return ScalarElementwise.binary(op, f, i, aOff, bOff, outOff, rowMapOff);
    }

    @Override
    public Step pool(Op.Pool op, int inOff, int outOff, int lengthsOff) {
        return ScalarPool.step(graph, op, f, i, inOff, outOff, lengthsOff, layout.rowMapOff());
    }

    @Override
    public Step dense(Op.Dense op, int inOff, int outOff) {
        return ScalarDense.step(op, f, inOff, outOff);
    }

    @Override
    public Step attention(Op.Attention op, int queryOff, int keysOff, int outOff, int lengthsOff, int rowMapOff) {
        return new ScalarAttention(graph, op, f, i, queryOff, keysOff, outOff, lengthsOff, rowMapOff);
    }

    @Override
    public Step gru(Op.Gru op, int inOff, int attOff, int outOff, int lengthsOff, int rowMapOff) {
        return new ScalarGru(graph, op, f, i, inOff, attOff, outOff, lengthsOff, rowMapOff);
    }

    @Override
    public Step mimn(Op.Mimn op, int inOff, int stateOff, int meanOff, int inductionOff, int lengthsOff) {
        return ScalarMimn.step(graph, op, f, i, inOff, stateOff, meanOff, inductionOff, lengthsOff);
    }

    @Override
    public Step mimnRead(Op.MimnRead op, int stateOff, int queryOff, int outOff, int rowMapOff) {
        return ScalarMimn.read(op, f, i, stateOff, queryOff, outOff, rowMapOff);
    }

    @Override
    public Step output(Output output, int inOff, int scoresOff, int rowMapOff) {
        return ScalarOutput.step(output, f, i, inOff, scoresOff, rowMapOff);
    }
}
