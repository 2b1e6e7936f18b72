package io.interestengine.graph;

import java.util.List;

/**
 * One node of a model graph. Each kind is one class (a record beside its {@link OpDefinition}), registered in
 * {@link Ops}: the definition parses and checks the op's {@code model.json} entry, reads its weights and
 * infers its output values (shape and scope). Backends implement ops through their kernel tables
 * ({@link io.interestengine.spi.KernelTable}); nothing dispatches over op kinds.
 */
public interface Op {
    /** The op's kind, as written in {@code model.json}. */
    String kind();

    /** The op's main output. */
    Value out();

    /** Values this op reads. */
    List<Value> inputs();

    /** Every value this op writes; {@link #out()} first. Most ops write one. */
    default List<Value> outputs() {
        return List.of(out());
    }

    /** Bytes of weights a backend keeps resident for this op (memory-fit checks). */
    default long weightBytes() {
        return 0;
    }

    /**
     * Every weight array this op holds, with a label naming it (for the load-time checks of derived weights and the
     * blame of an overflow). None by default.
     */
    default void forEachWeight(java.util.function.BiConsumer<String, float[]> f) {
    }

    /**
     * The request field this op copies in, when the executor stages it straight into the op's output (no
     * kernel runs); null for ops that compute.
     */
    default Field stagedInput() {
        return null;
    }
}
