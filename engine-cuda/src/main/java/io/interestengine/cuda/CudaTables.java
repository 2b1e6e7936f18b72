package io.interestengine.cuda;

import io.interestengine.graph.Table;
import io.interestengine.graph.TableType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Embedding tables in device memory as fp32: the gather kernel reads fp32 rows, so an F16, BF16 or I8 table is
 * widened at upload (through {@link Table#gather}, the reference conversion, in chunks of rows so that a large
 * table never needs a second full copy on the host). Device memory then holds 4 bytes per value whatever the
 * stored form.
 */
final class CudaTables {
    private static final long CHUNK_BYTES = 64L << 20;

    private CudaTables() {
    }

    static DeviceBuffer upload(Driver d, Table t) {
        String what = "table '" + t.name() + "'";
        if (t.type() == TableType.F32) return DeviceBuffer.of(d, t.data(), what);
        long rowBytes = 4L * t.dim();
        DeviceBuffer b = new DeviceBuffer(d, rowBytes * t.rows(), what);
        int chunkRows = (int) Math.max(1, Math.min(t.rows(), CHUNK_BYTES / rowBytes));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(rowBytes * chunkRows, 64);
            float[] row = new float[t.dim()];
            for (int r0 = 0; r0 < t.rows(); r0 += chunkRows) {
                int n = Math.min(chunkRows, t.rows() - r0);
                for (int i = 0; i < n; i++) {
                    t.gather(r0 + i, row, 0);
                    MemorySegment.copy(row, 0, host, Table.F32, i * rowBytes, t.dim());
                }
                ByteBuffer src = host.asSlice(0, n * rowBytes).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                d.upload(b.mem, r0 * rowBytes, src, n * rowBytes, what);
            }
        } catch (RuntimeException | Error e) {
            b.close();
            throw e;
        }
        return b;
    }
}
