package io.interestengine.internal;

import io.interestengine.Model;
import io.interestengine.graph.ModelGraph;

import java.util.function.Function;

/**
 * The engine's own modules (the CLI, benchmarks, tests) reach a model's graph here; the package is not exported
 * to callers, so the graph's weight arrays are never handed out through the public API.
 */
public final class Internals {
    private static volatile Function<Model, ModelGraph> graph;

    private Internals() {
    }

    /** Called once by {@link Model}'s class initialiser. */
    public static void register(Function<Model, ModelGraph> access) {
        if (graph != null) throw new IllegalStateException("already registered");
        graph = access;
    }

    /** The validated graph of a loaded model (read-only by contract). */
    public static ModelGraph graph(Model m) {
        if (graph == null) {
            try {
                Class.forName(Model.class.getName(), true, Model.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return graph.apply(m);
    }
}
