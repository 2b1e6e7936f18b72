package io.interestengine.cuda;

import java.nio.file.Path;

/** Writes DESIGN.md's standard-size DIN with random weights (the GPU benchmark's model when models/ has none). */
public final class WriteStandardModel {
    private WriteStandardModel() {
    }

    public static void main(String[] args) {
        Path dir = RandomModels.write(Path.of(args[0]), RandomModels.standardDin(), 2026);
        System.out.println("wrote " + dir);
    }
}
