package io.interestengine.bench.peer;

import io.interestengine.BatchRequest;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.graph.Field;
import io.interestengine.graph.ModelGraph;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One workload's inputs, as per-sample rows shared by every runtime: {@code rows} samples, each with every
 * request field (derived fields excluded) and a history length. A ranking request is one user repeated over
 * its N candidate rows (the engine sees one user and N candidates; ONNX Runtime and PyTorch see N rows).
 */
final class Workload {
    final String name;
    final boolean ranking;
    final int rows, T;
    /** Field name → ids [rows] (user, candidate) or [rows·T] (history, padded), or dense floats [rows·width]. */
    final Map<String, int[]> ids = new LinkedHashMap<>();
    final Map<String, float[]> dense = new LinkedHashMap<>();
    final int[] lengths;
    final ModelGraph g;

    private Workload(String name, boolean ranking, ModelGraph g, int rows, long seed) {
        this.name = name;
        this.ranking = ranking;
        this.g = g;
        this.rows = rows;
        this.T = g.sequences().isEmpty() ? 0 : g.sequences().get(0).maxLength();
        this.lengths = new int[rows];
        SplittableRandom rnd = new SplittableRandom(seed);
        int userLen = T;
        for (int r = 0; r < rows; r++) lengths[r] = ranking ? userLen : 1 + rnd.nextInt(Math.max(T, 1));
        for (Field f : g.fields()) {
            if (f.isDerived()) continue;
            boolean perUser = f.group() != Field.Group.CANDIDATE;
            if (f.isDense()) {
                float[] v = new float[rows * f.denseWidth()];
                for (int k = 0; k < v.length; k++) v[k] = (float) rnd.nextGaussian();
                if (ranking && perUser) repeatRow(v, f.denseWidth());
                dense.put(f.name(), v);
                continue;
            }
            int n = f.table().rows();
            if (f.group() == Field.Group.HISTORY) {
                int[] v = new int[rows * T];
                for (int r = 0; r < rows; r++) {
                    int len = lengths[r], first = g.sequences().get(0).first(len);
                    for (int p = 0; p < T; p++) v[r * T + p] = g.sequences().get(0).paddingId();
                    for (int p = 0; p < len; p++) v[r * T + first + p] = rnd.nextInt(n);
                }
                if (ranking) repeatRow(v, T);
                ids.put(f.name(), v);
            } else {
                int[] v = new int[rows];
                for (int r = 0; r < rows; r++) v[r] = rnd.nextInt(n);
                if (ranking && perUser) repeatRow(v, 1);
                ids.put(f.name(), v);
            }
        }
    }

    private static void repeatRow(int[] v, int w) {
        for (int k = w; k < v.length; k++) v[k] = v[k % w];
    }

    private static void repeatRow(float[] v, int w) {
        for (int k = w; k < v.length; k++) v[k] = v[k % w];
    }

    /** One user with a full history of T events and {@code n} candidates (DESIGN.md: T=100, N=200). */
    static Workload ranking(ModelGraph g, int n) {
        return new Workload("ranking", true, g, n, 42);
    }

    /** {@code b} independent samples, history lengths uniform in [1, T]. */
    static Workload batch(ModelGraph g, int b) {
        return new Workload("batch", false, g, b, 43);
    }

    /** The inputs as JSON ({@code fields}: name → flat array, {@code history_length}, {@code T}) with the reference scores. */
    String json(float[] ref, String refRuntime) {
        StringBuilder b = new StringBuilder("{\"model\": \"").append(g.name()).append("\", \"workload\": \"").append(name)
                .append("\", \"rows\": ").append(rows).append(", \"T\": ").append(T)
                .append(", \"reference_runtime\": \"").append(refRuntime).append("\", \"fields\": {");
        String sep = "";
        for (var e : ids.entrySet()) {
            b.append(sep).append('"').append(e.getKey()).append("\": ").append(java.util.Arrays.toString(e.getValue()));
            sep = ", ";
        }
        for (var e : dense.entrySet()) {
            b.append(sep).append('"').append(e.getKey()).append("\": ").append(java.util.Arrays.toString(e.getValue()));
            sep = ", ";
        }
        b.append("}, \"history_length\": ").append(java.util.Arrays.toString(lengths));
        return b.append(", \"scores\": ").append(java.util.Arrays.toString(ref)).append("}\n").toString();
    }

    /** The real events of row {@code r}'s history field {@code f} (the engine pads them itself). */
    private int[] events(String f, int r) {
        int len = lengths[r], first = g.sequences().get(0).first(len);
        int[] out = new int[len];
        System.arraycopy(ids.get(f), r * T + first, out, 0, len);
        return out;
    }

    RankingRequest fill(Model m, RankingRequest q) {
        q.clear();
        for (Field f : g.fields()) {
            if (f.isDerived()) continue;
            switch (f.group()) {
                case USER -> {
                    if (f.isDense()) q.userDense(f.name(), java.util.Arrays.copyOf(dense.get(f.name()), f.denseWidth()));
                    else q.user(f.name(), ids.get(f.name())[0]);
                }
                case HISTORY -> q.history(f.name(), events(f.name(), 0), lengths[0]);
                case CANDIDATE -> {
                    if (f.isDense()) q.candidateDense(f.name(), dense.get(f.name()), rows);
                    else q.candidates(f.name(), ids.get(f.name()), rows);
                }
            }
        }
        return q;
    }

    BatchRequest fill(Model m, BatchRequest b) {
        b.reset(rows);
        for (int r = 0; r < rows; r++) {
            for (Field f : g.fields()) {
                if (f.isDerived()) continue;
                if (f.isDense()) {
                    int w = f.denseWidth();
                    float[] v = java.util.Arrays.copyOfRange(dense.get(f.name()), r * w, (r + 1) * w);
                    if (f.group() == Field.Group.CANDIDATE) b.candidateDense(r, f.name(), v);
                    else b.userDense(r, f.name(), v);
                    continue;
                }
                switch (f.group()) {
                    case USER -> b.user(r, f.name(), ids.get(f.name())[r]);
                    case HISTORY -> b.history(r, f.name(), events(f.name(), r), lengths[r]);
                    case CANDIDATE -> b.candidate(r, f.name(), ids.get(f.name())[r]);
                }
            }
        }
        return b;
    }
}
