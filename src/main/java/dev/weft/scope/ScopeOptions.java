package dev.weft.scope;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Immutable options for opening a {@link Scope}. Start from {@link #defaults()} or {@link #named(String)} and chain
 * the {@code with…} methods, each of which returns a new instance (there is no public constructor, so an option can be
 * added without breaking callers):
 *
 * {@snippet :
 * var options = ScopeOptions.named("download").withTimeout(Duration.ofSeconds(5)).withMaxConcurrency(100);
 * }
 *
 * <ul>
 *   <li>{@link #name()}: the scope's name, a segment of {@link dev.weft.Weft#context() context} paths; {@code null}
 *       for an unnamed scope, which adds no path segment.</li>
 *   <li>{@link #timeout()}: time from opening after which the scope is cancelled; {@code null} for none.</li>
 *   <li>{@link #deadline()}: instant after which the scope is cancelled; {@code null} for none. With both a timeout
 *       and a deadline, the earlier wins.</li>
 *   <li>{@link #maxConcurrency()}: at most this many tasks run at once; {@code fork} parks the owner (a virtual thread
 *       parks without holding a carrier) until one ends. {@link Integer#MAX_VALUE} for no limit. Waiting forks are
 *       admitted by {@link Priority}: see {@link Scope#fork(String, Priority, java.util.concurrent.Callable)}.</li>
 *   <li>{@link #concurrencyLimit()}: a limit that moves while the scope runs (an adaptive one, say), under the
 *       ceiling of {@code maxConcurrency}; {@code null} for none.</li>
 *   <li>{@link #maxWaitingForks()}: at most this many prioritised forks wait for a slot on threads of their own
 *       before {@code fork} parks the owner; as many as {@code maxConcurrency} unless set.</li>
 *   <li>{@link #closeGracePeriod()}: how long {@link Scope#close()} waits for cancelled tasks before it logs, by name,
 *       which ones it is still waiting for (and again each time the period doubles).</li>
 *   <li>{@link #observer()}: a hook that watches the scope and its tasks (metrics, for example:
 *       {@code withObserver(Metrics.of(registry))}); {@code null} to inherit the enclosing scope's (or the forking
 *       task's scope's), and to watch nothing when there is none.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread safe; {@code equals} compares every option.
 */
public final class ScopeOptions {

    private static final ScopeOptions DEFAULTS =
            new ScopeOptions(null, null, null, Integer.MAX_VALUE, 0, Duration.ofSeconds(5), null, null);

    private final String name;
    private final Duration timeout;
    private final Instant deadline;
    private final int maxConcurrency;
    /** 0: the default, as many as {@link #maxConcurrency}. */
    private final int maxWaitingForks;
    private final Duration closeGracePeriod;
    private final ScopeObserver observer;
    private final ConcurrencyLimit limit;

    /**
     * @throws IllegalArgumentException for a blank name, a negative timeout, a limit below 1 or a non-positive grace
     *                                  period, naming the option, its value and the scope (a waiting bound below 1
     *                                  is refused by {@link #withMaxWaitingForks}, 0 here meaning the default)
     * @throws NullPointerException     for a null grace period
     */
    private ScopeOptions(String name, Duration timeout, Instant deadline, int maxConcurrency, int maxWaitingForks,
                         Duration closeGracePeriod, ScopeObserver observer, ConcurrencyLimit limit) {
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
        this.name = name;
        this.timeout = timeout;
        this.deadline = deadline;
        this.maxConcurrency = maxConcurrency;
        this.maxWaitingForks = maxWaitingForks;
        this.closeGracePeriod = closeGracePeriod;
        this.observer = observer;
        this.limit = limit;
    }

    /**
     * Unnamed, no timeout, no concurrency limit (and as many waiting forks as the limit), a 5 s close grace period,
     * no observer of its own.
     */
    public static ScopeOptions defaults() {
        return DEFAULTS;
    }

    /** The defaults with a name. */
    public static ScopeOptions named(String name) {
        return DEFAULTS.withName(Objects.requireNonNull(name, "name"));
    }

    /** A copy with this name ({@code null} for unnamed). */
    public ScopeOptions withName(String name) {
        return new ScopeOptions(name, timeout, deadline, maxConcurrency, maxWaitingForks, closeGracePeriod, observer,
                limit);
    }

    /** A copy with this timeout, counted from the scope's opening; {@code null} removes it. */
    public ScopeOptions withTimeout(Duration timeout) {
        return new ScopeOptions(name, timeout, deadline, maxConcurrency, maxWaitingForks, closeGracePeriod, observer,
                limit);
    }

    /** A copy with this deadline; {@code null} removes it. */
    public ScopeOptions withDeadline(Instant deadline) {
        return new ScopeOptions(name, timeout, deadline, maxConcurrency, maxWaitingForks, closeGracePeriod, observer,
                limit);
    }

    /** A copy that runs at most {@code maxConcurrency} tasks at once. */
    public ScopeOptions withMaxConcurrency(int maxConcurrency) {
        return new ScopeOptions(name, timeout, deadline, maxConcurrency, maxWaitingForks, closeGracePeriod, observer,
                limit);
    }

    /**
     * A copy in which at most {@code maxWaitingForks} forks made with a {@link Priority} wait for a concurrency slot on
     * threads of their own; the next one parks the owner in {@code fork}, already in the admission order, until one of
     * them is admitted (or its own turn comes). The default is {@link #maxConcurrency()}: a scope then has at most
     * twice that many tasks running or waiting at once. Has no effect without a concurrency limit.
     *
     * @throws IllegalArgumentException if {@code maxWaitingForks < 1}, naming the scope
     */
    public ScopeOptions withMaxWaitingForks(int maxWaitingForks) {
        if (maxWaitingForks < 1) {
            throw new IllegalArgumentException("maxWaitingForks of " + (name == null ? "(unnamed scope)"
                    : "scope '" + name + "'") + " must be at least 1, got " + maxWaitingForks);
        }
        return new ScopeOptions(name, timeout, deadline, maxConcurrency, maxWaitingForks, closeGracePeriod, observer,
                limit);
    }

    /**
     * A copy whose concurrency limit moves while the scope runs: at most {@code limit.current()} tasks run at once
     * (and never more than {@link #maxConcurrency()}, which stays a ceiling), re-read on every fork and task end; see
     * {@link ConcurrencyLimit}. {@code null} removes it: the fixed {@link #maxConcurrency()} alone.
     */
    public ScopeOptions withConcurrencyLimit(ConcurrencyLimit limit) {
        return new ScopeOptions(name, timeout, deadline, maxConcurrency, maxWaitingForks, closeGracePeriod, observer,
                limit);
    }

    /** A copy with this close grace period. */
    public ScopeOptions withCloseGracePeriod(Duration closeGracePeriod) {
        return new ScopeOptions(name, timeout, deadline, maxConcurrency, maxWaitingForks, closeGracePeriod, observer,
                limit);
    }

    /**
     * A copy watched by {@code observer}, which scopes nested in it inherit; {@code null} inherits the enclosing
     * scope's, if any. An observer whose {@link ScopeObserver#opened} returns {@code null} (such as
     * {@code Metrics.none()}) turns watching off for this scope and those that inherit it.
     */
    public ScopeOptions withObserver(ScopeObserver observer) {
        return new ScopeOptions(name, timeout, deadline, maxConcurrency, maxWaitingForks, closeGracePeriod, observer,
                limit);
    }

    /** The scope's name, or {@code null} if unnamed. */
    public String name() {
        return name;
    }

    /** The timeout counted from the scope's opening, or {@code null}. */
    public Duration timeout() {
        return timeout;
    }

    /** The deadline, or {@code null}. */
    public Instant deadline() {
        return deadline;
    }

    /** At most this many tasks run at once ({@link Integer#MAX_VALUE}: no limit). */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    /**
     * At most this many prioritised forks wait for a slot on threads of their own (see
     * {@link #withMaxWaitingForks(int)}); {@link #maxConcurrency()} unless set.
     */
    public int maxWaitingForks() {
        return maxWaitingForks == 0 ? maxConcurrency : maxWaitingForks;
    }

    /** How long close waits before it logs the tasks it still waits for. */
    public Duration closeGracePeriod() {
        return closeGracePeriod;
    }

    /** The scope's own observer, or {@code null} to inherit. */
    public ScopeObserver observer() {
        return observer;
    }

    /** The limit that moves while the scope runs, or {@code null} for the fixed {@link #maxConcurrency()} alone. */
    public ConcurrencyLimit concurrencyLimit() {
        return limit;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScopeOptions other && Objects.equals(name, other.name)
                && Objects.equals(timeout, other.timeout) && Objects.equals(deadline, other.deadline)
                && maxConcurrency == other.maxConcurrency && maxWaitingForks == other.maxWaitingForks
                && closeGracePeriod.equals(other.closeGracePeriod)
                && Objects.equals(observer, other.observer) && Objects.equals(limit, other.limit);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, timeout, deadline, maxConcurrency, maxWaitingForks, closeGracePeriod, observer,
                limit);
    }

    @Override
    public String toString() {
        return "ScopeOptions[name=" + name + ", timeout=" + timeout + ", deadline=" + deadline + ", maxConcurrency="
                + (maxConcurrency == Integer.MAX_VALUE ? "unbounded" : maxConcurrency)
                + (maxWaitingForks == 0 ? "" : ", maxWaitingForks=" + maxWaitingForks) + ", closeGracePeriod="
                + closeGracePeriod + ", observer=" + observer
                + (limit == null ? "" : ", concurrencyLimit=" + limit) + "]";
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
