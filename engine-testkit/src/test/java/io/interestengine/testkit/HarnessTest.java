package io.interestengine.testkit;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.util.List;

import static io.interestengine.testkit.ModelBuilder.obj;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HarnessTest {
    @Test
    void assertCloseUsesAtolPlusRtolTimesReference() {
        float[] want = {1f, 0f};
        assertDoesNotThrow(() -> GoldenCases.assertClose("x", want, new float[]{1.0000019f, 9e-7f}, 1e-6, 1e-6));
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> GoldenCases.assertClose("x", want, new float[]{1f, 2e-6f}, 1e-6, 1e-6));
        assertTrue(e.getMessage().contains("score 1"), e.getMessage());
        assertThrows(AssertionFailedError.class, () -> GoldenCases.assertClose("x", want, new float[]{1f}, 1, 1));
        assertThrows(AssertionFailedError.class, () -> GoldenCases.assertClose("x", want, new float[]{Float.NaN, 0f}, 1, 1));
    }

    @Test
    void jsonTextWritesBothStyles() {
        Object v = obj("a", 1, "b", List.of("x\"y", 2.5, true), "c", obj(), "d", 0.35f);
        assertEquals("{\"a\":1,\"b\":[\"x\\\"y\",2.5,true],\"c\":{},\"d\":0.35}", JsonText.compact(v));
        assertEquals("{\"a\": 1, \"b\": [\"x\\\"y\", 2.5, true], \"c\": {}, \"d\": 0.35}", JsonText.spaced(v));
        assertThrows(IllegalArgumentException.class, () -> JsonText.compact(List.of(Double.NaN)));
    }

    @Test
    void everyFixtureSetHoldsItsCases() {
        for (FixtureSet s : FixtureSet.values()) {
            assertTrue(s.caseDirs().size() >= s.minimumCases(), s + ": " + s.caseDirs().size() + " cases");
            assertTrue(GoldenCases.read(s.caseDirs().getFirst()).size() > 0, s + ": empty cases.jsonl");
        }
    }
}
