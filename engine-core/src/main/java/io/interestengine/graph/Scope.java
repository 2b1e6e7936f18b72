package io.interestengine.graph;

/** Where a value lives in a ranking request: once per user, or once per candidate. */
public enum Scope {
    USER, CANDIDATE;

    public static Scope of(Scope a, Scope b) {
        return a == CANDIDATE || b == CANDIDATE ? CANDIDATE : USER;
    }
}
