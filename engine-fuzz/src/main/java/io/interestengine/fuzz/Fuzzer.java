package io.interestengine.fuzz;

import io.interestengine.BackendUnavailableException;
import io.interestengine.InvalidRequestException;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.ModelFormatException;
import io.interestengine.NumericException;
import io.interestengine.RequestJson;
import io.interestengine.Session;
import io.interestengine.UserState;

import io.interestengine.format.SafeTensors;
import io.interestengine.format.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The three mutation fuzzers over the public API. Every outcome must be a result or one of the engine's documented
 * exceptions for that input:
 * <ul>
 * <li>model directories (model.json or weights.safetensors mutated), loaded on scalar and SIMD and scored with the
 *     seed's request: a model and scores, {@link ModelFormatException}, {@link BackendUnavailableException}, or at
 *     scoring {@link InvalidRequestException} / {@link NumericException};</li>
 * <li>request lines, parsed and scored on scalar and SIMD: scores, {@link InvalidRequestException} or
 *     {@link NumericException};</li>
 * <li>user-state bytes, restored: a state only when the bytes are unchanged, else {@link IllegalArgumentException}
 *     or {@link NumericException}.</li>
 * </ul>
 * Anything else (another exception, an accepted corrupted state) is a failure with a reproducer, and so are two
 * checks of the numbers: where scalar and SIMD both score a mutated model whose weights stay within
 * {@link #WELL_SCALED} in magnitude they must agree within {@link #WELL_SCALED_TOLERANCE}; a NumericException on a
 * model whose weights exceed the engine's threshold must not blame the request. Larger weights make the two
 * backends' fp32 sums differ by an amount that scales with the weights (see {@link #compare}): such divergences are
 * counted and kept, not failed.
 */
final class Fuzzer implements AutoCloseable {
    static final String[] BACKENDS = {"scalar", "simd"};
    private final Seeds seeds;
    private final Random random;
    private final Mutator mutator;
    final Outcomes outcomes;
    private final Path scratch;
    private final List<Model[]> loaded = new ArrayList<>();
    private final List<Session[]> sessions = new ArrayList<>();
    private final List<byte[]> states = new ArrayList<>();
    /** Scalar/SIMD comparison on mutated models that both scored. */
    long compared, diverged;
    double maxDivergence, maxWellScaledDivergence;

    Fuzzer(Seeds seeds, long seed, Path scratch, Path reproducers) {
        this.seeds = seeds;
        this.random = new Random(seed);
        this.mutator = new Mutator(random);
        this.outcomes = new Outcomes(reproducers);
        this.scratch = scratch;
        Quiet.backendSelection();
        for (Seeds.Seed s : seeds.models()) {
            Model[] ms = new Model[BACKENDS.length];
            Session[] ss = new Session[BACKENDS.length];
            for (int b = 0; b < BACKENDS.length; b++) {
                ms[b] = Model.load(s.dir(), LoadOptions.defaults().withBackend(BACKENDS[b]));
                ss[b] = ms[b].newSession();
            }
            loaded.add(ms);
            sessions.add(ss);
            RequestJson.Parsed p = RequestJson.parse(ms[0], s.request());
            states.add(ss[0].buildState(p.ranking()).toBytes());
        }
    }

    /** One mutated model directory. */
    void model() {
        Seeds.Seed s = seeds.models().get(random.nextInt(seeds.models().size()));
        byte[] json = s.json(), weights = s.weights();
        if (random.nextInt(3) == 0) {
            json = random.nextInt(4) == 0 ? mutator.bytes(json) : mutator.json(new String(json,
                    StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        } else {
            weights = mutator.safetensors(weights);
        }
        Path dir = scratch.resolve("model");
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("model.json"), json);
            Files.write(dir.resolve("weights.safetensors"), weights);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        outcomes.input("model");
        Map<String, byte[]> repro = Map.of("model.json", json, "weights.safetensors", weights,
                "request.json", s.request().getBytes(StandardCharsets.UTF_8));
        float[][] scores = new float[BACKENDS.length][];
        for (int b = 0; b < BACKENDS.length; b++) {
            String be = BACKENDS[b];
            try (Model m = Model.load(dir, LoadOptions.defaults().withBackend(be))) {
                try (Session session = m.newSession()) {
                    scores[b] = RequestJson.score(session, RequestJson.parse(m, s.request()));
                    outcomes.count("model", be + " scored");
                } catch (NumericException e) {
                    outcomes.count("model", be + " loaded, NumericException");
                    if (maxAbs(dir) > 1e6 && e.getMessage().contains("request's values")) {
                        outcomes.failure("model", "seed " + s.name() + ", backend " + be
                                + ": huge weights, the request blamed", e, repro);
                    }
                } catch (InvalidRequestException e) {
                    outcomes.count("model", be + " loaded, " + e.getClass().getSimpleName());
                }
            } catch (ModelFormatException | BackendUnavailableException e) {
                outcomes.count("model", be + " " + e.getClass().getSimpleName());
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                outcomes.failure("model", "seed " + s.name() + ", backend " + be, e, repro);
            }
        }
        if (scores[0] != null && scores[1] != null) compare(s, scores[0], scores[1], maxAbs(dir), repro);
    }

    /** Largest |value| of the F32 tensors of a directory that loaded (so its header is valid). */
    private static double maxAbs(Path dir) {
        try (Arena a = Arena.ofConfined()) {
            SafeTensors st = SafeTensors.open(dir.resolve("weights.safetensors"), a);
            double m = 0;
            for (SafeTensors.Entry e : st.entries().values()) {
                if (e.dtype() != SafeTensors.DType.F32) continue;
                MemorySegment b = st.bytes(e);
                for (long k = 0; k < b.byteSize() / 4; k++) m = Math.max(m, Math.abs(b.getAtIndex(Tensor.F32, k)));
            }
            return m;
        }
    }

    /** Weights up to this magnitude are "well scaled" (trained models stay far below). */
    static final double WELL_SCALED = 1e3;
    /**
     * Agreement required on well-scaled models: the peer benchmark's tolerance. The kernels' bound is
     * c·√n·2⁻²⁴·Σ|w·x| per layer (KernelTest); with |w| ≤ 1e3 and the bundled models' widths that stays below it.
     */
    static final double WELL_SCALED_TOLERANCE = 1e-4;

    /**
     * Scalar and SIMD compute in fp32 in different orders (SIMD sums in lanes with FMA); the difference of two such
     * sums is bounded relative to the sum of the magnitudes of the terms, not to the result, so with weights a
     * mutation scaled by 1e10 or more it can reach any size. The recorded divergence is therefore reported, not
     * asserted: see the README's "Failure behaviour".
     */
    private void compare(Seeds.Seed s, float[] scalar, float[] simd, double maxAbs, Map<String, byte[]> repro) {
        compared++;
        double d = 0;
        for (int k = 0; k < scalar.length; k++) d = Math.max(d, Math.abs(scalar[k] - simd[k]));
        maxDivergence = Math.max(maxDivergence, d);
        if (maxAbs <= WELL_SCALED) {
            maxWellScaledDivergence = Math.max(maxWellScaledDivergence, d);
            if (d > WELL_SCALED_TOLERANCE) {
                outcomes.failure("model", "seed " + s.name() + ": scalar and simd differ by " + d
                        + " with weights within " + WELL_SCALED,
                        null, repro);
                return;
            }
        }
        if (d > divergenceBound()) {
            diverged++;
            outcomes.count("model", "scalar/simd differ > " + divergenceBound());
            if (diverged <= 20) outcomes.keep("divergence", "seed " + s.name() + ": max |scalar - simd| = " + d
                    + "; scalar " + Arrays.toString(scalar) + ", simd " + Arrays.toString(simd), repro);
        }
    }

    static double divergenceBound() {
        return 1e-3;
    }

    /** One mutated request line, on every backend. */
    void request() {
        int i = random.nextInt(seeds.models().size());
        Seeds.Seed s = seeds.models().get(i);
        String line = random.nextInt(4) == 0
                ? new String(mutator.bytes(s.request().getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8)
                : mutator.json(s.request());
        outcomes.input("request");
        for (int b = 0; b < BACKENDS.length; b++) {
            try {
                RequestJson.score(sessions.get(i)[b], RequestJson.parse(loaded.get(i)[b], line));
                outcomes.count("request", "scored");
            } catch (InvalidRequestException | NumericException e) {
                outcomes.count("request", e.getClass().getSimpleName());
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                outcomes.failure("request", "model " + s.name() + ", backend " + BACKENDS[b], e,
                        Map.of("request.json", line.getBytes(StandardCharsets.UTF_8), "model.txt",
                                s.dir().toString().getBytes(StandardCharsets.UTF_8)));
                reopen(i, b);
            }
        }
    }

    /** One mutated user state. */
    void state() {
        int i = random.nextInt(seeds.models().size());
        byte[] good = states.get(i), bad = mutator.bytes(good);
        outcomes.input("state");
        Model m = loaded.get(i)[0];
        try {
            UserState st = UserState.fromBytes(m, bad);
            if (!Arrays.equals(good, bad)) {
                outcomes.failure("state", "model " + seeds.models().get(i).name() + ": corrupted state accepted", null,
                        Map.of("state.bin", bad));
                return;
            }
            sessions.get(i)[0].score(st, RequestJson.parse(m, seeds.models().get(i).request()).ranking());
            outcomes.count("state", "unchanged bytes, scored");
        } catch (IllegalArgumentException | NumericException e) {
            outcomes.count("state", e.getClass().getSimpleName());
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            outcomes.failure("state", "model " + seeds.models().get(i).name(), e, Map.of("state.bin", bad));
        }
    }

    /** After an undocumented failure the session may be unusable: the next inputs get a fresh one. */
    private void reopen(int i, int b) {
        try {
            sessions.get(i)[b].close();
        } catch (RuntimeException ignored) {
            // the failure is already recorded
        }
        sessions.get(i)[b] = loaded.get(i)[b].newSession();
    }

    @Override
    public void close() {
        for (Session[] ss : sessions) for (Session s : ss) s.close();
        for (Model[] ms : loaded) for (Model m : ms) m.close();
    }
}
