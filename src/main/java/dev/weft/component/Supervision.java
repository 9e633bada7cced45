package dev.weft.component;

import java.time.Duration;
import java.util.Objects;

/**
 * What an {@link Actor} does when a message fails it (a {@code tell} throws, or an {@code ask} throws an
 * {@link Error}): immutable, made by {@link #escalate()} or {@link #restart(int)}.
 *
 * <ul>
 * <li><b>Escalate</b> (the default): the actor fails, and so does its owner: a parent component is stopped at once
 *     (a {@link Shutdown} carrying the failure arrives on its control) and ends failed with the actor's failure; in a
 *     {@link ComponentSystem}, the failure cancels the other components and {@code join}/{@code close} rethrow it.
 * <li><b>Restart</b>: the failing message is dropped, the actor waits a back-off, recreates its state from its
 *     factory, and goes on with the next message in its mailbox (nothing queued is lost). The back-off before restart
 *     {@code n} is {@code initial × 2^(n-1)}, capped at {@code max} ({@link #backoffBefore(int)}). After
 *     {@code maxRestarts} restarts in the actor's life, the next failure escalates, as a
 *     {@link RestartLimitException} carrying it.
 * </ul>
 *
 * <p>A failure while the actor's thread is interrupted (its system or parent is cancelling it) never restarts: the
 * actor ends cancelled.
 */
public final class Supervision {
    private static final Supervision ESCALATE = new Supervision(-1, Duration.ZERO, Duration.ZERO);
    /** Back-off unless told otherwise: short enough not to be noticed, long enough not to spin on a hot failure. */
    static final Duration DEFAULT_INITIAL = Duration.ofMillis(10);
    static final Duration DEFAULT_MAX = Duration.ofSeconds(1);

    private final int maxRestarts;
    private final Duration initial;
    private final Duration max;

    private Supervision(int maxRestarts, Duration initial, Duration max) {
        this.maxRestarts = maxRestarts;
        this.initial = initial;
        this.max = max;
    }

    /** Fail the actor and its owner on the first failure. */
    public static Supervision escalate() {
        return ESCALATE;
    }

    /**
     * Restart up to {@code maxRestarts} times (then escalate), backing off 10 ms, doubling, at most 1 s.
     *
     * @throws IllegalArgumentException if {@code maxRestarts} is negative
     */
    public static Supervision restart(int maxRestarts) {
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("an actor's restart limit must be >= 0, got " + maxRestarts);
        }
        return new Supervision(maxRestarts, DEFAULT_INITIAL, DEFAULT_MAX);
    }

    /**
     * The same restart policy with a back-off of {@code initial} before the first restart, doubling, at most
     * {@code max} ({@link Duration#ZERO} twice: restart at once).
     *
     * @throws IllegalStateException on {@link #escalate()}, which never restarts
     * @throws IllegalArgumentException if a duration is negative or {@code max < initial}
     */
    public Supervision withBackoff(Duration initial, Duration max) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (!restarts()) {
            throw new IllegalStateException("escalate never restarts, so it has no back-off; use restart(n)");
        }
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("back-off needs 0 <= initial <= max, got initial " + initial
                    + ", max " + max);
        }
        return new Supervision(maxRestarts, initial, max);
    }

    /** Whether failures restart the actor (until the limit) rather than escalate at once. */
    public boolean restarts() {
        return maxRestarts >= 0;
    }

    /** The most restarts in the actor's life; -1 for {@link #escalate()}. */
    public int maxRestarts() {
        return maxRestarts;
    }

    /**
     * The back-off before restart number {@code restart} (1 for the first): {@code initial × 2^(restart-1)}, capped
     * at the maximum. A pure function, so a test can check the schedule without timing anything.
     */
    public Duration backoffBefore(int restart) {
        if (restart < 1) {
            throw new IllegalArgumentException("restarts count from 1, got " + restart);
        }
        if (initial.isZero()) {
            return Duration.ZERO;
        }
        int doublings = Math.min(restart - 1, 62);
        Duration d = initial;
        for (int i = 0; i < doublings && d.compareTo(max) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(max) > 0 ? max : d;
    }

    /** {@code "escalate"} or {@code "restart(3, back-off 10ms..1s)"}. */
    @Override
    public String toString() {
        return restarts() ? "restart(" + maxRestarts + ", back-off " + initial + ".." + max + ")" : "escalate";
    }
}
