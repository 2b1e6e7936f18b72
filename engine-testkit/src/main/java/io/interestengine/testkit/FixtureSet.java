package io.interestengine.testkit;

import java.nio.file.Path;
import java.util.List;

/** The fixture directories under fixtures/ whose cases every backend replays. */
public enum FixtureSet {
    /** tools/reference: PyTorch re-implementations of the public references named in each reference.json. */
    GOLDEN("golden", 1),
    /** tools/export/make_fixtures.py: models trained by the real DeepCTR-Torch v0.2.9, scores of its predict. */
    DEEPCTR("deepctr", 1),
    /**
     * tools/export/tf_import.py: checkpoints of the original TensorFlow scripts (mouna99 DIN and DIEN, MIMN with
     * every Util_Reg × Memory Induction pair, m 4 and 8, mask_flag on and off), scores of the PyTorch ports.
     */
    TF("tf", 19);

    private final String dirName;
    private final int minimumCases;

    FixtureSet(String dirName, int minimumCases) {
        this.dirName = dirName;
        this.minimumCases = minimumCases;
    }

    /** The directory name under fixtures/. */
    public String dirName() {
        return dirName;
    }

    /** Fewer case directories than this means fixtures were lost: the suite fails rather than shrink silently. */
    public int minimumCases() {
        return minimumCases;
    }

    /** fixtures/{@link #dirName()} (see {@link GoldenCases#fixturesDir}). */
    public Path dir() {
        return GoldenCases.fixturesDir(dirName);
    }

    /** Its case directories (those with a cases.jsonl), sorted by name. */
    public List<Path> caseDirs() {
        return GoldenCases.caseDirs(dir());
    }
}
