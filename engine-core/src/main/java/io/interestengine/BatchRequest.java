package io.interestengine;

import io.interestengine.graph.Field;

import java.util.Objects;

/**
 * A batch of independent samples, each one user (profile and history) and one candidate: the workload
 * of offline scoring or of requests that share nothing. Reusable like {@link RankingRequest}. A null field name
 * or array is a {@link NullPointerException} naming the argument.
 */
public final class BatchRequest extends RequestData {
    private final LoadOptions options;

    BatchRequest(Model model) {
        super(model.graph(), 16, 16);
        this.options = model.options();
    }

    /**
     * Starts a new batch of {@code size} samples, forgetting earlier values.
     *
     * @throws InvalidRequestException if size is below 1, above the model's {@code maxBatchSamples} load option, or
     *                                 a session for it would pass {@code maxWorkspaceBytes}
     */
    public BatchRequest reset(int size) {
        if (size < 1) throw new InvalidRequestException("batch size " + size + ": at least one sample is required");
        // Before any array grows: rows × max_length would overflow an int (or exhaust the heap) for a huge size.
        if (size > options.maxBatchSamples()) throw Limits.batchTooLarge(size, options);
        // Only when the arrays must grow: reusing a batch of a size seen before allocates nothing.
        if (size > lengths.length) Limits.checkWorkspace(graph, size, size, options);
        newGeneration();
        growUsers(size);
        growCandidates(size);
        users = size;
        candidates = size;
        return this;
    }

    public int size() {
        return candidates;
    }

    private void check(int sample) {
        if (sample < 0 || sample >= candidates) throw new InvalidRequestException("sample " + sample + " outside the batch of " + candidates);
    }

    /** Sets a user id field of one sample. @throws InvalidRequestException on an unknown field or sample */
    public BatchRequest user(int sample, String field, int id) {
        Objects.requireNonNull(field, "field");
        check(sample);
        Field f = field(field, Field.Group.USER);
        if (f.isDense()) throw new InvalidRequestException("user field '" + field + "' is dense: use userDense");
        setId(f, sample, id);
        return this;
    }

    /** Sets a dense user field of one sample. @throws InvalidRequestException on an unknown field or sample */
    public BatchRequest userDense(int sample, String field, float[] values) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(values, "values");
        check(sample);
        Field f = field(field, Field.Group.USER);
        if (!f.isDense()) throw new InvalidRequestException("user field '" + field + "' takes an id: use user");
        setDense(f, sample, values, 0);
        return this;
    }

    /** Sets one history field of one sample. @throws InvalidRequestException as {@link RankingRequest#history} */
    public BatchRequest history(int sample, String field, int[] ids, int length) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(ids, "ids");
        check(sample);
        setHistory(field(field, Field.Group.HISTORY), sample, ids, length);
        return this;
    }

    /** Sets a candidate id field of one sample. @throws InvalidRequestException on an unknown field or sample */
    public BatchRequest candidate(int sample, String field, int id) {
        Objects.requireNonNull(field, "field");
        check(sample);
        Field f = field(field, Field.Group.CANDIDATE);
        if (f.isDense()) throw new InvalidRequestException("candidate field '" + field + "' is dense: use candidateDense");
        setId(f, sample, id);
        return this;
    }

    /** Sets a dense candidate field of one sample. @throws InvalidRequestException on an unknown field or sample */
    public BatchRequest candidateDense(int sample, String field, float[] values) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(values, "values");
        check(sample);
        Field f = field(field, Field.Group.CANDIDATE);
        if (!f.isDense()) throw new InvalidRequestException("candidate field '" + field + "' takes ids: use candidate");
        setDense(f, sample, values, 0);
        return this;
    }

    @Override
    String rowName(int userRow) {
        return " for sample " + userRow;
    }
}
