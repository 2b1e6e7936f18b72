package io.interestengine;

import io.interestengine.graph.Field;

import java.util.Objects;

/**
 * One user's ranking request: profile fields, the behavior history with its length, and N candidates.
 * Reusable: call {@link #clear()} and set it again; once its arrays have grown to the largest request
 * seen it allocates nothing. Not thread-safe: one request object per thread.
 */
public final class RankingRequest extends RequestData {

    RankingRequest(Model model) {
        super(model.graph(), 1, 16);
        users = 1;
    }

    /** Forgets every value, keeping the storage. */
    public RankingRequest clear() {
        newGeneration();
        candidates = 0;
        return this;
    }

    /**
     * Sets a user id field.
     *
     * @throws InvalidRequestException if the model has no such user id field
     */
    public RankingRequest user(String field, int id) {
        Objects.requireNonNull(field, "field");
        Field f = field(field, Field.Group.USER);
        if (f.isDense()) throw new InvalidRequestException("user field '" + field + "' is dense: use userDense");
        setId(f, 0, id);
        return this;
    }

    /**
     * Sets a dense user field ({@code values.length ≥ width}).
     *
     * @throws InvalidRequestException if the field is unknown, not dense, or too few values are given
     */
    public RankingRequest userDense(String field, float[] values) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(values, "values");
        Field f = field(field, Field.Group.USER);
        if (!f.isDense()) throw new InvalidRequestException("user field '" + field + "' takes an id: use user");
        setDense(f, 0, values, 0);
        return this;
    }

    /**
     * Sets one history field: the first {@code length} ids of {@code ids} are the real events in time order.
     * All history fields must be given the same length.
     *
     * @throws InvalidRequestException if the field is unknown, the length is negative, beyond the model's
     *                                 {@code max_length}, beyond {@code ids.length}, or differs from another history field's
     */
    public RankingRequest history(String field, int[] ids, int length) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(ids, "ids");
        setHistory(field(field, Field.Group.HISTORY), 0, ids, length);
        return this;
    }

    /**
     * Sets the ids of one candidate field for {@code n} candidates; every candidate field must be given the same n.
     *
     * @throws InvalidRequestException if the field is unknown, {@code n < 1}, or n differs from another candidate field's
     */
    public RankingRequest candidates(String field, int[] ids, int n) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(ids, "ids");
        Field f = field(field, Field.Group.CANDIDATE);
        if (f.isDense()) throw new InvalidRequestException("candidate field '" + field + "' is dense: use candidateDense");
        count(field, n, ids.length);
        for (int c = 0; c < n; c++) setId(f, c, ids[c]);
        return this;
    }

    /**
     * Sets a dense candidate field: {@code values} holds n rows of the field's width, row-major.
     *
     * @throws InvalidRequestException if the field is unknown, not dense, or the counts disagree
     */
    public RankingRequest candidateDense(String field, float[] values, int n) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(values, "values");
        Field f = field(field, Field.Group.CANDIDATE);
        if (!f.isDense()) throw new InvalidRequestException("candidate field '" + field + "' takes ids: use candidates");
        count(field, n, values.length / f.denseWidth());
        for (int c = 0; c < n; c++) setDense(f, c, values, c * f.denseWidth());
        return this;
    }

    private void count(String field, int n, int available) {
        if (n < 1) throw new InvalidRequestException("candidate field '" + field + "': candidate list empty (n = " + n + ")");
        if (n > available) throw new InvalidRequestException("candidate field '" + field + "': n = " + n + " but only " + available + " values given");
        if (candidates != 0 && candidates != n) throw new InvalidRequestException("candidate field '" + field + "': " + n + " candidates, another candidate field has " + candidates);
        growCandidates(n);
        candidates = n;
    }

    /** Number of candidates set. */
    public int size() {
        return candidates;
    }

    @Override
    String rowName(int userRow) {
        return "";
    }
}
