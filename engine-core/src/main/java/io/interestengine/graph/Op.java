package io.interestengine.graph;

import java.util.List;

/** The ops a model graph is made of; each backend implements every one. */
public sealed interface Op {
    Value out();

    /** Values this op reads. */
    List<Value> inputs();

    /** Every value this op writes; {@link #out()} first. Most ops write one. */
    default List<Value> outputs() {
        return List.of(out());
    }

    /** Id field lookup: a user/candidate field gives a vector, a history field a sequence. */
    record Embedding(Value out, Field field) implements Op {
        public List<Value> inputs() { return List.of(); }
    }

    /** A dense request field copied in as a vector. */
    record DenseInput(Value out, Field field) implements Op {
        public List<Value> inputs() { return List.of(); }
    }

    record Concat(Value out, List<Value> in) implements Op {
        public List<Value> inputs() { return in; }
    }

    enum BinaryKind { MUL, ADD }

    record Binary(Value out, BinaryKind kind, Value a, Value b) implements Op {
        public List<Value> inputs() { return List.of(a, b); }
    }

    record Pool(Value out, Value in, boolean mean, boolean masked, float meanEps) implements Op {
        public List<Value> inputs() { return List.of(in); }
    }

    record Dense(Value out, Value in, Layer layer) implements Op {
        public List<Value> inputs() { return List.of(in); }
    }

    enum Normalization { SOFTMAX, RAW }

    /**
     * DIN activation unit over {@code [q, k, q−k, q⊙k]}; {@code layers} end with one output. Writes the
     * pooled keys, or the weights as a {@code [rows, T, 1]} sequence when {@code returnWeights}.
     */
    record Attention(Value out, Value query, Value keys, List<Layer> layers, Normalization normalization,
                     float scale, boolean mask, boolean returnWeights) implements Op {
        public List<Value> inputs() { return List.of(query, keys); }
    }

    /**
     * A GRU cell's weights, PyTorch layout ({@code [out, in]}). {@code tf}: reset applied before the matmul,
     * {@code gate} is {@code [2H, in+H]} (rows r then u, columns x then h), {@code cand} is {@code [H, in+H]}
     * (columns x then r⊙h). Otherwise PyTorch: {@code ih} {@code [3H, in]}, {@code hh} {@code [3H, H]}, row
     * blocks (r, z, n), reset applied after the matmul. In both, the second gate is the keep fraction of the
     * plain cell: {@code h' = g⊙h + (1−g)⊙c}.
     */
    record GruWeights(boolean tf, int in, int hidden, float[] gate, float[] gateBias, float[] cand, float[] candBias,
                      float[] ih, float[] ihBias, float[] hh, float[] hhBias) {
    }

    /** How attention weights {@code a_t} enter a GRU (DIEN's interest evolution). */
    enum AttentionForm {
        /** No attention: a plain GRU. */
        NONE,
        /** mouna99 VecAttGRUCell: {@code k = (1−a)·g}, {@code h' = k⊙h + (1−k)⊙c}. */
        AUGRU_KEEP,
        /** DIEN paper / DeepCTR-Torch AUGRUCell: {@code v = a·g}, {@code h' = (1−v)⊙h + v⊙c}. */
        AUGRU_UPDATE,
        /** AGRU (mouna99 QAAttGRUCell, DeepCTR-Torch AGRUCell): {@code h' = (1−a)·h + a·c}. */
        AGRU,
        /** AIGRU: the input is scaled by {@code a} before a plain GRU. */
        AIGRU
    }

    /**
     * A GRU over the real positions of a sequence (right or left padding). Writes every step's state
     * (zero at padded positions) or the final state (state at the last real step; the zero initial state
     * for an empty history). {@code attention} ({@code [rows, T, 1]}) is null for {@link AttentionForm#NONE}.
     */
    record Gru(Value out, Value in, Value attention, AttentionForm form, GruWeights cell, boolean returnSequence) implements Op {
        public List<Value> inputs() {
            return attention == null ? List.of(in) : List.of(in, attention);
        }
    }

    /**
     * MIMN's memory network (UIC-Paper script/mimn.py MIMNCell) run over the user's history: writes the
     * packed per-user state {@code out} (layout {@link MimnLayout}), the mean memory ({@code meanMemory},
     * the mean over slots of sum_aggre) and, with the Memory Induction Unit, the last step's MIU outputs
     * ({@code induction}, a sequence of {@code slots} rows).
     */
    record Mimn(Value out, Value in, Value meanMemory, Value induction, MimnLayout layout, boolean utilReg,
                boolean maskFlag, boolean padded, float clip, float sharpen, float utilScale, int shiftRange,
                GruWeights controller, float[] o2pWeight, float[] o2pBias, float[] o2oWeight, float[] o2oBias,
                float[] initRead, float[] initM, float[] keyM, GruWeights miu) implements Op {
        public List<Value> inputs() {
            return List.of(in);
        }

        @Override
        public List<Value> outputs() {
            return induction == null ? List.of(out, meanMemory) : List.of(out, meanMemory, induction);
        }
    }

    /**
     * MIMN's prediction-time read: one more controller and read-head step with the candidate as input
     * (its write is discarded); writes the clipped output layer {@code [rows, outputDim]}.
     */
    record MimnRead(Value out, Value state, Value query, Mimn mimn) implements Op {
        public List<Value> inputs() {
            return List.of(state, query);
        }
    }
}
