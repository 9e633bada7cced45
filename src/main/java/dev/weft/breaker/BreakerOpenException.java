package dev.weft.breaker;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.Serial;

/**
 * A call was not made because its circuit breaker refused it: the breaker was open (or half open with its trial calls
 * taken). The message names what was guarded (a component, an operation instance, a retried task) and the breaker
 * with its state; the cause is Resilience4j's {@link CallNotPermittedException}.
 */
public final class BreakerOpenException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;
    private final String breaker;
    private final String guarded;

    BreakerOpenException(String guarded, CircuitBreaker breaker, CallNotPermittedException cause) {
        super(guarded + " not run: circuit breaker '" + breaker.getName() + "' is " + breaker.getState()
                + " (" + Breakers.status(breaker) + ")", cause);
        this.breaker = breaker.getName();
        this.guarded = guarded;
    }

    /** The name of the breaker that refused the call. */
    public String breaker() {
        return breaker;
    }

    /** What the breaker guarded: {@code "component 'sys/pay'"}, {@code "operation instance 'charge'"}, ... */
    public String guarded() {
        return guarded;
    }
}
