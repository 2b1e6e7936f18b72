package io.interestengine.graph;

import io.interestengine.json.Node;

import java.util.List;

/**
 * PNN's {@code OutterProductLayer}, one output per pair (p, q) = (field i, field j), {@code i < j} row-major.
 * {@code mat}: kernel {@code [k, P, k]}, {@code out = Σ_a q_a Σ_b K[a,pair,b]·p_b}; {@code vec}: kernel
 * {@code [P, k]}, {@code out = Σ_c p_c q_c K[pair,c]}; {@code num}: kernel {@code [P, 1]},
 * {@code out = K[pair]·Σ_c p_c q_c}.
 */
public record OuterProductOp(Value out, List<Value> in, KernelType type, float[] kernel) implements Op {
    public enum KernelType { MAT, VEC, NUM }

    public static final OpDefinition DEFINITION = new OpDefinition() {
        @Override
        public String kind() {
            return "outer_product";
        }

        @Override
        public Op parse(OpContext c, Node op) {
            op.allowOnly("op", "out", "in", "kernel_type", "kernel");
            String out = c.newName(op.get("out"));
            List<Value> in = FieldList.parse(c, op, "outer_product");
            int k = in.get(0).width(), p = FieldList.pairs(in.size());
            String t = op.get("kernel_type").str();
            KernelType type = switch (t) {
                case "mat" -> KernelType.MAT;
                case "vec" -> KernelType.VEC;
                case "num" -> KernelType.NUM;
                default -> throw op.get("kernel_type").fail("expected \"mat\", \"vec\" or \"num\", found \"" + t + "\"");
            };
            float[] kernel = switch (type) {
                case MAT -> c.floats(op.get("kernel"), k, p, k);
                case VEC -> c.floats(op.get("kernel"), p, k);
                case NUM -> c.floats(op.get("kernel"), p, 1);
            };
            return new OuterProductOp(Value.vector(out, FieldList.scope(in), p), in, type, kernel);
        }
    };

    /** Fields' width k. */
    public int k() {
        return in.get(0).width();
    }

    @Override
    public String kind() {
        return "outer_product";
    }

    @Override
    public List<Value> inputs() {
        return in;
    }

    @Override
    public long weightBytes() {
        return 4L * kernel.length;
    }

    @Override
    public void forEachWeight(java.util.function.BiConsumer<String, float[]> f) {
        f.accept("outer_product '" + out.name() + "' kernel", kernel);
    }
}
