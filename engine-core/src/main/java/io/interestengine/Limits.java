package io.interestengine;

import io.interestengine.graph.ModelGraph;

/**
 * The size limits of {@link LoadOptions}, checked before anything is allocated for a model or a request, so
 * that a huge {@code max_length} or request ends in an exception naming the limit instead of an
 * {@link OutOfMemoryError}.
 */
final class Limits {
    private Limits() {
    }

    /** At load: the declared history length, and a session of one user and one candidate must fit. */
    static void checkModel(ModelGraph g, LoadOptions o) {
        for (io.interestengine.graph.SequenceGroup s : g.sequences()) {
            if (s.maxLength() > o.maxHistoryLength()) {
                throw new ModelFormatException("model.json: max_length " + s.maxLength() + " of " + s.describe()
                        + " exceeds the limit of " + o.maxHistoryLength() + " (LoadOptions.withMaxHistoryLength)");
            }
        }
        long bytes = workspaceBytes(g, 1, 1);
        if (bytes > o.maxWorkspaceBytes()) {
            throw new ModelFormatException("model '" + g.name() + "': a session for one user and one candidate needs "
                    + bytes
                    + " bytes of workspace, over the limit of " + o.maxWorkspaceBytes()
                            + " (LoadOptions.withMaxWorkspaceBytes)");
        }
    }

    /** Per request: the candidate or sample count against its limit. */
    static void checkRequest(int users, int candidates, boolean batch, LoadOptions o) {
        if (batch && candidates > o.maxBatchSamples()) throw batchTooLarge(candidates, o);
        if (!batch && candidates > o.maxCandidates()) {
            throw new InvalidRequestException("the request has " + candidates + " candidates, over the limit of "
                    + o.maxCandidates()
                    + " (LoadOptions.withMaxCandidates)");
        }
    }

    static InvalidRequestException batchTooLarge(int samples, LoadOptions o) {
        return new InvalidRequestException("batch of " + samples + " samples is over the limit of "
                + o.maxBatchSamples()
                + " (LoadOptions.withMaxBatchSamples)");
    }

    /** Whether a session of this capacity stays within {@code maxWorkspaceBytes}. */
    static boolean fits(ModelGraph g, int users, int candidates, LoadOptions o) {
        return workspaceBytes(g, users, candidates) <= o.maxWorkspaceBytes();
    }

    /** Throws unless a session of this capacity stays within {@code maxWorkspaceBytes}. */
    static void checkWorkspace(ModelGraph g, int users, int candidates, LoadOptions o) {
        long bytes = workspaceBytes(g, users, candidates);
        if (bytes > o.maxWorkspaceBytes()) {
            throw new InvalidRequestException("a request of " + users + " user rows and " + candidates
                    + " candidate rows needs "
                    + (bytes == Long.MAX_VALUE ? "more than 2^31 floats" : bytes + " bytes")
                            + " of session workspace, over the limit of "
                    + o.maxWorkspaceBytes() + " (LoadOptions.withMaxWorkspaceBytes)");
        }
    }

    /** Bytes of the planned float and int arenas; {@link Long#MAX_VALUE} when the plan cannot be addressed. */
    static long workspaceBytes(ModelGraph g, int users, int candidates) {
        try {
            Plan p = new Plan(g, users, candidates);
            return 4L * p.floats + 4L * p.inputInts;
        } catch (IllegalArgumentException | ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
