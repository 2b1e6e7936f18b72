package io.interestengine;

import java.util.Objects;

/**
 * A scoring workspace for one thread at a time. Buffers are sized for the largest request seen so far
 * (they grow once when a larger request arrives, up to the limits of the model's {@link LoadOptions}); after
 * that, scoring allocates nothing. Each call holds the model open: {@link Model#close()} waits for calls in
 * flight, and a call after it gets an {@link IllegalStateException}.
 *
 * <p>Every method that takes an object throws {@link NullPointerException} naming the argument when it is null.
 */
public final class Session implements AutoCloseable {
    private static final int INITIAL_CANDIDATES = 256, INITIAL_BATCH = 64;
    private final Model model;
    private Executor exec;
    private boolean closed;

    Session(Model model) {
        this.model = model;
        model.enter();
        try {
            int users = INITIAL_BATCH, cands = Math.max(INITIAL_CANDIDATES, INITIAL_BATCH);
            // A model with long histories may not afford the default capacity: start at the smallest (load checked
            // that it fits).
            if (!Limits.fits(model.graph(), users, cands, model.options())) users = cands = 1;
            this.exec = new Executor(model.graph(), model.device(), users, cands);
        } finally {
            model.exit();
        }
    }

    /**
     * Scores a ranking request into {@code out} (one score per candidate, in order).
     *
     * @return the number of candidates scored
     * @throws InvalidRequestException if the request is incomplete, holds an invalid id, length or value, or has
     *                                 more candidates than the load options allow
     * @throws NumericException        if a score is NaN or infinite
     * @throws IllegalStateException   if this session or its model is closed
     * @throws NullPointerException    if {@code request} or {@code out} is null
     */
    public int score(RankingRequest request, float[] out) {
        Objects.requireNonNull(out, "out");
        enter(request);
        try {
            request.checkComplete();
            ensure(1, request.candidates, false);
            checkOut(out, request.candidates);
            exec.run(request, true, out);
            return request.candidates;
        } catch (NumericException e) {
            throw model.explain(e);
        } finally {
            model.exit();
        }
    }

    /**
     * Scores a ranking request into a new array.
     *
     * @throws InvalidRequestException if the request is incomplete or invalid
     * @throws NumericException        if a score is NaN or infinite
     * @throws IllegalStateException   if this session or its model is closed
     * @throws NullPointerException    if {@code request} is null
     */
    public float[] score(RankingRequest request) {
        Objects.requireNonNull(request, "request");
        float[] out = new float[Math.max(1, request.candidates)];
        score(request, out);
        return out;
    }

    /**
     * Scores a batch of independent samples into {@code out} (one score per sample).
     *
     * @return the number of samples scored
     * @throws InvalidRequestException if the batch is incomplete or invalid, or larger than the load options allow
     * @throws NumericException        if a score is NaN or infinite
     * @throws IllegalStateException   if this session or its model is closed
     * @throws NullPointerException    if {@code batch} or {@code out} is null
     */
    public int score(BatchRequest batch, float[] out) {
        Objects.requireNonNull(out, "out");
        enter(batch);
        try {
            batch.checkComplete();
            ensure(batch.users, batch.candidates, true);
            checkOut(out, batch.candidates);
            exec.run(batch, false, out);
            return batch.candidates;
        } catch (NumericException e) {
            throw model.explain(e);
        } finally {
            model.exit();
        }
    }

    /**
     * Scores a batch into a new array.
     *
     * @throws InvalidRequestException if the batch is invalid
     * @throws NumericException        if a score is NaN or infinite
     * @throws IllegalStateException   if this session or its model is closed
     * @throws NullPointerException    if {@code batch} is null
     */
    public float[] score(BatchRequest batch) {
        Objects.requireNonNull(batch, "batch");
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
        enter();
        try {
            return buildState(StateOps.emptyIds(model.graph()), 0);
        } finally {
            model.exit();
        }
    }

    /**
     * Builds a user's interest state from the full history set on {@code request} (its user and candidate
     * fields are not needed and are ignored).
     *
     * @throws InvalidRequestException if the request's history is not set or holds an invalid id
     * @throws NumericException        if a state value is NaN or infinite
     * @throws IllegalStateException   if this session or its model is closed
     * @throws NullPointerException    if {@code request} is null
     */
    public UserState buildState(RankingRequest request) {
        enter(request);
        try {
            io.interestengine.graph.SequenceGroup group = StateOps.stateGroup(model.graph());
            int[][] ids = StateOps.emptyIds(model.graph());
            if (group == null) return buildState(ids, 0);
            if (request.lengthStamp[group.index()][0] != request.generation) throw new InvalidRequestException("no history set");
            int len = request.lengths[group.index()][0];
            for (int k = 0; k < ids.length; k++) {
                if (ids[k] == null) continue;
                if (request.stamp[k][0] != request.generation) {
                    throw new InvalidRequestException("history field '" + model.graph().fields().get(k).name() + "' was not set");
                }
                System.arraycopy(request.ids[k], 0, ids[k], 0, len);
            }
            return buildState(ids, len);
        } finally {
            model.exit();
        }
    }

