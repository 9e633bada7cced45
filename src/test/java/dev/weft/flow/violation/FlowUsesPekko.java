package dev.weft.flow.violation;

import org.apache.pekko.actor.Address;

/** A deliberate violation for {@code dev.weft.ArchitectureTest}: Pekko outside dev.weft.cluster. */
public final class FlowUsesPekko {
    private FlowUsesPekko() {
    }

    static Object address() {
        return Address.apply("pekko", "weft");
    }
}
