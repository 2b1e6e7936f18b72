package io.interestengine.cuda;

import io.interestengine.testkit.Presets;
import java.nio.file.Path;

/** Writes DESIGN.md's standard-size DIN with random weights (the GPU benchmark's model when models/ has none). */
public final class WriteStandardModel {
    private WriteStandardModel() {
    }

    public static void main(String[] args) {
        Path dir = Presets.variant(Presets.standardVariant(), 2026).write(Path.of(args[0]));
        System.out.println("wrote " + dir);
    }
}
