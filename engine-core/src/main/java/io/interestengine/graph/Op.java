package io.interestengine.graph;

import java.util.List;

/** The ops a model graph is made of; each backend implements every one. */
public sealed interface Op {
    Value out();

    /** Values this op reads. */
    List<Value> inputs();

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
}
