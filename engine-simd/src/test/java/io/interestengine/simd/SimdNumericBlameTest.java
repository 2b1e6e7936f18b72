package io.interestengine.simd;

import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.NumericException;
import io.interestengine.Session;
import io.interestengine.TinyModel;
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
        Map<String, float[]> t = new LinkedHashMap<>(TinyModel.tensors(1));
        Arrays.fill(t.get("att.0.weight"), 3e38f);
        Path d = TinyModel.write(tmp.resolve("m"), TinyModel.JSON, t, TinyModel.shapes());
        try (Model m = Model.load(d, LoadOptions.defaults().withBackend("simd")); Session s = m.newSession()) {
            NumericException e = assertThrows(NumericException.class, () -> s.score(TinyModel.request(m, 4, 5)));
            assertTrue(e.getMessage().contains("the model's weights are at fault")
                    && e.getMessage().contains("att.layer0")
                    && !e.getMessage().contains("request's values"), e.getMessage());
        }
    }
}
