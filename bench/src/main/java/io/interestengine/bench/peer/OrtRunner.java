package io.interestengine.bench.peer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ONNX Runtime (CPU execution provider, all graph optimisations) on the model's {@code model.onnx}, written by
 * tools/reference/export_onnx.py from the same weights. Input tensors are created once, outside the timed loop.
 */
final class OrtRunner implements Runner {
    private final OrtSession session;
    private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
    private final float[] out;

    OrtRunner(Path onnx, Workload w, int threads) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(threads);
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(onnx.toString(), so);
        }
        try {
            for (String name : session.getInputNames()) {
                // A sequence group's length: "history_length" (format 1) or "<group>_length" (format 2 exports).
                if (name.equals("history_length") || (!w.g.sequences().isEmpty() && name.equals(w.g.sequences().get(0).name() + "_length"))) {
                    inputs.put(name, longs(env, w.lengths, new long[]{w.rows}));
                } else if (w.ids.containsKey(name)) {
                    int[] v = w.ids.get(name);
                    inputs.put(name, longs(env, v, v.length == w.rows ? new long[]{w.rows} : new long[]{w.rows, w.T}));
                } else if (w.dense.containsKey(name)) {
                    float[] v = w.dense.get(name);
                    inputs.put(name, OnnxTensor.createTensor(env, FloatBuffer.wrap(v), new long[]{w.rows, v.length / w.rows}));
                } else {
                    throw new IllegalArgumentException(onnx + ": input '" + name + "' is not a field of the model");
                }
            }
        } catch (OrtException | RuntimeException e) {
            close();
            throw e;
        }
        out = new float[w.rows];
    }

    private static OnnxTensor longs(OrtEnvironment env, int[] v, long[] shape) throws OrtException {
        long[] l = new long[v.length];
        for (int k = 0; k < v.length; k++) l[k] = v[k];
        return OnnxTensor.createTensor(env, LongBuffer.wrap(l), shape);
    }

    @Override
    public String runtime() {
        return "onnxruntime";
    }

    @Override
    public void run() throws OrtException {
        try (OrtSession.Result r = session.run(inputs)) {
            ((OnnxTensor) r.get(0)).getFloatBuffer().get(out);
        }
    }

    @Override
    public float[] scores() {
        return out;
    }

    @Override
    public void close() {
        for (OnnxTensor t : inputs.values()) t.close();
        try {
            if (session != null) session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session: " + e.getMessage(), e);
        }
    }
}
