package dev.weft.scope.violation;

import dev.weft.adapt.Goal;

/** A deliberate violation for {@code dev.weft.ArchitectureTest}: the core importing the adapt add-on. */
public final class ScopeImportsAdapt {
    private ScopeImportsAdapt() {
    }

    static Object goal() {
        return Goal.SPEED;
    }
}
