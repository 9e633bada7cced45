package dev.weft.lock.violation;

import dev.weft.flow.DataFlow;

/** A deliberate violation for {@code dev.weft.ArchitectureTest}: lock importing a package above it. */
public final class LockImportsFlow {
    private LockImportsFlow() {
    }

    static String name(DataFlow flow) {
        return flow.toString();
    }
}
