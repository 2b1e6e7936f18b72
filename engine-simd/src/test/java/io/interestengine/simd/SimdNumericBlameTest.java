package io.interestengine.simd;

import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.NumericException;
import io.interestengine.Session;
import io.interestengine.testkit.ModelBuilder;
import io.interestengine.testkit.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A SIMD score that overflows because of the model's own huge (finite) weights names the weights, not the request. */
class SimdNumericBlameTest {
    @TempDir
    Path tmp;

    @Test
    void hugeWeightsAreBlamedNotTheRequest() {
        ModelBuilder tiny = Presets.tinyDin(1);
        Map<String, float[]> t = new LinkedHashMap<>(tiny.tensors());
        Arrays.fill(t.get("att.0.weight"), 3e38f);
        Path d = ModelBuilder.write(tmp.resolve("m"), tiny.json(), t, tiny.shapes());
        try (Model m = Model.load(d, LoadOptions.defaults().withBackend("simd")); Session s = m.newSession()) {
            NumericException e = assertThrows(NumericException.class,
                    () -> s.score(io.interestengine.testkit.RandomRequests.ranking(m, 5, 4, 1)));
            assertTrue(e.getMessage().contains("the model's weights are at fault")
                    && e.getMessage().contains("att.layer0")
                    && !e.getMessage().contains("request's values"), e.getMessage());
        }
    }
}
