package io.interestengine.bench;

import io.interestengine.testkit.Presets;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The benchmark models by name: DESIGN.md's standard Base and DIN written with random weights by the testkit's
 * presets ({@link Presets#standard}), DIEN and MIMN the bundled example models (standard sizes, trained).
 */
public final class StandardModels {
    private static final Presets.Mouna99 DIN = Presets.standardSpec(true);
    /** The standard sizes the op benchmarks count flops with. */
    public static final int T = DIN.T(), DIM = DIN.dim(), ITEMS = DIN.items();
    public static final int[] ATTENTION = DIN.att(), MLP = DIN.mlp();

    private StandardModels() {
    }

    /**
     * A model by benchmark name: {@code base} and {@code din} written under {@code dir} with random weights,
     * {@code dien} and {@code mimn} the bundled example models from {@code models/}, or the directory named by
     * {@code -Dinterestengine.models}.
     *
     * @throws IllegalArgumentException for a bundled model that is not there
     */
    public static Path model(Path dir, String name, long seed) {
        if (name.equals("base") || name.equals("din")) return write(dir, name, seed);
        Path p = Path.of(System.getProperty("interestengine.models", "models")).resolve(name);
        if (!Files.exists(p.resolve("model.json"))) {
            throw new IllegalArgumentException("benchmark model '" + name + "': no " + p.toAbsolutePath().resolve("model.json")
                    + " (run from the repository root, or set -Dinterestengine.models=DIR)");
        }
        return p;
    }

    /** Writes {@code base} or {@code din} under {@code dir}/{@code name} and returns that directory. */
    public static Path write(Path dir, String name, long seed) {
        return Presets.standard(name, seed).write(dir.resolve(name));
    }
}
