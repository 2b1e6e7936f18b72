/** The CUDA backend ("cuda", JCuda driver API over the kernels module's PTX): found through the backend SPI; it exports nothing. */
module io.interestengine.cuda {
    requires io.interestengine.core;
    requires jcuda;

    provides io.interestengine.spi.Backend with io.interestengine.cuda.CudaBackend;
}
