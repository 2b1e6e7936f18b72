package io.interestengine.bench.jmh;

import io.interestengine.graph.Field;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.Scope;
import io.interestengine.graph.SequenceGroup;
import io.interestengine.graph.Value;
import io.interestengine.spi.Bindings;

import java.util.function.ToIntFunction;

/**
 * Where a benchmark that binds one op by hand put its workspace: value offsets from {@code offsets}, one ids region
 * (every field), one lengths region (every group), the row map, and the row capacities.
 */
record FixedBindings(ModelGraph graph, ToIntFunction<Value> offsets, int idsOff, int lengthsOff, int rowMapOff,
                     int maxUsers, int maxCands) implements Bindings {
    @Override
    public int off(Value v) {
        return offsets.applyAsInt(v);
    }

    @Override
    public int idsOff(Field f) {
        return idsOff;
    }

    @Override
    public int lengthsOff(SequenceGroup s) {
        return lengthsOff;
    }

    @Override
    public int maxRows(Scope s) {
        return s == Scope.USER ? maxUsers : maxCands;
    }
}
