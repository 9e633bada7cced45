package dev.weft.function.violation;

import dev.weft.event.Event;

/** A deliberate violation for {@code dev.weft.ArchitectureTest}: the functional interfaces importing Weft. */
public final class FunctionImportsEvent {
    private FunctionImportsEvent() {
    }

    static String of(Event e) {
        return e.toString();
    }
}
