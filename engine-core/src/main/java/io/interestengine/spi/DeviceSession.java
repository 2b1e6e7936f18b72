package io.interestengine.spi;

import io.interestengine.graph.Op;
import io.interestengine.graph.Output;

/**
 * One session's workspace in a backend and the factory of its bound kernels. Offsets are element
 * offsets into the session's float arena (values) or int arena (ids, lengths, row map). A step of
 * candidate scope reads user-scope inputs through the row map ({@code rowMap[c]} is the user row of
 * candidate row {@code c}). History masks: position {@code t} of a masked sequence is real when
 * {@code t < len} (right padding) or {@code t >= T − len} (left padding), {@code len = lengths[user]}.
 */
public interface DeviceSession extends AutoCloseable {
    /** Host staging of the int arena's input region; the executor writes it, then calls {@link #upload}. */
    int[] stagingInts();

    /** Host staging for dense inputs, written at the float offsets of their values. */
    float[] stagingFloats();

    /** Makes {@code [0, ints)} of the int staging and {@code [floatOff, floatOff + floats)} of the float staging visible to kernels. */
    void upload(int ints, int floatOff, int floats);

    /** Copies {@code n} floats of the arena at {@code off} into {@code dst}. Waits for pending work. */
    void download(int off, float[] dst, int n);

    Step embedding(Op.Embedding op, int idsOff, int outOff);

    Step concat(Op.Concat op, int[] inOffs, int outOff, int rowMapOff);

    Step binary(Op.Binary op, int aOff, int bOff, int outOff, int rowMapOff);

    Step pool(Op.Pool op, int inOff, int outOff, int lengthsOff);

    Step dense(Op.Dense op, int inOff, int outOff);

    Step attention(Op.Attention op, int queryOff, int keysOff, int outOff, int lengthsOff, int rowMapOff);

    /**
     * GRU over a (user- or candidate-scope) sequence, with DIEN's attention forms; {@code attOff} is −1 without
     * attention. Padded positions of a sequence output are zero.
     */
    default Step gru(Op.Gru op, int inOff, int attOff, int outOff, int lengthsOff, int rowMapOff) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not implement op gru ('" + op.out().name() + "')");
    }

    /** MIMN memory network over the user's history: packed state, mean memory and (−1 when absent) MIU outputs. */
    default Step mimn(Op.Mimn op, int inOff, int stateOff, int meanOff, int inductionOff, int lengthsOff) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not implement op mimn ('" + op.out().name() + "')");
    }

    /** MIMN's read step with the candidate as input, from the user's packed state. */
    default Step mimnRead(Op.MimnRead op, int stateOff, int queryOff, int outOff, int rowMapOff) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not implement op mimn_read ('" + op.out().name() + "')");
    }

    /** Writes one score per candidate row at {@code scoresOff}. */
    Step output(Output output, int inOff, int scoresOff, int rowMapOff);

    @Override
    void close();
}
