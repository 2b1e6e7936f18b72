package io.interestengine.spi;

/** One bound kernel launch: offsets and weights fixed, row counts given per request. */
@FunctionalInterface
public interface Step {
    void run(int users, int candidates);
}
