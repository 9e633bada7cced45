package dev.weft.tube.violation;

import dev.weft.metrics.Metrics;

/**
 * A deliberate violation for {@code dev.weft.ArchitectureTest}: the tube package importing metrics (tubes reach
 * metrics only through {@code TubeObserver}).
 */
public final class TubeImportsMetrics {
    private TubeImportsMetrics() {
    }

    static Object observer() {
        return Metrics.simple();
    }
}
