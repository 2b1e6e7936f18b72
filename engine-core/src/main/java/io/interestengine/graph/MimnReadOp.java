package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.List;

/**
 * MIMN's prediction-time read: one more controller and read-head step with the candidate as input (its write
 * is discarded); writes the clipped output layer {@code [rows, outputDim]}.
 */
public record MimnReadOp(Value out, Value state, Value query, MimnOp mimn) implements Op {
    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "mimn_read";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "state", "query");
            String out = c.newName(op.get("out"));
            Value state = c.value(op.get("state"));
            MimnOp mimn = null;
            for (Op e : c.earlier()) if (e instanceof MimnOp mm && mm.out() == state) mimn = mm;
            if (mimn == null) throw op.get("state").fail("\"" + state.name() + "\" is not the state written by a mimn op");
            Value q = c.value(op.get("query"));
            if (q.sequence() || q.width() != mimn.layout().input()) {
                throw op.get("query").fail("the query must be a vector of the history width " + mimn.layout().input() + ", found " + q.describe());
            }
            return new MimnReadOp(Value.vector(out, Scope.of(state.scope(), q.scope()), mimn.layout().outputDim()), state, q, mimn);
        }
    };

    @Override
    public String kind() {
        return "mimn_read";
    }

    @Override
    public List<Value> inputs() {
        return List.of(state, query);
    }
}
