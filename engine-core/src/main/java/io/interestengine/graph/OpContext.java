package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.List;

/** What an {@link OpDefinition} may ask of the loader while it parses one op. */
public interface OpContext {
    /** An existing value named by {@code ref}. */
    Value value(Node ref);

    /** A valid, not yet defined name for a value the op writes. */
    String newName(Node ref);

    /** The request field named by {@code ref}, or null. */
    Field field(Node ref);

    /** A float tensor named by {@code ref}, of exactly {@code shape}, as a fresh heap array. */
    float[] floats(Node ref, long... shape);

    /**
     * The shape of the float tensor named by {@code ref} (for ops whose sizes come from their weights); the tensor
     * counts as used.
     */
    long[] shape(Node ref);

    /** An ACTIVATION object (see docs/FORMAT.md) for {@code width} channels. */
    Activation activation(Node n, int width);

    /** A dense layer ({@code weight}, {@code bias?}, batch norms folded, {@code activation?}) over {@code in} inputs. */
    Layer layer(Node n, String name, int in);

    /** A GRU cell object (see docs/FORMAT.md) over {@code in} inputs with {@code hidden} units. */
    GruCell gruCell(Node c, int in, int hidden);

    /** The ops parsed so far, in order. */
    List<Op> earlier();
}
