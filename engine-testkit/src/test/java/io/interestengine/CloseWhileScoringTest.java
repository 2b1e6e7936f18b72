package io.interestengine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing a model while sessions score: calls in flight finish on intact weights, later calls get the engine's
 * IllegalStateException (never the JDK's "Already closed" of a released arena), and the weights are released once.
 */
class CloseWhileScoringTest {
    @TempDir
    Path tmp;

    @Test
    void closeWaitsForCallsInFlight() throws Exception {
        Model m = Model.load(TinyModel.write(tmp.resolve("m")), LoadOptions.defaults().withBackend("scalar"));
        m.enter(); // a call in flight
        Thread closer = new Thread(m::close);
        closer.start();
        closer.join(300);
        assertTrue(closer.isAlive(), "close waits while a call is in flight");
        assertFalse(m.released());
        m.exit();
        closer.join(5000);
        assertFalse(closer.isAlive());
        assertTrue(m.released());
    }

    @Test
    void concurrentCloseGivesOnlyTheEnginesMessage() throws Exception {
        // Repeated so that close lands inside a call, between calls and inside newSession on different rounds.
        for (int round = 0; round < 20; round++) {
            Model m = Model.load(TinyModel.write(tmp.resolve("m" + round)),
                    LoadOptions.defaults().withBackend("scalar"));
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            CountDownLatch started = new CountDownLatch(4);
            List<Thread> ts = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread th = new Thread(() -> {
                    try (Session s = m.newSession()) {
                        RankingRequest r = TinyModel.request(m, 3, 64);
                        float[] out = new float[64];
                        started.countDown();
                        while (true) s.score(r, out);
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                th.start();
                ts.add(th);
            }
            assertTrue(started.await(10, TimeUnit.SECONDS));
            Thread.sleep(round % 5);
            m.close();
            assertTrue(m.released());
            for (Thread th : ts) th.join(10_000);
            assertEquals(4, errors.size());
            for (Throwable e : errors) {
                assertTrue(e instanceof IllegalStateException && e.getMessage().equals("model 'tiny_din' is closed"),
                        e.toString());
            }
        }
    }
}
