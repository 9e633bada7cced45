package dev.weft.scope.violation;

import java.util.concurrent.StructuredTaskScope;

/** A deliberate violation for {@code dev.weft.ArchitectureTest}: the preview API outside its one adapter. */
public final class ScopeUsesStructuredTaskScope {
    private ScopeUsesStructuredTaskScope() {
    }

    static boolean cancelled(StructuredTaskScope<?, ?> scope) {
        return scope.isCancelled();
    }
}
