package io.interestengine.fuzz;

import java.util.logging.Level;
import java.util.logging.Logger;

/** The engine logs each backend choice at INFO; a run that loads models thousands of times keeps warnings only. */
final class Quiet {
    /** Held so that the level is not lost when the logger is collected. */
    private static final Logger ENGINE = Logger.getLogger("io.interestengine");

    private Quiet() {
    }

    static void backendSelection() {
        ENGINE.setLevel(Level.WARNING);
    }
}
