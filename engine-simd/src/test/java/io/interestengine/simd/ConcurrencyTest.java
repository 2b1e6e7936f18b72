package io.interestengine.simd;

import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.BatchRequest;
import io.interestengine.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * One model shared by sessions on many threads gives bit-identical scores to one thread (a session's result
 * depends on its own workspace only), and intra-request parallelism gives bit-identical scores to none
 * (candidate rows are independent and computed by the same code whichever thread runs them).
 */
class ConcurrencyTest {
    @TempDir
    static Path tmp;

    private static List<float[]> scoreAll(Session s, Model m, int requests) {
        List<float[]> out = new ArrayList<>();
        for (int k = 0; k < requests; k++) {
            RankingRequest r = TestModels.ranking(m, k % 18, 1 + 37 * k % 250, k);
            out.add(s.score(r));
            BatchRequest b = TestModels.batch(m, 1 + 13 * k % 70, k);
            out.add(s.score(b));
        }
        return out;
    }

    @Test
    void manySessionsOnManyThreadsMatchOneThread() throws Exception {
        Path dir = TestModels.write(tmp.resolve("din"), TestModels.small(true), 3);
        try (Model m = Model.load(dir, LoadOptions.defaults().withBackend("simd"))) {
            List<float[]> want;
            try (Session s = m.newSession()) {
                want = scoreAll(s, m, 12);
            }
            int threads = 6;
            try (ExecutorService ex = Executors.newFixedThreadPool(threads)) {
                List<Future<List<float[]>>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    fs.add(ex.submit(() -> {
                        List<float[]> last = null;
                        try (Session s = m.newSession()) {
                            for (int rep = 0; rep < 5; rep++) last = scoreAll(s, m, 12);
                        }
                        return last;
                    }));
                }
                for (Future<List<float[]>> f : fs) {
                    List<float[]> got = f.get();
                    for (int k = 0; k < want.size(); k++) assertArrayEquals(want.get(k), got.get(k), "request " + k);
                }
            }
        }
    }

    @Test
    void intraRequestParallelismMatchesSequential() {
        Path dir = TestModels.write(tmp.resolve("din_par"), TestModels.small(true), 4);
        try (Model one = Model.load(dir, LoadOptions.defaults().withBackend("simd"));
             Model par = Model.load(dir, LoadOptions.defaults().withBackend("simd").withIntraRequestThreads(3));
             Session a = one.newSession(); Session b = par.newSession()) {
            List<float[]> want = scoreAll(a, one, 10), got = scoreAll(b, par, 10);
            for (int k = 0; k < want.size(); k++) assertArrayEquals(want.get(k), got.get(k), "request " + k);
        }
    }
}
