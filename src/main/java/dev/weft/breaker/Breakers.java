package dev.weft.breaker;

import dev.weft.Weft;
import dev.weft.flow.OperationImplementation;
import dev.weft.flow.OperationRegistry;
import dev.weft.function.ThrowingFunction;
import dev.weft.scope.TaskFailedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Resilience4j circuit breakers on Weft's components, data flow operations and retries. The breakers are
 * Resilience4j's own ({@code CircuitBreaker.of(name, config)}, or from a {@code CircuitBreakerRegistry}, which
 * {@code dev.weft.metrics.BreakerMeters} binds to Micrometer): their configuration (failure rate threshold, sliding
 * window, minimum calls, wait in the open state, trial calls when half open, which exceptions count, the clock) is
 * Resilience4j's {@code CircuitBreakerConfig}.
 *
 * {@snippet :
 * CircuitBreaker payments = CircuitBreaker.of("payments", CircuitBreakerConfig.custom()
 *         .slidingWindowSize(10).minimumNumberOfCalls(5).failureRateThreshold(50)
 *         .waitDurationInOpenState(Duration.ofSeconds(30)).build());
 * // a pipeline stage that sheds load while the payment service is down
 * Component charge = Breakers.transformer("charge", payments, order -> client.charge(order), WhenOpen.reject());
 * // a data flow operation
 * flow.operation(chargeOp, Breakers.operation(payments, chargeImpl));
 * // a retried call that stops retrying once the breaker opens
 * Receipt r = Breakers.retry(payments, 3, Duration.ofMillis(200), () -> client.charge(order));
 * }
 *
 * <p>Every call counts in the breaker as Resilience4j's own decorators count it (a result or an exception, timed by the
 * breaker's clock), except a call ended by interruption or cancellation, which gives its permission back uncounted:
 * a cancelled task says nothing about the dependency's health. Stateless and thread safe.
 */
public final class Breakers {
    private Breakers() {
    }

    /**
     * A {@link BreakerTransformer} named {@code name} (or after its class when null) applying {@code handler} to each
     * message through {@code breaker}, and {@code whenOpen} to each message the open breaker refuses.
     */
    public static BreakerTransformer transformer(String name, CircuitBreaker breaker,
            ThrowingFunction<Object, ?, ? extends Exception> handler, WhenOpen whenOpen) {
        return new BreakerTransformer(name, breaker, handler, whenOpen);
    }

    /** As {@link #transformer(String, CircuitBreaker, ThrowingFunction, WhenOpen)}, named after its class. */
    public static BreakerTransformer transformer(CircuitBreaker breaker,
            ThrowingFunction<Object, ?, ? extends Exception> handler, WhenOpen whenOpen) {
        return new BreakerTransformer(null, breaker, handler, whenOpen);
    }

    /**
     * {@code implementation} with every run through {@code breaker}. While the breaker is open the implementation is
     * not called and the run fails with {@link BreakerOpenException} naming the operation instance and the breaker
     * (its cause Resilience4j's {@code CallNotPermittedException}); a strict run then throws
     * {@link dev.weft.flow.OperationException} with it as the cause, a lenient one logs it and goes on. An operation
     * with {@link dev.weft.flow.Operation#retry()} attempts runs each attempt through the breaker.
     */
    public static OperationImplementation operation(CircuitBreaker breaker, OperationImplementation implementation) {
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(implementation, "implementation");
        return (context, inputs) -> {
            try {
                return Guarded.call(breaker, () -> implementation.run(context, inputs));
            } catch (Guarded.Refused refused) {
                throw new BreakerOpenException("operation instance '" + context.instanceName() + "' (operation '"
                        + context.operation().name() + "', context '" + context.contextName() + "')", breaker,
                        refused.getCause());
            }
        };
    }

    /** {@code entry} with its implementation run through {@code breaker} (see {@link #operation}), for a registry. */
    public static OperationRegistry.Entry operation(CircuitBreaker breaker, OperationRegistry.Entry entry) {
        return new OperationRegistry.Entry(entry.name(), entry.operation(), operation(breaker, entry.implementation()));
    }

    /**
     * {@code task} through {@code breaker}: an open breaker fails the call with {@link BreakerOpenException} naming
     * {@code what} and the breaker.
     *
     * @param what what the task is, for the message (for example {@code "fetch of /orders"})
     */
    public static <T> Callable<T> callable(CircuitBreaker breaker, String what, Callable<? extends T> task) {
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(task, "task");
        return () -> {
            try {
                return Guarded.call(breaker, task::call);
            } catch (Guarded.Refused refused) {
                throw new BreakerOpenException(what, breaker, refused.getCause());
            }
        };
    }

    /**
     * {@link Weft#retry(int, Duration, java.util.function.Predicate, Callable)} with every attempt through
     * {@code breaker}, composed the way Resilience4j composes its Retry with a CircuitBreaker (the retry outside, the
     * breaker inside, the breaker's refusal not retried): each attempt counts in the breaker, and the first attempt
     * the open breaker refuses ends the retries at once, without a backoff.
     *
     * @throws TaskFailedException when every attempt failed, or the breaker refused one: the cause is the last
     *                             failure (a {@link BreakerOpenException} when refused)
     */
    public static <T> T retry(CircuitBreaker breaker, int attempts, Duration backoff, Callable<? extends T> task) {
        return Weft.retry(attempts, backoff, failure -> !(failure instanceof BreakerOpenException),
                callable(breaker, "retried task", task));
    }

    /**
     * The breaker's state in one line, as the live view shows it: {@code breaker 'payments' OPEN: failure rate 60.0%
     * (3 of 5 calls failed), 2 not permitted}. The failure rate shows once the breaker has its minimum number of
     * calls. Reads the breaker's metrics (atomics and a short lock held by Resilience4j): any thread, never blocks
     * for long.
     */
    public static String status(CircuitBreaker breaker) {
        CircuitBreaker.Metrics m = breaker.getMetrics();
        StringBuilder s = new StringBuilder("breaker '").append(breaker.getName()).append("' ")
                .append(breaker.getState()).append(": ");
        float rate = m.getFailureRate();
        if (rate >= 0) {
            s.append("failure rate ").append(String.format(Locale.ROOT, "%.1f%%", rate)).append(" (");
        }
        s.append(m.getNumberOfFailedCalls()).append(" of ").append(m.getNumberOfBufferedCalls())
                .append(" calls failed");
        if (rate >= 0) {
            s.append(')');
        }
        s.append(", ").append(m.getNumberOfNotPermittedCalls()).append(" not permitted");
        return s.toString();
    }
}
