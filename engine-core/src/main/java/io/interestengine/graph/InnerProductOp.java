package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.List;

/**
 * PNN's {@code InnerProductLayer}: for every pair {@code i < j} (row-major) the elementwise product of fields i and
 * j, summed over the k channels when {@code reduceSum} (width P) or not (width P·k, pair-major).
 */
public record InnerProductOp(Value out, List<Value> in, boolean reduceSum) implements Op {
    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "inner_product";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "in", "reduce_sum");
            String out = c.newName(op.get("out"));
            List<Value> in = FieldList.parse(c, op, "inner_product");
            boolean reduce = op.bool("reduce_sum", true);
            int p = FieldList.pairs(in.size());
            int w = reduce ? p : Math.multiplyExact(p, in.get(0).width());
            return new InnerProductOp(Value.vector(out, FieldList.scope(in), w), in, reduce);
        }
    };

    @Override
    public String kind() {
        return "inner_product";
    }

    @Override
    public List<Value> inputs() {
        return in;
    }
}
