package io.interestengine.serving;

import io.interestengine.InvalidRequestException;
import io.interestengine.Model;
import io.interestengine.ModelInfo.FieldInfo;
import io.interestengine.json.Json;
import io.interestengine.json.JsonException;
import io.interestengine.json.Node;

import java.util.ArrayList;
import java.util.List;

/**
 * One behaviour event from the events stream, as the JSON value of the entry's field {@code e}:
 * {@code {"user_id": "u17", "event_id": 42, "hist_mid": 5, "hist_cat": 2}} — one id per history field the
 * model is sent (not derived ones). {@code event_id} is the user's event sequence number: 1 for the user's
 * first event, one more for each next one. The worker applies event k of a user only onto the state that holds
 * events 1 … k−1, which is what orders a user's events and makes their effect exactly-once.
 *
 * <p>An event that cannot be applied keeps what it could read: with a user and sequence number it still takes
 * its place in the user's sequence (as an event that changes nothing) so that the user's later events go on.
 *
 * @param entryId the stream entry id ({@code <ms>-<n>})
 * @param userId  the user, or null when unreadable
 * @param seq     the user's event sequence number, or 0 when unreadable
 * @param ids     the history ids in the model's field order, or null when the event is bad
 * @param raw     the entry's text, kept for the dead-letter stream
 * @param error   why the event cannot be applied, or null
 */
public record UicEvent(String entryId, String userId, long seq, int[] ids, String raw, String error) {

    /** The stream entry field that holds the event's JSON. */
    public static final String FIELD = "e";

    /** The history fields an event carries, in the order {@link io.interestengine.Session#advance} takes them. */
    public static List<FieldInfo> eventFields(Model model) {
        return model.info().eventFields();
    }

    /** Parses one stream entry's event; never throws: a bad event comes back with {@link #error()} set. */
    public static UicEvent parse(String entryId, String raw, List<FieldInfo> fields) {
        if (raw == null) return new UicEvent(entryId, null, 0, null, null, "entry has no field '" + FIELD + "'");
        Node root;
        try {
            root = new Node(Json.parse(raw), "", InvalidRequestException::new);
        } catch (JsonException e) {
            return new UicEvent(entryId, null, 0, null, raw, "invalid JSON: " + e.getMessage());
        }
        String user = null;
        long seq = 0;
        try {
            if (!root.isObject()) throw new InvalidRequestException("an event is a JSON object");
            Node u = root.get("user_id");
            user = u.isString() ? u.str() : Long.toString(u.integer());
            if (user.isEmpty()) throw u.fail("user_id is empty");
            Node s = root.get("event_id");
            long v = s.integer();
            if (v < 1) throw s.fail("event_id " + v + ": the user's event sequence number starts at 1");
            seq = v;
            List<String> allowed = new ArrayList<>(List.of("user_id", "event_id"));
            for (FieldInfo f : fields) allowed.add(f.name());
            root.allowOnly(allowed);
            int[] ids = new int[fields.size()];
            for (int k = 0; k < ids.length; k++) {
                Node n = root.get(fields.get(k).name());
                long id = n.integer();
                if (id < Integer.MIN_VALUE || id > Integer.MAX_VALUE) throw n.fail("id " + id
                        + " does not fit in 32 bits");
                ids[k] = (int) id;
            }
            return new UicEvent(entryId, user, seq, ids, raw, null);
        } catch (InvalidRequestException e) {
            return new UicEvent(entryId, user, seq, null, raw, e.getMessage());
        }
    }

    /** The JSON of an event (what a producer writes into the stream's field {@link #FIELD}). */
    public static String json(String userId, long seq, List<FieldInfo> fields, int... ids) {
        if (ids.length != fields.size()) throw new IllegalArgumentException(ids.length + " ids for " + fields.size()
                + " fields");
        StringBuilder b = new StringBuilder("{\"user_id\":").append(Json.quote(userId));
        b.append(",\"event_id\":").append(seq);
        for (int k = 0; k < ids.length; k++) {
            b.append(',').append(Json.quote(fields.get(k).name())).append(':').append(ids[k]);
        }
        return b.append('}').toString();
    }

    /** The time the entry was added to the stream, from its id (Redis puts the milliseconds first). */
    public long entryMillis() {
        int dash = entryId.indexOf('-');
        try {
            return Long.parseLong(dash < 0 ? entryId : entryId.substring(0, dash));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Whether the event carries a user and sequence number (and so takes its place in the user's sequence). */
    public boolean sequenced() {
        return userId != null && seq > 0;
    }
}
