package io.interestengine.simd;

import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.Session;
import io.interestengine.internal.Internals;
import io.interestengine.testkit.GoldenCases;
import io.interestengine.testkit.Presets;
import io.interestengine.testkit.RandomRequests;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code withIntraRequestThreads(2)} on ranking requests large enough to split (N = 200): the scores equal one
 * thread's bit for bit (each part computes its rows exactly as one thread would), and after warm-up neither the
 * caller nor the pool's workers allocate.
 */
class ParallelTest {
    @TempDir
    static Path tmp;

    private static Path model(String name) {
        return name.equals("din") ? Presets.mouna99(Presets.smallSpec(true), 7).write(tmp.resolve("din"))
                : GoldenCases.goldenDir().resolve(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"din", "dien_torch_augru", "mimn_miu_reg_mask"})
    void twoThreadsScoreExactlyAsOne(String name) {
        Path dir = model(name);
        try (Model one = Model.load(dir, LoadOptions.defaults().withBackend("simd"));
             Model two = Model.load(dir, LoadOptions.defaults().withBackend("simd").withIntraRequestThreads(2));
             Session a = one.newSession(); Session b = two.newSession()) {
            int T = Internals.graph(one).sequences().get(0).maxLength();
            RankingRequest ra = RandomRequests.ranking(one, 200, T, 11), rb = RandomRequests.ranking(two, 200, T, 11);
            float[] want = new float[200], got = new float[200];
            // Both models warmed alike, so both run the same compiled code when compared.
            for (int k = 0; k < 3000; k++) {
                a.score(ra, want);
                b.score(rb, got);
            }
            a.score(ra, want);
            b.score(rb, got);
            assertArrayEquals(want, got, name + ": two threads differ from one");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"din", "dien_torch_augru"})
    void twoThreadsAllocateNothingAfterWarmUp(String name) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation counter unavailable");
        Assumptions.assumeTrue(Vec.bits() <= jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize(),
                "vectors wider than the CPU's run on the Vector API's boxing fallback");
        try (Model m = Model.load(model(name), LoadOptions.defaults().withBackend("simd").withIntraRequestThreads(2));
             Session s = m.newSession()) {
            int T = Internals.graph(m).sequences().get(0).maxLength();
            RankingRequest rq = RandomRequests.ranking(m, 200, T, 5);
            float[] out = new float[200];
            int calls = 200;
            long bytes = -1;
            // As in AllocationTest: accept the first clean round once C2 has compiled the path.
            for (int round = 0; round < 30 && bytes != 0; round++) {
                for (int k = 0; k < 1500; k++) s.score(rq, out);
                if (round > 0) sleep(200);
                long[] ids = threadIds();
                long before = allocated(mx, ids);
                for (int k = 0; k < calls; k++) s.score(rq, out);
                bytes = allocated(mx, ids) - before;
            }
            assertEquals(0, bytes / calls, name + ": a two-thread ranking call allocates " + bytes + " bytes over "
                    + calls + " calls (caller and pool workers)");
        }
    }

    /** The caller and every fork-join worker alive now (the model's pool has started its worker by then). */
    private static long[] threadIds() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t == Thread.currentThread() || t.getName().startsWith("ForkJoinPool-"))
                .mapToLong(Thread::threadId).toArray();
    }

    /** Read one id at a time: the array form allocates its result on this thread, inside the measurement. */
    private static long allocated(com.sun.management.ThreadMXBean mx, long[] ids) {
        long sum = 0;
        for (long id : ids) {
            long b = mx.getThreadAllocatedBytes(id);
            // A thread that ended between listing and reading reports -1: nothing of it to attribute.
            if (b > 0) sum += b;
        }
        return sum;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
