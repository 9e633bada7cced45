package dev.weft.component;

import dev.weft.scope.Priority;
import java.time.Duration;
import java.util.Objects;

/**
 * A message with a {@link Priority} and, optionally, a deadline: what a sender wraps a message in for a priority
 * inbox ({@link Component#addPriorityInbox(String, PriorityInboxOptions)}). The priority inbox serves higher levels
 * first and, within a level, the earliest deadline first (messages without a deadline after those with one, in
 * arrival order), and hands the receiver the bare {@link #message()}. Any other inbox treats the envelope as an
 * ordinary message and delivers it whole, so a priority travels with its message through plain stages until a
 * priority inbox unwraps it.
 *
 * <pre>{@code
 * send(Prioritized.of(alarm, Priority.HIGH).withDeadlineIn(Duration.ofMillis(50)));
 * }</pre>
 *
 * <p>Immutable and thread safe. The deadline is fixed when {@link #withDeadlineIn(Duration)} is called, on the
 * {@link System#nanoTime()} clock of this JVM.
 */
public final class Prioritized {
    /** The deadline of a message that has none: served after every message with one, at its level. */
    private static final long NONE = Long.MAX_VALUE;

    private final Object message;
    private final Priority priority;
    private final long deadlineNanos;
    private final boolean hasDeadline;

    private Prioritized(Object message, Priority priority, long deadlineNanos, boolean hasDeadline) {
        this.message = message;
        this.priority = priority;
        this.deadlineNanos = deadlineNanos;
        this.hasDeadline = hasDeadline;
    }

    /**
     * {@code message} at {@code priority}, without a deadline.
     *
     * @throws NullPointerException if either is null
     */
    public static Prioritized of(Object message, Priority priority) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(priority, "priority");
        if (message instanceof Prioritized) {
            throw new IllegalArgumentException("a Prioritized message wraps another Prioritized: " + message);
        }
        return new Prioritized(message, priority, NONE, false);
    }

    /**
     * This message with a deadline {@code timeout} from now (within its level, earlier deadlines are served first).
     *
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public Prioritized withDeadlineIn(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("deadline of message " + message + " must not be in the past, got "
                    + timeout);
        }
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException tooFar) {
            nanos = Long.MAX_VALUE / 2; // some 146 years: as good as none, but still ordered before "none"
        }
        return new Prioritized(message, priority, System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 2), true);
    }

    /** The message the receiver gets. */
    public Object message() {
        return message;
    }

    /** The priority. */
    public Priority priority() {
        return priority;
    }

    /** Whether a deadline was set. */
    public boolean hasDeadline() {
        return hasDeadline;
    }

    /** The deadline on the {@link System#nanoTime()} clock; meaningful only if {@link #hasDeadline()}. */
    long deadlineNanos() {
        return deadlineNanos;
    }

    @Override
    public String toString() {
        return message + " (" + priority + (hasDeadline ? ", deadline in "
                + Duration.ofNanos(deadlineNanos - System.nanoTime()) : "") + ")";
    }
}
