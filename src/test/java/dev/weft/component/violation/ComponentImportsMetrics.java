package dev.weft.component.violation;

import dev.weft.metrics.Metrics;

/**
 * A deliberate violation for {@code dev.weft.ArchitectureTest}: the component package importing metrics (components
 * reach metrics only through {@code ComponentObserver}).
 */
public final class ComponentImportsMetrics {
    private ComponentImportsMetrics() {
    }

    static Object observer() {
        return Metrics.simple();
    }
}
