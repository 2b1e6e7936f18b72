package io.interestengine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelHolderTest {
    private static final LoadOptions OPTS = LoadOptions.defaults().withBackend("scalar");

    /** Two versions of the tiny DIN with different weights, so each call's scores show which version ran. */
    private static Path[] versions(Path tmp) {
        return new Path[]{TinyModel.write(tmp.resolve("a"), TinyModel.JSON, TinyModel.tensors(1), TinyModel.shapes()),
                TinyModel.write(tmp.resolve("b"), TinyModel.JSON, TinyModel.tensors(2), TinyModel.shapes())};
    }

    private static float[] reference(Path dir) {
        try (Model m = Model.load(dir, OPTS); Session s = m.newSession()) {
            return s.score(TinyModel.request(m, 4, 6));
        }
    }

    @Test
    void swapsUnderEightThreadsWithNoFailedCall(@TempDir Path tmp) throws Exception {
        Path[] dirs = versions(tmp);
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(broken.resolve("model.json"), "{\"format\": \"interest-engine-model\"");
        // Expected scores by fingerprint; the two versions must differ or the check below proves nothing.
        Map<String, float[]> expected = new HashMap<>();
        for (Path d : dirs) {
            try (Model m = Model.load(d, OPTS)) {
                expected.put(m.fingerprint(), reference(d));
            }
        }
        assertEquals(2, expected.size());
        try (ModelHolder holder = ModelHolder.load(dirs[0], OPTS)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong calls = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Map<Long, Boolean> versionsSeen = new ConcurrentHashMap<>();
            CountDownLatch started = new CountDownLatch(8);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    Map<Long, RankingRequest> requests = new HashMap<>();
                    float[] out = new float[6];
                    started.countDown();
                    try {
                        while (!stop.get()) {
                            try (ModelHolder.Lease l = holder.acquire()) {
                                RankingRequest r = requests.computeIfAbsent(l.version(),
                                        v -> TinyModel.request(l.model(), 4, 6));
                                l.session().score(r, out);
                                float[] want = expected.get(l.model().fingerprint());
                                // Same backend, same weights, same request: the scores are bit-identical.
                                assertArrayEquals(want, out, "version " + l.version());
                                versionsSeen.put(l.version(), true);
                                calls.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            started.await();
            List<Model> retired = new ArrayList<>();
            for (int k = 1; k <= 30; k++) {
                Model before = holder.model();
                if (k == 15) {
                    long v = holder.version();
                    assertThrows(ModelFormatException.class, () -> holder.reload(broken));
                    assertNotNull(holder.lastReloadError());
                    assertTrue(holder.lastReloadError().contains("broken"), holder.lastReloadError());
                    assertEquals(v, holder.version(), "a failed load leaves the old version serving");
                    assertEquals(dirs[(k + 1) % 2], holder.directory());
                } else {
                    holder.reload(dirs[k % 2]);
                    assertNull(holder.lastReloadError());
                    retired.add(before);
                }
                Thread.sleep(15);
            }
            stop.set(true);
            for (Thread t : threads) t.join();
            if (failure.get() != null) throw new AssertionError("a call failed during the swaps", failure.get());
            assertTrue(calls.get() > 100, calls.get() + " calls");
            assertTrue(versionsSeen.size() > 5, "calls ran on " + versionsSeen.size() + " versions");
            assertEquals(30, holder.version(), "29 successful reloads after the first load");
            // Every replaced version closed once its leases came back.
            for (Model m : retired) assertThrows(IllegalStateException.class, m::newSession);
            holder.acquire().close();
        }
    }

    @Test
    void inFlightCallFinishesOnTheOldVersion(@TempDir Path tmp) {
        Path[] dirs = versions(tmp);
        float[] a = reference(dirs[0]), b = reference(dirs[1]);
        assertNotEquals(a[0], b[0]);
        ModelHolder holder = ModelHolder.load(dirs[0], OPTS);
        ModelHolder.Lease old = holder.acquire();
        Model oldModel = old.model();
        holder.reload(dirs[1]);
        try (ModelHolder.Lease fresh = holder.acquire()) {
            assertEquals(2, fresh.version());
            assertArrayEquals(b, fresh.session().score(TinyModel.request(fresh.model(), 4, 6)));
        }
        // The old version is retired but its lease is out: still open and scoring.
        assertArrayEquals(a, old.session().score(TinyModel.request(oldModel, 4, 6)));
        old.close();
        assertThrows(IllegalStateException.class, oldModel::newSession, "the last lease closed the old version");
        old.close();
        holder.close();
        assertThrows(IllegalStateException.class, holder::acquire);
        assertThrows(IllegalStateException.class, holder::reload);
    }

    @Test
    void nestedAndVirtualThreadLeasesGetTheirOwnSessions(@TempDir Path tmp) throws Exception {
        Path[] dirs = versions(tmp);
        try (ModelHolder holder = ModelHolder.load(dirs[0], OPTS)) {
            try (ModelHolder.Lease outer = holder.acquire(); ModelHolder.Lease inner = holder.acquire()) {
                assertNotEquals(System.identityHashCode(outer.session()), System.identityHashCode(inner.session()));
            }
            Session[] seen = new Session[2];
            for (int k = 0; k < 2; k++) {
                int i = k;
                Thread.ofVirtual().start(() -> {
                    try (ModelHolder.Lease l = holder.acquire()) {
                        seen[i] = l.session();
                    }
                }).join();
            }
            assertTrue(seen[0] == seen[1], "a returned session is reused by the next virtual thread");
        }
    }

    @Test
    void acquireAllocatesNothingOnceWarm(@TempDir Path tmp) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (ModelHolder holder = ModelHolder.load(versions(tmp)[0], OPTS)) {
            for (int k = 0; k < 20_000; k++) holder.acquire().close();
            long tid = Thread.currentThread().threadId();
            long before = mx.getThreadAllocatedBytes(tid);
            for (int k = 0; k < 100_000; k++) {
                try (ModelHolder.Lease l = holder.acquire()) {
                    if (l.session() == null) throw new AssertionError();
                }
            }
            long bytes = mx.getThreadAllocatedBytes(tid) - before;
            // 100,000 leases: even 8 bytes each would be 800 kB; the allowance covers the counter's own noise.
            assertTrue(bytes < 64 * 1024, bytes + " bytes allocated by 100,000 acquire/close pairs");
        }
    }
}
