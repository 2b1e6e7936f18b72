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

    /**
     * A user state with no events yet (the stateful ops' initial states).
     *
     * @throws IllegalStateException if this session or its model is closed
     */
    public UserState emptyState() {
        return buildState(StateOps.emptyIds(model.graph()), 0);
    }

    /**
     * Builds a user's interest state from the full history set on {@code request} (its user and candidate
     * fields are not needed and are ignored).
     *
     * @throws InvalidRequestException if the request's history is not set or holds an invalid id
     * @throws NumericException        if a state value is NaN or infinite
     */
    public UserState buildState(RankingRequest request) {
        check(request);
        io.interestengine.graph.SequenceGroup group = StateOps.stateGroup(model.graph());
        int[][] ids = StateOps.emptyIds(model.graph());
        if (group == null) return buildState(ids, 0);
        if (request.lengthStamp[group.index()][0] != request.generation) throw new InvalidRequestException("no history set");
        int len = request.lengths[group.index()][0];
        for (int k = 0; k < ids.length; k++) {
            if (ids[k] == null) continue;
            if (request.stamp[k][0] != request.generation) throw new InvalidRequestException("history field '" + model.graph().fields().get(k).name() + "' was not set");
            System.arraycopy(request.ids[k], 0, ids[k], 0, len);
        }
        return buildState(ids, len);
    }

    private UserState buildState(int[][] ids, int len) {
        checkOpen();
        ensure(1, 1);
        return states().build(exec, scratch(), ids, len);
    }

    /**
     * Advances a state by one behavior event (one id per non-derived history field, in declaration order),
     * rejecting the event when the window is full ({@link UserState.Overflow#ERROR}).
     *
     * @throws InvalidRequestException if the event has the wrong number of ids or an invalid id
     * @throws IllegalStateException   if the state already holds max_length events, or the session is closed
     * @throws NumericException        if a state value becomes NaN or infinite
     */
    public UserState advance(UserState state, int... event) {
        return advance(state, UserState.Overflow.ERROR, event);
    }

    /**
     * Advances a state by one behavior event with the given overflow policy. The result equals
     * {@link #buildState} over the new window. The stateful ops take the event from their stored state in one
     * step when {@link #incrementalAdvance()} is null; otherwise the window is recomputed.
     *
     * @throws InvalidRequestException  if the event has the wrong number of ids or an invalid id
     * @throws IllegalArgumentException if the state belongs to another model
     * @throws IllegalStateException    if the window is full under {@link UserState.Overflow#ERROR}
     */
    public UserState advance(UserState state, UserState.Overflow policy, int... event) {
        checkOpen();
        checkState(state);
        ensure(1, 1);
        return states().advance(exec, scratch(), state, policy, event);
    }

    /** Null when {@link #advance} updates the stateful ops in one step; otherwise why it recomputes the window. */
    public String incrementalAdvance() {
        return states().notAdvanceable();
    }

    /**
     * Scores {@code request}'s candidates for the user of {@code state}: the request supplies the user
     * profile fields and the candidates, the state supplies the history and the stateful ops' outputs (the
     * request's history, if any, is ignored).
     *
     * @return the number of candidates scored
     * @throws InvalidRequestException  if the request's user or candidate fields are incomplete or invalid
     * @throws IllegalArgumentException if the state belongs to another model
     * @throws NumericException         if a score is NaN or infinite
     */
    public int score(UserState state, RankingRequest request, float[] out) {
        check(request);
        checkState(state);
        request.checkComplete(false);
        ensure(1, request.candidates);
        checkOut(out, request.candidates);
        exec.run(request, true, out, state);
        return request.candidates;
    }

    /** Scores into a new array; see {@link #score(UserState, RankingRequest, float[])}. */
    public float[] score(UserState state, RankingRequest request) {
        float[] out = new float[Math.max(1, request.candidates)];
        score(state, request, out);
        return out;
    }

    private StateOps stateOps;
    private RankingRequest scratchRequest;

    private StateOps states() {
        if (stateOps == null) stateOps = new StateOps(model.graph());
        return stateOps;
    }

    private RankingRequest scratch() {
        if (scratchRequest == null) scratchRequest = new RankingRequest(model);
        return scratchRequest;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("session is closed");
        model.check();
    }

    private void checkState(UserState s) {
        if (!s.graph.fingerprint().equals(model.fingerprint())) {
            throw new IllegalArgumentException("user state was made by model '" + s.graph.name() + "' (fingerprint " + s.modelFingerprint()
                    + "), not by this session's model '" + model.graph().name() + "' (fingerprint " + model.fingerprint() + ")");
        }
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
