/** The Vector API CPU backend ("simd"): found through the backend SPI; it exports nothing. */
module io.interestengine.simd {
    requires io.interestengine.core;
    requires jdk.incubator.vector;

    provides io.interestengine.spi.Backend with io.interestengine.simd.SimdBackend;
}
