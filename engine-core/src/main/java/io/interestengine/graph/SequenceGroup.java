package io.interestengine.graph;

/**
 * A named behaviour sequence of a request (format_version 2 {@code fields.sequences}; the version-1
 * {@code history} is one group named "history"). Its fields share one length per user row.
 *
 * @param maxLength   T, the padded length every sequence value of the group has
 * @param leftPadding real events at {@code T−len..T−1} instead of {@code 0..len−1}
 * @param paddingId   the id staged at padded positions (looked up like any id)
 * @param idMask      a position is real iff the group's first field holds an id other than {@code paddingId}
 *                    there (DeepCTR-Torch's {@code length_name=None}); otherwise the request's length decides
 */
public record SequenceGroup(String name, int index, int maxLength, boolean leftPadding, int paddingId, boolean idMask) {
    /** First real position of a length-masked row of length {@code len}. */
    public int first(int len) {
        return leftPadding ? maxLength - len : 0;
    }

    public String describe() {
        return "sequence group '" + name + "'";
    }
}
