package io.interestengine.cuda;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * Page-locked host memory: the staging area of a session's one upload and one download per request (pinned
 * memory lets the copy engine DMA directly, asynchronously on the session's stream).
 */
final class PinnedBuffer implements AutoCloseable {
    final Driver driver;
    final Driver.Host host;
    final IntBuffer ints;
    final FloatBuffer floats;
    private boolean closed;

    PinnedBuffer(Driver driver, long bytes, String what) {
        this.driver = driver;
        this.host = driver.allocHost(Math.max(bytes, 4), what);
        ints = host.bytes().asIntBuffer();
        floats = host.bytes().asFloatBuffer();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        driver.freeHost(host);
    }
}
