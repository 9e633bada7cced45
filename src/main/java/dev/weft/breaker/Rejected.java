package dev.weft.breaker;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.util.Objects;

/**
 * A message a {@link BreakerTransformer} did not turn into output, sent on its {@value BreakerTransformer#REJECTED}
 * outbox: either its handler threw (the breaker counted the failure) or the open breaker refused to call the handler
 * (with {@link WhenOpen#reject()}).
 *
 * @param message the message as it arrived on {@code "inbox"}
 * @param breaker the breaker's name
 * @param reason  what the handler threw, or the {@link CallNotPermittedException} of the open breaker
 */
public record Rejected(Object message, String breaker, Throwable reason) {
    /** Checks that no part is null. */
    public Rejected {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(reason, "reason");
    }

    /** Whether the breaker refused the call (it was open), rather than the handler failing. */
    public boolean notPermitted() {
        return reason instanceof CallNotPermittedException;
    }
}
