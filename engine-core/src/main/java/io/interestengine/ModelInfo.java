package io.interestengine;

import io.interestengine.graph.Field;
import io.interestengine.graph.ModelGraph;
import io.interestengine.graph.SequenceGroup;

import java.util.List;

/**
 * What a caller may know about a loaded model, immutable: its identity, the backend that runs it and the
 * request fields it takes ({@link Model#info()}). Weights and the op graph stay inside the engine.
 *
 * @param formatVersion the {@code format_version} of its {@code model.json}
 * @param sequences     the behaviour-sequence groups, in declaration order
 * @param fields        every request field, in declaration order (derived fields included, marked)
 * @param stateSequence the sequence group whose window a {@link UserState} holds and {@link Session#advance} takes
 *                      events of (the group the stateful ops read), or null when the model has none
 */
public record ModelInfo(String name, String reference, String fingerprint, int formatVersion, String backend,
                        List<SequenceInfo> sequences, List<FieldInfo> fields, String stateSequence) {

    /**
     * A behaviour-sequence group: its fields share one length per user.
     *
     * @param mask "length" (the request's list lengths) or "id" (positions holding {@code paddingId} are padding)
     */
    public record SequenceInfo(String name, int maxLength, boolean leftPadding, int paddingId, String mask) {
    }

    /**
     * A request field.
     *
     * @param group       "user", "history" (a field of sequence group {@code sequence}) or "candidate"
     * @param rows        the table's rows for an id field (ids in {@code [0, rows)}), 0 for a dense field
     * @param denseWidth  floats of a dense field, 0 for an id field
     * @param derivedFrom the field an id is mapped from (not sent in requests), or null
     */
    public record FieldInfo(String name, String group, String sequence, int rows, int denseWidth, String derivedFrom) {
        public boolean sent() {
            return derivedFrom == null;
        }
    }

    static ModelInfo of(ModelGraph g, String backend) {
        List<SequenceInfo> seq = g.sequences().stream()
                .map(s -> new SequenceInfo(s.name(), s.maxLength(), s.leftPadding(), s.paddingId(), s.idMask() ? "id" : "length")).toList();
        List<FieldInfo> fields = g.fields().stream().map(ModelInfo::field).toList();
        SequenceGroup state = StateOps.stateGroup(g);
        return new ModelInfo(g.name(), g.reference(), g.fingerprint(), g.formatVersion(), backend, seq, fields,
                state == null ? null : state.name());
    }

    private static FieldInfo field(Field f) {
        SequenceGroup s = f.seq();
        return new FieldInfo(f.name(), f.group().name().toLowerCase(), s == null ? null : s.name(), f.isDense() ? 0 : f.table().rows(),
                f.denseWidth(), f.isDerived() ? f.deriveFrom().name() : null);
    }

    /** The fields one user-state event carries, in the order {@link Session#advance} takes their ids. */
    public List<FieldInfo> eventFields() {
        return fields.stream().filter(f -> f.sent() && stateSequence != null && stateSequence.equals(f.sequence())).toList();
    }

    /** The fields of one group ("user", "history", "candidate"), in declaration order. */
    public List<FieldInfo> fields(String group) {
        return fields.stream().filter(f -> f.group().equals(group)).toList();
    }
}
