package io.interestengine.cuda;

/** A test driver without CUDA graphs: captures are never begun, so the executor launches kernel by kernel. */
interface GraphlessDriver extends Driver {
    @Override
    default boolean graphs() {
        return false;
    }

    @Override
    default void beginCapture(Object stream) {
        throw new UnsupportedOperationException("graphs() is false: no capture");
    }

    @Override
    default Object endCapture(Object stream, String what) {
        throw new UnsupportedOperationException("graphs() is false: no capture");
    }

    @Override
    default void abortCapture(Object stream) {
    }

    @Override
    default void launchGraph(Object graph, Object stream, String what) {
        throw new UnsupportedOperationException("graphs() is false: no graph to launch");
    }

    @Override
    default void destroyGraph(Object graph) {
    }
}
