package io.interestengine.testkit;

import io.interestengine.BackendUnavailableException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every fixture case (fixture set × case directory) replayed on each backend of {@link #backends()}, with
 * {@link GoldenCases#RTOL}/{@link GoldenCases#ATOL}. A backend module's test is a subclass naming its backends.
 * <ul>
 *   <li>A backend that cannot run here ({@link #unavailableReason}) skips every case, visibly, with the reason.</li>
 *   <li>A backend that {@link #mayDecline may decline} a model (no kernel for one of its ops) skips that case
 *       with its {@code BackendUnavailableException} message; any other backend fails on it.</li>
 *   <li>A fixture set with fewer cases than {@link FixtureSet#minimumCases()} fails: lost fixtures never shrink
 *       the suite silently.</li>
 * </ul>
 */
public abstract class ConformanceSuite {
    /** The backends to replay every case on, by registered name. */
    protected abstract List<String> backends();

    /** Why {@code backend} cannot run in this process (no GPU, no emulator), or null when it can. */
    protected String unavailableReason(String backend) {
        return null;
    }

    /** Whether {@code backend} may refuse a model it has no kernel for (a skip, not a failure). */
    protected boolean mayDecline(String backend) {
        return false;
    }

    /** The fixture sets {@code backend} replays: all of them unless a subclass says why not. */
    protected Set<FixtureSet> fixtureSets(String backend) {
        return EnumSet.allOf(FixtureSet.class);
    }

    @TestFactory
    public List<DynamicNode> everyFixtureCase() {
        List<DynamicNode> perBackend = new ArrayList<>();
        for (String backend : backends()) {
            List<DynamicNode> perSet = new ArrayList<>();
            for (FixtureSet set : fixtureSets(backend)) {
                List<Path> dirs = set.caseDirs();
                assertTrue(dirs.size() >= set.minimumCases(),
                        dirs.size() + " cases under " + set.dir() + ", expected at least " + set.minimumCases());
                List<DynamicNode> tests = new ArrayList<>();
                for (Path d : dirs) {
                    String name = d.getFileName() + " on " + backend + " (" + GoldenCases.reference(d) + ")";
                    tests.add(DynamicTest.dynamicTest(name, d.toUri(), () -> replay(d, backend)));
                }
                perSet.add(DynamicContainer.dynamicContainer(set.dirName() + " on " + backend, tests));
            }
            perBackend.add(DynamicContainer.dynamicContainer(backend, perSet));
        }
        return perBackend;
    }

    private void replay(Path dir, String backend) {
        String why = unavailableReason(backend);
        Assumptions.assumeTrue(why == null, () -> backend + " unavailable here, case skipped: " + why);
        try {
            GoldenCases.check(dir, backend);
        } catch (BackendUnavailableException e) {
            if (!mayDecline(backend)) throw e;
            Assumptions.abort(backend + " declines " + dir.getFileName() + ": " + e.getMessage());
        }
    }
}
