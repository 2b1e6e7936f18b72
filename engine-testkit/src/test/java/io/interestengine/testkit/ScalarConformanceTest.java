package io.interestengine.testkit;

import java.util.List;

/** Every fixture case on the scalar reference backend (here, not in engine-core: engine-core cannot depend on the kit). */
class ScalarConformanceTest extends ConformanceSuite {
    @Override
    protected List<String> backends() {
        return List.of("scalar");
    }
}
