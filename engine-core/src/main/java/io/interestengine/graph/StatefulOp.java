package io.interestengine.graph;

/**
 * An op whose outputs depend only on the user's behaviours and can be kept per user (DESIGN §4): built from
 * the whole history, or advanced one event at a time from the stored outputs (the User Interest Center).
 */
public interface StatefulOp extends Op {
    /** Whether this instance keeps per-user state (a GRU over the user's history does; one per candidate does not). */
    boolean holdsUserState();

    /** Null when one more event can be applied from the stored outputs alone; otherwise why not. */
    String notAdvanceable();

    /** A fresh stepper (it holds scratch: one per session). */
    Stepper stepper();

    /** Applies one event to a user's stored outputs. */
    interface Stepper {
        /**
         * @param old stored outputs, one array per {@link #outputs()} value, masked sequences in event order
         * @param len events already applied
         * @param x   the new event's input row (width of the op's first input)
         * @return the new outputs, same layout; {@code old} is not modified
         */
        float[][] advance(float[][] old, int len, float[] x);

        /** The new event's row of {@link #out()} after {@link #advance} (what a stateful op fed by this one reads), or null. */
        float[] lastRow();
    }
}
