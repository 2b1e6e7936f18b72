package io.interestengine.graph;

/**
 * A GRU cell's weights, PyTorch layout ({@code [out, in]}). {@code tf}: reset applied before the matmul,
 * {@code gate} is {@code [2H, in+H]} (rows r then u, columns x then h), {@code cand} is {@code [H, in+H]}
 * (columns x then r⊙h). Otherwise PyTorch: {@code ih} {@code [3H, in]}, {@code hh} {@code [3H, H]}, row
 * blocks (r, z, n), reset applied after the matmul. In both, the second gate is the keep fraction of the
 * plain cell: {@code h' = g⊙h + (1−g)⊙c}.
 */
public record GruCell(boolean tf, int in, int hidden, float[] gate, float[] gateBias, float[] cand, float[] candBias,
                      float[] ih, float[] ihBias, float[] hh, float[] hhBias) {
    /** The cell's arrays (those of its style), labelled with {@code at}. */
    public void forEachWeight(String at, java.util.function.BiConsumer<String, float[]> f) {
        for (float[] a : new float[][]{gate, gateBias, cand, candBias, ih, ihBias, hh, hhBias}) if (a != null) f.accept(at, a);
    }

    public long weightBytes() {
        return tf ? 4L * (gate.length + cand.length) : 4L * (ih.length + hh.length);
    }
}
