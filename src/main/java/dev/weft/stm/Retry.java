package dev.weft.stm;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * How {@link Store#atomically} runs a transaction again after a {@link ConcurrentUpdateException}: at most
 * {@link #maxAttempts()} attempts, with an exponential back-off between them ("full jitter": a random pause up to
 * {@code initial × 2^(failures − 1)}, capped at {@code max}), so that transactions that keep colliding spread out
 * instead of colliding again in step. Pauses under about 20 µs only yield the thread (parking costs more than
 * that); longer ones park it, which on a virtual thread frees its carrier. Immutable and thread safe.
 *
 * <pre>{@code
 * store.atomically(Retry.attempts(10).withBackoff(Duration.ofNanos(500), Duration.ofMillis(5)), tx -> ...);
 * }</pre>
 */
public final class Retry {
    /** Pauses shorter than this yield instead of parking. */
    private static final long YIELD_BELOW_NANOS = 20_000;
    private static final Retry DEFAULTS = new Retry(100, 1_000, 1_000_000);

    private final int maxAttempts;
    private final long initialNanos;
    private final long maxNanos;

    private Retry(int maxAttempts, long initialNanos, long maxNanos) {
        this.maxAttempts = maxAttempts;
        this.initialNanos = initialNanos;
        this.maxNanos = maxNanos;
    }

    /** 100 attempts, back-off from 1 µs doubling up to 1 ms. */
    public static Retry defaults() {
        return DEFAULTS;
    }

    /** The defaults with at most {@code maxAttempts} attempts. */
    public static Retry attempts(int maxAttempts) {
        return DEFAULTS.withMaxAttempts(maxAttempts);
    }

    /**
     * At most {@code maxAttempts} attempts (1: no retry).
     *
     * @throws IllegalArgumentException if {@code maxAttempts < 1}
     */
    public Retry withMaxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("a Retry needs maxAttempts >= 1, got " + maxAttempts);
        }
        return new Retry(maxAttempts, initialNanos, maxNanos);
    }

    /**
     * Back-off starting at up to {@code initial} after the first failure, doubling per failure, never more than
     * {@code max}.
     *
     * @throws IllegalArgumentException if either is negative or {@code initial > max}
     */
    public Retry withBackoff(Duration initial, Duration max) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || max.isNegative() || initial.compareTo(max) > 0) {
            throw new IllegalArgumentException("a Retry's back-off needs 0 <= initial <= max, got " + initial
                    + " and " + max);
        }
        return new Retry(maxAttempts, initial.toNanos(), max.toNanos());
    }

    /** Attempts again at once, without pausing. */
    public Retry withoutBackoff() {
        return new Retry(maxAttempts, 0, 0);
    }

    /** The most attempts, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The cap of the back-off before the first retry. */
    public Duration initialBackoff() {
        return Duration.ofNanos(initialNanos);
    }

    /** The cap of any back-off. */
    public Duration maxBackoff() {
        return Duration.ofNanos(maxNanos);
    }

    /** Pauses after the {@code failures}-th failed attempt (1 or more). */
    void pause(int failures) throws InterruptedException {
        if (maxNanos == 0) {
            return;
        }
        int shift = Math.min(failures - 1, 40);
        long cap = Math.min(maxNanos, initialNanos << shift);
        long nanos = cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1);
        if (nanos < YIELD_BELOW_NANOS) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(this, nanos);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while backing off before attempt " + (failures + 1));
        }
    }

    /** {@code "Retry[100 attempts, back-off 1 µs..1 ms]"}. */
    @Override
    public String toString() {
        return "Retry[" + maxAttempts + " attempts, " + (maxNanos == 0 ? "no back-off"
                : "back-off " + Duration.ofNanos(initialNanos) + ".." + Duration.ofNanos(maxNanos)) + "]";
    }
}
