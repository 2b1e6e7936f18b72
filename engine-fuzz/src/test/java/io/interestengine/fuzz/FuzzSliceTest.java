package io.interestengine.fuzz;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fixed-seed slice of the fuzzers (the long form is {@code ./engine fuzz --minutes M}): every mutated model
 * directory, request line and user state ends in a result or a documented exception. About 20 s on the 2-core CI.
 */
class FuzzSliceTest {
    @TempDir
    Path tmp;

    @Test
    void everyOutcomeIsDocumented() throws Exception {
        try (Fuzzer f = new Fuzzer(Seeds.load(Seeds.findModels(), 3), 20261129L, tmp, null)) {
            for (int round = 0; round < ROUNDS; round++) Fuzz.round(f);
            System.out.print(Fuzz.summary(f, 20261129L, java.time.Instant.now()));
            assertEquals(0, f.outcomes.failures(), f.outcomes.failureSummary());
            assertEquals(ROUNDS, f.outcomes.inputs().get("model"));
            // The mutations reach past the parsers: some mutated models still load and score, some states are refused.
            assertTrue(f.outcomes.counts().get("model").getOrDefault("simd scored", 0L) > 0, f.outcomes.report());
            assertTrue(f.outcomes.counts().get("request").getOrDefault("InvalidRequestException", 0L) > 0,
                    f.outcomes.report());
        }
    }

    static final int ROUNDS = 400;
}