    private UserState buildState(int[][] ids, int len) {
        checkOpen();
        ensure(1, 1, false);
        try {
            return states().build(exec, scratch(), ids, len);
        } catch (NumericException e) {
            throw model.explain(e);
        }
    }

    /**
     * Advances a state by one behavior event (one id per non-derived history field, in declaration order),
     * rejecting the event when the window is full ({@link UserState.Overflow#ERROR}).
     *
     * @throws InvalidRequestException if the event has the wrong number of ids or an invalid id
     * @throws IllegalStateException   if the state already holds max_length events, or the session is closed
     * @throws NumericException        if a state value becomes NaN or infinite
     * @throws NullPointerException    if {@code state} or {@code event} is null
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
     * @throws IllegalStateException    if the window is full under {@link UserState.Overflow#ERROR}, or this
     *                                  session or its model is closed
     * @throws NullPointerException     if {@code state}, {@code policy} or {@code event} is null
     */
    public UserState advance(UserState state, UserState.Overflow policy, int... event) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(event, "event");
        enter();
        try {
            checkState(state);
            ensure(1, 1, false);
            return states().advance(exec, scratch(), state, policy, event);
        } catch (NumericException e) {
            throw model.explain(e);
        } finally {
            model.exit();
        }
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
     * @throws InvalidRequestException  if the request's user or candidate fields are incomplete or invalid, or it
     *                                  has more candidates than the load options allow
     * @throws IllegalArgumentException if the state belongs to another model
     * @throws NumericException         if a score is NaN or infinite
     * @throws IllegalStateException    if this session or its model is closed
     * @throws NullPointerException     if {@code state}, {@code request} or {@code out} is null
     */
    public int score(UserState state, RankingRequest request, float[] out) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(out, "out");
        enter(request);
        try {
            checkState(state);
            request.checkComplete(false);
            ensure(1, request.candidates, false);
            checkOut(out, request.candidates);
            exec.run(request, true, out, state);
            return request.candidates;
        } catch (NumericException e) {
            throw model.explain(e);
        } finally {
            model.exit();
        }
    }

    /**
     * Scores into a new array; see {@link #score(UserState, RankingRequest, float[])}.
     *
     * @throws NullPointerException if {@code state} or {@code request} is null
     */
    public float[] score(UserState state, RankingRequest request) {
        Objects.requireNonNull(request, "request");
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

    /** Checks this session is open and holds the model open for one call; pair with {@code model.exit()}. */
    private void enter() {
        if (closed) throw new IllegalStateException("session is closed");
        model.enter();
    }

    /** As {@link #enter()}, for a request that must have been made by this session's model. */
    private void enter(RequestData r) {
        Objects.requireNonNull(r, "request");
        enter();
        if (r.graph != model.graph()) {
            model.exit();
            throw new IllegalArgumentException("request was made by another model ('" + r.graph.name() + "')");
        }
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

    private static void checkOut(float[] out, int n) {
        if (out.length < n) throw new IllegalArgumentException("output array of " + out.length + " floats for " + n + " scores");
    }

    /**
     * Grows the workspace to hold the request: to the next power of two, or exactly when the doubled size would
     * pass the workspace limit. Checks the request's size limits before anything is allocated.
     */
    private void ensure(int users, int cands, boolean batch) {
        LoadOptions o = model.options();
        Limits.checkRequest(users, cands, batch, o);
        Plan p = exec.plan;
        if (users <= p.maxUsers && cands <= p.maxCandidates) return;
        int mu = Math.max(p.maxUsers, users), mc = Math.max(p.maxCandidates, cands);
        Limits.checkWorkspace(model.graph(), mu, mc, o);
        int du = Math.max(mu, Integer.highestOneBit(Math.max(users, 1) - 1) << 1);
        int dc = Math.max(mc, Integer.highestOneBit(Math.max(cands, 1) - 1) << 1);
        if (du > 0 && dc > 0 && Limits.fits(model.graph(), du, dc, o)) {
            mu = du;
            mc = dc;
        }
        Executor next = new Executor(model.graph(), model.device(), mu, mc);
        exec.close();
        exec = next;
    }

    /**
     * Releases the workspace. Idempotent. After the model's weights are released, the backend's session memory has
     * gone with them (a device context frees its allocations), so nothing is freed twice.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            model.enter();
        } catch (IllegalStateException modelClosed) {
            return;
        }
        try {
            exec.close();
        } finally {
            model.exit();
        }
    }
}
