package dev.weft.flow.violation;

import com.netflix.concurrency.limits.limit.FixedLimit;

/** A deliberate violation for {@code dev.weft.ArchitectureTest}: Netflix concurrency-limits outside dev.weft.adapt. */
public final class FlowUsesNetflixLimits {
    private FlowUsesNetflixLimits() {
    }

    static Object limit() {
        return FixedLimit.of(10);
    }
}
