package dev.weft.scope;

import dev.weft.metrics.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Immutable options for opening a {@link Scope}. Start from {@link #defaults()} or {@link #named(String)} and chain
 * the {@code with…} methods, each of which returns a new instance:
 *
 * {@snippet :
 * var options = ScopeOptions.named("download").withTimeout(Duration.ofSeconds(5)).withMaxConcurrency(100);
 * }
 *
 * @param name             the scope's name, a segment of {@link dev.weft.Weft#context() context} paths; {@code null}
 *                         for an unnamed scope, which adds no path segment
 * @param timeout          time from opening after which the scope is cancelled; {@code null} for none
 * @param deadline         instant after which the scope is cancelled; {@code null} for none. With both a timeout and a
 *                         deadline, the earlier wins
 * @param maxConcurrency   at most this many tasks run at once; {@code fork} parks the owner (a virtual thread parks
 *                         without holding a carrier) until one ends. {@link Integer#MAX_VALUE} for no limit
 * @param closeGracePeriod how long {@link Scope#close()} waits for cancelled tasks before it logs, by name, which ones
 *                         it is still waiting for (and again each time the period doubles)
 * @param metrics          where the scope and its tasks record their counts, timings and gauges (see
 *                         {@link Metrics} for the meters); {@code null} to inherit the enclosing scope's (or the
 *                         forking task's scope's), and to record nothing when there is none. Meters are tagged
 *                         {@code scope} with the scope's name unless these metrics already carry a {@code scope}
 *                         tag. With no metrics the scope's hot paths pay one null check
 */
public record ScopeOptions(String name, Duration timeout, Instant deadline, int maxConcurrency,
                           Duration closeGracePeriod, Metrics metrics) {

    private static final ScopeOptions DEFAULTS =
            new ScopeOptions(null, null, null, Integer.MAX_VALUE, Duration.ofSeconds(5), null);

    /**
     * Options without metrics of their own (inherited, or none); kept for callers of the record before metrics.
     *
     * @throws IllegalArgumentException as the canonical constructor
     * @throws NullPointerException     as the canonical constructor
     */
    public ScopeOptions(String name, Duration timeout, Instant deadline, int maxConcurrency,
                        Duration closeGracePeriod) {
        this(name, timeout, deadline, maxConcurrency, closeGracePeriod, null);
    }

    /**
     * @throws IllegalArgumentException for a blank name, a negative timeout, a limit below 1 or a non-positive grace
     *                                  period, naming the option, its value and the scope
     * @throws NullPointerException     for a null grace period
     */
    public ScopeOptions {
        String scope = name == null ? "(unnamed scope)" : "scope '" + name + "'";
        if (name != null && (name.isBlank() || name.contains("/"))) {
            throw new IllegalArgumentException("scope name must be non-blank and contain no '/', got '" + name + "'");
        }
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("timeout of " + scope + " must not be negative, got " + timeout);
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException(
                    "maxConcurrency of " + scope + " must be at least 1, got " + maxConcurrency);
        }
        Objects.requireNonNull(closeGracePeriod, () -> "closeGracePeriod of " + scope);
        if (closeGracePeriod.isNegative() || closeGracePeriod.isZero()) {
            throw new IllegalArgumentException(
                    "closeGracePeriod of " + scope + " must be positive, got " + closeGracePeriod);
        }
    }

    /** Unnamed, no timeout, no concurrency limit, a 5 s close grace period. */
    public static ScopeOptions defaults() {
        return DEFAULTS;
    }

    /** The defaults with a name. */
    public static ScopeOptions named(String name) {
        return DEFAULTS.withName(Objects.requireNonNull(name, "name"));
    }

    /** A copy with this name ({@code null} for unnamed). */
    public ScopeOptions withName(String name) {
        return new ScopeOptions(name, timeout, deadline, maxConcurrency, closeGracePeriod, metrics);
    }

    /** A copy with this timeout, counted from the scope's opening; {@code null} removes it. */
    public ScopeOptions withTimeout(Duration timeout) {
        return new ScopeOptions(name, timeout, deadline, maxConcurrency, closeGracePeriod, metrics);
    }

    /** A copy with this deadline; {@code null} removes it. */
    public ScopeOptions withDeadline(Instant deadline) {
        return new ScopeOptions(name, timeout, deadline, maxConcurrency, closeGracePeriod, metrics);
    }

    /** A copy that runs at most {@code maxConcurrency} tasks at once. */
    public ScopeOptions withMaxConcurrency(int maxConcurrency) {
        return new ScopeOptions(name, timeout, deadline, maxConcurrency, closeGracePeriod, metrics);
    }

    /** A copy with this close grace period. */
    public ScopeOptions withCloseGracePeriod(Duration closeGracePeriod) {
        return new ScopeOptions(name, timeout, deadline, maxConcurrency, closeGracePeriod, metrics);
    }

    /**
     * A copy that records into {@code metrics}; {@code null} inherits the enclosing scope's, if any.
     * {@link Metrics#none()} turns recording off for this scope (and scopes nested in it that inherit).
     */
    public ScopeOptions withMetrics(Metrics metrics) {
        return new ScopeOptions(name, timeout, deadline, maxConcurrency, closeGracePeriod, metrics);
    }

    /** The effective timeout at {@code openedAt}: the earlier of timeout and deadline, or {@code null}. */
    Duration effectiveTimeout(Instant openedAt) {
        Duration byDeadline = deadline == null ? null : Duration.between(openedAt, deadline);
        if (byDeadline != null && byDeadline.isNegative()) {
            byDeadline = Duration.ZERO;
        }
        if (timeout == null) {
            return byDeadline;
        }
        return byDeadline == null || timeout.compareTo(byDeadline) <= 0 ? timeout : byDeadline;
    }
}
