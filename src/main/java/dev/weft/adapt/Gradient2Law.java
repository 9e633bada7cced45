package dev.weft.adapt;

import com.netflix.concurrency.limits.limit.Gradient2Limit;

/**
 * {@link SpeedLaw#GRADIENT2}: Netflix's {@code Gradient2Limit} fed with every admitted task's round trip. Its
 * {@code onSample} is {@code synchronized}, which since JDK 24 (JEP 491) no longer pins a virtual thread's carrier.
 * Loaded only when chosen: the jar is optional.
 */
final class Gradient2Law {
    private final Gradient2Limit limit;

    Gradient2Law(int initial, int ceiling) {
        try {
            limit = Gradient2Limit.newBuilder().initialLimit(Math.min(initial, ceiling)).minLimit(1)
                    .maxConcurrency(ceiling).build();
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("SpeedLaw.GRADIENT2 needs Netflix concurrency-limits on the class path "
                    + "(com.netflix.concurrency-limits:concurrency-limits-core:0.5.4); it is an optional dependency of "
                    + "Weft", e);
        }
    }

    int limit() {
        return limit.getLimit();
    }

    void onSample(long startNanos, long rtt, int inFlight) {
        limit.onSample(startNanos, rtt, inFlight, false);
    }
}
