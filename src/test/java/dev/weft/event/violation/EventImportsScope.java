package dev.weft.event.violation;

import dev.weft.event.Event;
import dev.weft.scope.Scope;

/** A deliberate violation for {@code dev.weft.ArchitectureTest}: event, the leaf, importing scope (a cycle too). */
public final class EventImportsScope {
    private EventImportsScope() {
    }

    static String pathOf(Event e) {
        return Scope.currentPath() + e;
    }
}
