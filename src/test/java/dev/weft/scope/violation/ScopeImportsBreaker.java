package dev.weft.scope.violation;

import dev.weft.breaker.WhenOpen;

/** A deliberate violation for {@code dev.weft.ArchitectureTest}: the core importing the breaker add-on. */
public final class ScopeImportsBreaker {
    private ScopeImportsBreaker() {
    }

    static Object policy() {
        return WhenOpen.reject();
    }
}
