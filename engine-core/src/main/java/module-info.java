/**
 * The engine's public API ({@code io.interestengine}: Model, Session, requests, user state, exceptions) and its
 * backend SPI ({@code io.interestengine.spi}). The loader, the op graph, the reference kernels and the file
 * formats are internal: exported only to the engine's own backend modules, so a service that embeds the engine
 * can neither reach weight arrays nor depend on classes that change between versions.
 */
module io.interestengine.core {
    exports io.interestengine;
    exports io.interestengine.spi;

    exports io.interestengine.graph to io.interestengine.simd, io.interestengine.cuda;
    exports io.interestengine.cpu to io.interestengine.simd;
    exports io.interestengine.scalar to io.interestengine.simd;
    exports io.interestengine.format to io.interestengine.simd, io.interestengine.cuda;
    exports io.interestengine.internal to io.interestengine.simd, io.interestengine.cuda;

    uses io.interestengine.spi.Backend;
    provides io.interestengine.spi.Backend with io.interestengine.scalar.ScalarBackend;
}
