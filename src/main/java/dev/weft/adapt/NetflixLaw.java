package dev.weft.adapt;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;

/**
 * {@link SpeedLaw#GRADIENT2} and {@link SpeedLaw#VEGAS}: Netflix concurrency-limits' latency laws, fed with every
 * admitted task's round trip. Their {@code onSample} is {@code synchronized}, which since JDK 24 (JEP 491) no longer
 * pins a virtual thread's carrier. Loaded only when chosen: the jar is optional.
 */
final class NetflixLaw {
    private final Limit limit;

    NetflixLaw(SpeedLaw law, int initial, int ceiling) {
        int start = Math.min(initial, ceiling);
        // AdaptiveLimit checked that the jar is there before this class was linked
        limit = switch (law) {
            case GRADIENT2 -> Gradient2Limit.newBuilder().initialLimit(start).minLimit(1).maxConcurrency(ceiling)
                    .build();
            case VEGAS -> VegasLimit.newBuilder().initialLimit(start).maxConcurrency(ceiling).build();
            case THROUGHPUT -> throw new IllegalArgumentException("THROUGHPUT is Weft's own law, not Netflix's");
        };
    }

    int limit() {
        return limit.getLimit();
    }

    void onSample(long startNanos, long rtt, int inFlight) {
        limit.onSample(startNanos, rtt, inFlight, false);
    }
}
