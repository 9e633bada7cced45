package dev.weft.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import dev.weft.scope.TaskFailedException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The breaker's life through Weft's decorations, driven by a hand-moved clock (no sleeps): it opens at the failure
 * threshold, refuses while open, half-opens once the wait passed, closes on successful trial calls; and
 * {@link Breakers#retry} stops at the first refusal.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BreakersTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    /** Count-based window of 4 calls, opens at 50% failures once 4 calls were made, 2 trial calls when half open. */
    static CircuitBreaker breaker(String name, TestClock clock) {
        return CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).slidingWindowSize(4)
                .minimumNumberOfCalls(4).failureRateThreshold(50).waitDurationInOpenState(WAIT)
                .permittedNumberOfCallsInHalfOpenState(2).automaticTransitionFromOpenToHalfOpenEnabled(false)
                .clock(clock).build());
    }

    static Callable<String> failing(AtomicInteger calls) {
        return () -> {
            calls.incrementAndGet();
            throw new IOException("service down");
        };
    }

    @Test
    void opensAtTheThresholdRefusesWhileOpenHalfOpensAfterTheWaitAndClosesOnSuccesses() throws Exception {
        TestClock clock = new TestClock();
        CircuitBreaker cb = breaker("svc", clock);
        AtomicInteger calls = new AtomicInteger();
        Callable<String> bad = Breakers.callable(cb, "call of svc", failing(calls));
        Callable<String> good = Breakers.callable(cb, "call of svc", () -> {
            calls.incrementAndGet();
            return "ok";
        });

        assertThat(good.call()).isEqualTo("ok");
        assertThat(good.call()).isEqualTo("ok");
        assertThatThrownBy(bad::call).isInstanceOf(IOException.class);
        assertThat(cb.getState()).as("1 of 3 failed, and fewer than 4 calls").isEqualTo(State.CLOSED);
        assertThatThrownBy(bad::call).isInstanceOf(IOException.class);
        assertThat(cb.getState()).as("2 of 4 failed: 50%, the threshold").isEqualTo(State.OPEN);
        assertThat(Breakers.status(cb)).isEqualTo("breaker 'svc' OPEN: failure rate 50.0% (2 of 4 calls failed),"
                + " 0 not permitted");

        // open: refused without calling, the exception names what and the breaker, Resilience4j's as the cause
        assertThatThrownBy(good::call).isInstanceOf(BreakerOpenException.class)
                .hasMessageStartingWith("call of svc not run: circuit breaker 'svc' is OPEN")
                .hasCauseInstanceOf(CallNotPermittedException.class)
                .satisfies(e -> assertThat(((BreakerOpenException) e).breaker()).isEqualTo("svc"));
        assertThat(calls).hasValue(4);
        clock.advance(WAIT.minusSeconds(1));
        assertThatThrownBy(good::call).isInstanceOf(BreakerOpenException.class);
        assertThat(cb.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(2);

        // the wait passed: the next call is a trial call, half open
        clock.advance(Duration.ofSeconds(2));
        assertThat(good.call()).isEqualTo("ok");
        assertThat(cb.getState()).isEqualTo(State.HALF_OPEN);
        assertThat(good.call()).isEqualTo("ok");
        assertThat(cb.getState()).as("2 trial calls, none failed").isEqualTo(State.CLOSED);
        assertThat(calls).hasValue(6);
    }

    @Test
    void aFailedTrialCallOpensItAgain() throws Exception {
        TestClock clock = new TestClock();
        CircuitBreaker cb = breaker("svc", clock);
        cb.transitionToOpenState();
        clock.advance(WAIT.plusSeconds(1));
        AtomicInteger calls = new AtomicInteger();
        Callable<String> bad = Breakers.callable(cb, "call", failing(calls));
        assertThatThrownBy(bad::call).isInstanceOf(IOException.class);
        assertThat(cb.getState()).isEqualTo(State.HALF_OPEN);
        assertThatThrownBy(bad::call).isInstanceOf(IOException.class);
        assertThat(cb.getState()).as("both trial calls failed").isEqualTo(State.OPEN);
    }

    @Test
    void anInterruptedCallGivesItsPermissionBackUncounted() throws Exception {
        CircuitBreaker cb = breaker("svc", new TestClock());
        Callable<String> interrupted = Breakers.callable(cb, "call", () -> {
            throw new InterruptedException("cancelled");
        });
        assertThatThrownBy(interrupted::call).isInstanceOf(InterruptedException.class);
        assertThat(cb.getMetrics().getNumberOfBufferedCalls()).isZero();
        assertThat(cb.getMetrics().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void retryCountsEveryAttemptAndStopsAtTheFirstRefusal() {
        CircuitBreaker cb = CircuitBreaker.of("flaky", CircuitBreakerConfig.custom().slidingWindowSize(2)
                .minimumNumberOfCalls(2).failureRateThreshold(50).build());
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> Breakers.retry(cb, 5, Duration.ZERO, failing(calls)))
                .isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("attempt 3 of 5 failed and is not retried")
                .satisfies(e -> {
                    assertThat(e.getCause()).isInstanceOf(BreakerOpenException.class)
                            .hasMessageStartingWith("retried task not run: circuit breaker 'flaky' is OPEN")
                            .hasCauseInstanceOf(CallNotPermittedException.class);
                    assertThat(e.getSuppressed()).hasSize(2).allSatisfy(s -> assertThat(s)
                            .isInstanceOf(IOException.class));
                });
        assertThat(calls).as("two attempts failed and opened the breaker; the third was refused").hasValue(2);
        assertThat(cb.getState()).isEqualTo(State.OPEN);

        // already open: one refused attempt, the task never runs, no backoff slept (a long one would time out)
        assertThatThrownBy(() -> Breakers.retry(cb, 3, Duration.ofHours(1), failing(calls)))
                .isInstanceOf(TaskFailedException.class).hasCauseInstanceOf(BreakerOpenException.class);
        assertThat(calls).hasValue(2);
    }

    @Test
    void retrySucceedsThroughAClosedBreaker() {
        CircuitBreaker cb = CircuitBreaker.ofDefaults("ok");
        AtomicInteger calls = new AtomicInteger();
        String r = Breakers.retry(cb, 3, Duration.ZERO, () -> {
            if (calls.incrementAndGet() < 3) {
                throw new IOException("not yet");
            }
            return "done";
        });
        assertThat(r).isEqualTo("done");
        assertThat(cb.getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
        assertThat(cb.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
    }

    @Test
    void weftRetryIfEndsAtAFailureItRejects() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> Weft.retry(5, Duration.ZERO, f -> !(f instanceof IllegalStateException), () -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("hopeless");
            }
            throw new IOException("transient");
        })).isInstanceOf(TaskFailedException.class).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("attempt 2 of 5 failed and is not retried");
        assertThat(calls).hasValue(2);
        // the last attempt's failure is the end anyway, rejected or not: same message as without retryIf
        assertThatThrownBy(() -> Weft.retry(1, Duration.ZERO, f -> false, () -> {
            throw new IOException("once");
        })).isInstanceOf(TaskFailedException.class).hasMessageContaining("all 1 attempt(s) failed");
    }

    @Test
    void aCancelledRetryAttemptIsNotCountedAsAFailure() throws Exception {
        CircuitBreaker cb = CircuitBreaker.ofDefaults("slow");
        CountDownLatch started = new CountDownLatch(1);
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                Breakers.retry(cb, 1, Duration.ZERO, () -> {
                    started.countDown();
                    new CountDownLatch(1).await(); // until cancelled
                    return "never";
                });
            } catch (RuntimeException expected) {
                // cancelled
            }
        });
        started.await();
        caller.interrupt();
        caller.join();
        assertThat(cb.getMetrics().getNumberOfBufferedCalls()).isZero();
    }
}
