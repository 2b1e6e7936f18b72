package io.interestengine.simd;

import io.interestengine.testkit.ConformanceSuite;

import java.util.List;

/** Every fixture case on the SIMD backend; the vector-128/256/512 executions of the pom run it at each width. */
class SimdConformanceTest extends ConformanceSuite {
    @Override
    protected List<String> backends() {
        return List.of("simd");
    }
}
