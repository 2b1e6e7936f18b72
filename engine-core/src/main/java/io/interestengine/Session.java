package io.interestengine;

/**
 * A scoring workspace for one thread at a time. Buffers are sized for the largest request seen so far
 * (they grow once when a larger request arrives); after that, scoring allocates nothing.
 */
public final class Session implements AutoCloseable {
    private static final int INITIAL_CANDIDATES = 256, INITIAL_BATCH = 64;
    private final Model model;
    private Executor exec;
    private boolean closed;

    Session(Model model) {
        this.model = model;
        this.exec = new Executor(model.graph(), model.device(), INITIAL_BATCH, Math.max(INITIAL_CANDIDATES, INITIAL_BATCH));
    }

    /**
     * Scores a ranking request into {@code out} (one score per candidate, in order).
     *
     * @return the number of candidates scored
     * @throws InvalidRequestException if the request is incomplete or holds an invalid id, length or value
     * @throws NumericException        if a score is NaN or infinite
     * @throws IllegalStateException   if this session or its model is closed
     */
    public int score(RankingRequest request, float[] out) {
        check(request);
        request.checkComplete();
        ensure(1, request.candidates);
        checkOut(out, request.candidates);
        exec.run(request, true, out);
        return request.candidates;
    }

    /**
     * Scores a ranking request into a new array.
     *
     * @throws InvalidRequestException if the request is incomplete or invalid
     * @throws NumericException        if a score is NaN or infinite
     */
    public float[] score(RankingRequest request) {
        float[] out = new float[Math.max(1, request.candidates)];
        score(request, out);
        return out;
    }

    /**
     * Scores a batch of independent samples into {@code out} (one score per sample).
     *
     * @return the number of samples scored
     * @throws InvalidRequestException if the batch is incomplete or invalid
     * @throws NumericException        if a score is NaN or infinite
     */
    public int score(BatchRequest batch, float[] out) {
        check(batch);
        batch.checkComplete();
        ensure(batch.users, batch.candidates);
        checkOut(out, batch.candidates);
        exec.run(batch, false, out);
        return batch.candidates;
    }

    /** Scores a batch into a new array. @throws InvalidRequestException if the batch is invalid */
    public float[] score(BatchRequest batch) {
        float[] out = new float[Math.max(1, batch.candidates)];
        score(batch, out);
        return out;
    }

    public Model model() {
        return model;
    }

    private void check(RequestData r) {
        if (closed) throw new IllegalStateException("session is closed");
        model.check();
        if (r.graph != model.graph()) throw new IllegalArgumentException("request was made by another model ('" + r.graph.name() + "')");
    }

    private static void checkOut(float[] out, int n) {
        if (out.length < n) throw new IllegalArgumentException("output array of " + out.length + " floats for " + n + " scores");
    }

    private void ensure(int users, int cands) {
        Plan p = exec.plan;
        if (users <= p.maxUsers && cands <= p.maxCandidates) return;
        int mu = Math.max(p.maxUsers, Integer.highestOneBit(Math.max(users, 1) - 1) << 1);
        int mc = Math.max(p.maxCandidates, Integer.highestOneBit(Math.max(cands, 1) - 1) << 1);
        mu = Math.max(mu, users);
        mc = Math.max(mc, cands);
        Executor next = new Executor(model.graph(), model.device(), mu, mc);
        exec.close();
        exec = next;
    }

    /** Releases the workspace. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            exec.close();
        }
    }
}
