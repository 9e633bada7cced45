package dev.weft.flow.violation;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/** A deliberate violation for {@code dev.weft.ArchitectureTest}: Resilience4j outside dev.weft.breaker. */
public final class FlowUsesResilience4j {
    private FlowUsesResilience4j() {
    }

    static Object breaker() {
        return CircuitBreaker.ofDefaults("violation");
    }
}
