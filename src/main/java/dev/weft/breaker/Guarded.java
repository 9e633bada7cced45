package dev.weft.breaker;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.Serial;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;

/**
 * One call through a breaker, by Resilience4j's decorator protocol (what {@code CircuitBreaker.decorateCallable}
 * does: acquire a permission, time the call, report its result or error) with one difference: a call ended by
 * interruption or cancellation gives its permission back ({@code releasePermission}) instead of counting as a
 * failure, because a cancelled Weft task says nothing about the health of what it called.
 */
final class Guarded {
    private Guarded() {
    }

    /**
     * This breaker refused the call. A checked exception of its own, so that a {@link CallNotPermittedException} the
     * call itself throws (from a breaker further in) is counted as that call's failure, not taken for this breaker's
     * refusal. Carries Resilience4j's exception as its cause; no stack trace of its own (callers rethrow the cause
     * inside an exception that has one).
     */
    static final class Refused extends Exception {
        @Serial
        private static final long serialVersionUID = 1L;

        Refused(CallNotPermittedException cause) {
            super(cause.getMessage(), cause, false, false);
        }

        @Override
        public CallNotPermittedException getCause() {
            return (CallNotPermittedException) super.getCause();
        }
    }

    /**
     * Calls {@code call} if {@code breaker} permits it.
     *
     * @throws Refused   if the breaker refused (open, forced open, or half open with its trial calls taken);
     *                   {@code call} did not run
     * @throws Exception what {@code call} threw, after the breaker counted it
     */
    static <T> T call(CircuitBreaker breaker, Callable<T> call) throws Exception {
        try {
            breaker.acquirePermission();
        } catch (CallNotPermittedException e) {
            throw new Refused(e);
        }
        long start = breaker.getCurrentTimestamp();
        try {
            T result = call.call();
            breaker.onResult(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), result);
            return result;
        } catch (InterruptedException | CancellationException e) {
            breaker.releasePermission();
            throw e;
        } catch (Throwable t) {
            breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), t);
            throw t;
        }
    }
}
