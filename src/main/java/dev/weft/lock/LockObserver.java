package dev.weft.lock;

/**
 * A hook that watches the acquisitions of a {@link LockSet}, attached with {@link LockSet#withObserver(LockObserver)}.
 * The lock package knows nothing of what an observer does; {@code dev.weft.metrics.Metrics} is one (timer
 * {@code weft.lock.wait} by outcome, counter {@code weft.lock.timeouts}).
 *
 * <p>Threads: {@link #attached()} is called once by the thread that calls {@code withObserver}; a {@link Probe}'s
 * methods by every thread that acquires through the set, concurrently. Implementations must be thread safe, quick,
 * and must not block or throw: they run on every acquisition. A set with no observer pays one null check.
 */
@FunctionalInterface
public interface LockObserver {

    /** The observer was attached to a lock set: returns what watches its acquisitions, or {@code null} for nothing. */
    Probe attached();

    /** What one lock set reports, each with the time the acquisition waited (zero when every lock was free). */
    interface Probe {
        /** Every lock of the set was taken. */
        void acquired(long waitNanos);

        /** The timeout passed first; the acquisition released what it took and threw {@link LockTimeoutException}. */
        void timedOut(long waitNanos);

        /** The thread was interrupted while waiting; the acquisition released what it took. */
        void interrupted(long waitNanos);
    }
}
