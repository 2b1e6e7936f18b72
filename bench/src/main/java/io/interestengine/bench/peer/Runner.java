package io.interestengine.bench.peer;

/** One runtime bound to one model and one workload: each call scores every row of the workload into {@link #scores()}. */
interface Runner extends AutoCloseable {
    String runtime();

    /** Scores the workload once; the result stays in {@link #scores()}. */
    void run() throws Exception;

    float[] scores();

    @Override
    void close();
}
