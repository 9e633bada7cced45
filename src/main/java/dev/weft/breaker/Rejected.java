package dev.weft.breaker;

import java.util.Objects;

/**
 * A message a {@link BreakerTransformer} did not turn into output, sent on its {@value BreakerTransformer#REJECTED}
 * outbox: either its handler threw (the breaker counted the failure) or the open breaker refused to call the handler
 * (with {@link WhenOpen#reject()}).
 *
 * @param message      the message as it arrived on {@code "inbox"}
 * @param breaker      the breaker's name
 * @param reason       what the handler threw, or the open breaker's {@code CallNotPermittedException}
 * @param notPermitted whether the breaker refused the call (it was open) rather than the handler failing; a
 *                     {@code CallNotPermittedException} the handler itself threw (from a breaker further in) is a
 *                     handler failure
 */
public record Rejected(Object message, String breaker, Throwable reason, boolean notPermitted) {
    /** Checks that no part is null. */
    public Rejected {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(reason, "reason");
    }
}
