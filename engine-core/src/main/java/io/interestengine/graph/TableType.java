package io.interestengine.graph;

/**
 * How an embedding table's values are stored, in memory as in the file (docs/FORMAT.md, TABLE): gathers convert a
 * row to fp32 as they copy it. F16 and BF16 widen exactly; I8 rows are {@code scale[row] · q} with one F32 scale
 * per row.
 */
public enum TableType {
    F32(4), F16(2), BF16(2), I8(1);

    /** Bytes per stored value. */
    public final int bytes;

    TableType(int bytes) {
        this.bytes = bytes;
    }
}
