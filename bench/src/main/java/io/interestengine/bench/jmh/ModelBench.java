package io.interestengine.bench.jmh;

import io.interestengine.BatchRequest;
import io.interestengine.LoadOptions;
import io.interestengine.Model;
import io.interestengine.RankingRequest;
import io.interestengine.Session;
import io.interestengine.bench.StandardModels;
import io.interestengine.bench.Workloads;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One {@code Session.score} call of a standard model on the standard workloads (DESIGN.md): a ranking request
 * (one user, a full history of T events, N = 200 candidates) and a batch of B = 200 independent samples,
 * scalar against SIMD, one thread. Base and DIN are the random standard models (T = 100); DIEN (T = 100) and
 * MIMN (T = 50) are the bundled example models, so run from the repository root.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ModelBench {
    @Param({"base", "din", "dien", "mimn"})
    public String model;
    @Param({"scalar", "simd"})
    public String backend;
    @Param({"ranking", "batch"})
    public String workload;
    /** Intra-request threads (1: off, the default). */
    @Param({"1"})
    public int threads;

    private Path dir;
    private Model m;
    private Session s;
    private RankingRequest rq;
    private BatchRequest bq;
    private float[] out;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("ie-bench");
        m = Model.load(StandardModels.model(dir, model, 42), LoadOptions.defaults().withBackend(backend).withIntraRequestThreads(threads));
        s = m.newSession();
        if (workload.equals("ranking")) rq = Workloads.ranking(m, Workloads.N, 7);
        else bq = Workloads.batch(m, Workloads.B, 7);
        out = new float[Math.max(Workloads.N, Workloads.B)];
    }

    @Benchmark
    public int score() {
        return rq != null ? s.score(rq, out) : s.score(bq, out);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        s.close();
        m.close();
        Cleanup.delete(dir);
    }
}
