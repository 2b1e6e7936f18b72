package io.interestengine.cuda;

import io.interestengine.graph.AttentionOp;
import io.interestengine.graph.BinaryOp;
import io.interestengine.graph.ConcatOp;
import io.interestengine.graph.DenseOp;
import io.interestengine.graph.EmbeddingOp;
import io.interestengine.graph.GruOp;
import io.interestengine.graph.Layer;
import io.interestengine.graph.MimnOp;
import io.interestengine.graph.MimnReadOp;
import io.interestengine.graph.PoolOp;
import io.interestengine.graph.Value;
import io.interestengine.spi.Bindings;
import io.interestengine.spi.Kernel;
import io.interestengine.spi.KernelTable;
import io.interestengine.spi.Step;

/**
 * The CUDA kernels, one per op kind this backend implements; each prepares its weights on the device at load
 * and declines, naming the limit, what its kernel cannot run. No kernel yet: {@code max_pool}, and pooling or
 * attention over id-masked sequence groups (their real positions need not be consecutive; the kernels take a
 * length). Such models run on simd or scalar.
 */
final class CudaKernels {
    private CudaKernels() {
    }

    /** Scores of one row live in shared memory: (T + 32) floats of the 48 KiB a block gets without opt-in. */
    static final int MAX_HISTORY = 12_000;

    private static String idMasked(Value seq, boolean masked) {
        return masked && seq.group() != null && seq.group().idMask()
                ? "sequence '" + seq.name() + "' of id-masked " + seq.group().describe() + " (the kernel masks by length)" : null;
    }

    static final Kernel<CudaDeviceModel, CudaSession, DenseOp> DENSE = new Kernel<>() {
        @Override
        public Object prepare(CudaDeviceModel m, DenseOp d) {
            return new DeviceLayer(m.driver, d.layer(), d.layer().weight(), true, "dense '" + d.out().name() + "'");
        }

        @Override
        public Step bind(CudaSession s, DenseOp op, Bindings b) {
            return CudaDense.step(s, op, b.off(op.in()), b.off(op.out()));
        }
    };

    static final Kernel<CudaDeviceModel, CudaSession, PoolOp> POOL = new Kernel<>() {
        @Override
        public String unsupported(PoolOp op) {
            return idMasked(op.in(), op.masked());
        }

        @Override
        public Step bind(CudaSession s, PoolOp op, Bindings b) {
            return CudaPool.step(s, op, b.off(op.in()), b.off(op.out()), CudaSession.lengthsOff(op.in(), b));
        }
    };

    static final Kernel<CudaDeviceModel, CudaSession, AttentionOp> ATTENTION = new Kernel<>() {
        @Override
        public String unsupported(AttentionOp a) {
            if (a.keys().length() > MAX_HISTORY) return "attention over " + a.keys().length() + " positions exceeds the kernel's " + MAX_HISTORY;
            if (a.keys().width() > AttentionWeights.MAX_KEY_WIDTH) {
                return "attention key width " + a.keys().width() + " exceeds the kernel's " + AttentionWeights.MAX_KEY_WIDTH;
            }
            for (Layer l : a.layers()) {
                if (l.out() > AttentionWeights.MAX_HIDDEN) {
                    return "attention layer '" + l.name() + "' has " + l.out() + " outputs, the kernel at most " + AttentionWeights.MAX_HIDDEN;
                }
            }
            return idMasked(a.keys(), a.mask());
        }

        @Override
        public Object prepare(CudaDeviceModel m, AttentionOp a) {
            return new AttentionWeights(m.driver, a, "attention '" + a.out().name() + "'");
        }

        @Override
        public Step bind(CudaSession s, AttentionOp op, Bindings b) {
            return new CudaAttention(s, op, b.off(op.query()), b.off(op.keys()), b.off(op.out()), CudaSession.lengthsOff(op.keys(), b));
        }
    };

    static final Kernel<CudaDeviceModel, CudaSession, GruOp> GRU = new Kernel<>() {
        @Override
        public String unsupported(GruOp r) {
            return r.attention() != null && r.attention().scope() != r.out().scope() ? "gru attention weights of another scope than its output" : null;
        }

        @Override
        public Object prepare(CudaDeviceModel m, GruOp r) {
            return new RecurrentWeights(m.driver, r.cell(), "gru '" + r.out().name() + "'");
        }

        @Override
        public Step bind(CudaSession s, GruOp op, Bindings b) {
            return new CudaRecurrent(s, op, b.off(op.in()), op.attention() == null ? -1 : b.off(op.attention()), b.off(op.out()),
                    CudaSession.lengthsOff(op.in(), b));
        }
    };

    static final Kernel<CudaDeviceModel, CudaSession, MimnOp> MIMN = new Kernel<>() {
        @Override
        public String unsupported(MimnOp m) {
            return MemoryWeights.limits(m);
        }

        @Override
        public Object prepare(CudaDeviceModel model, MimnOp m) {
            return new MemoryWeights(model.driver, m, "mimn '" + m.out().name() + "'");
        }

        @Override
        public Step bind(CudaSession s, MimnOp op, Bindings b) {
            return CudaMemory.sequence(s, op, b.off(op.in()), b.off(op.out()), b.off(op.meanMemory()),
                    op.induction() == null ? -1 : b.off(op.induction()), b.lengthsOff(op.in().group()));
        }
    };

    static final KernelTable<CudaDeviceModel, CudaSession> TABLE = KernelTable.<CudaDeviceModel, CudaSession>builder("cuda")
            .add(EmbeddingOp.class, (s, op, b) -> CudaEmbedding.step(s, op, b.idsOff(op.field()), b.off(op.out())))
            .add(ConcatOp.class, (s, op, b) -> {
                int[] offs = new int[op.in().size()];
                for (int k = 0; k < offs.length; k++) offs[k] = b.off(op.in().get(k));
                return CudaElementwise.concat(s, op, offs, b.off(op.out()));
            })
            .add(BinaryOp.class, (s, op, b) -> CudaElementwise.binary(s, op, b.off(op.a()), b.off(op.b()), b.off(op.out())))
            .add(PoolOp.class, POOL)
            .add(DenseOp.class, DENSE)
            .add(AttentionOp.class, ATTENTION)
            .add(GruOp.class, GRU)
            .add(MimnOp.class, MIMN)
            .add(MimnReadOp.class, (s, op, b) -> CudaMemory.read(s, op, b.off(op.state()), b.off(op.query()), b.off(op.out())))
            .build();
}
