package dev.weft.lock.violation;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A deliberate violation for {@code dev.weft.ArchitectureTest}: Micrometer outside dev.weft.metrics. */
public final class LockUsesMicrometer {
    private LockUsesMicrometer() {
    }

    static Object registry() {
        return new SimpleMeterRegistry();
    }
}
