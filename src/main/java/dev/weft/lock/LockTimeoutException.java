package dev.weft.lock;

import java.time.Duration;

/**
 * Thrown by {@link LockSet#acquire(Duration)} when the deadline passed before every lock was taken; by then every lock
 * that acquisition took has been released again. Names the lock waited for, the thread holding it (and its Weft scope
 * path, as recorded when it acquired the lock through a {@link LockSet}), and how long the caller waited.
 *
 * <p>Its one subclass, {@link DeadlockException}, is thrown when a {@link DeadlockDetector} ended the wait early
 * because it was part of a deadlock: the outcome for the caller is the same (nothing held, the lock not got in time,
 * since it never would have been), so code that handles a timeout handles a broken deadlock too.
 */
public sealed class LockTimeoutException extends RuntimeException permits DeadlockException {
    private static final long serialVersionUID = 1L;

    private final transient OrderedLock lock;
    private final String holderThread;
    private final String holderPath;
    private final Duration waited;

    LockTimeoutException(OrderedLock lock, String holderThread, String holderPath, Duration waited) {
        this("timed out after " + waited + " waiting for lock " + lock + "; held by "
                + (holderThread == null ? "no thread (released meanwhile)" : "thread '" + holderThread + "'")
                + (holderPath == null || holderPath.isEmpty() ? "" : " at scope path '" + holderPath + "'"),
                lock, holderThread, holderPath, waited);
    }

    /** For {@link DeadlockException}: its own message, the same fields. */
    LockTimeoutException(String message, OrderedLock lock, String holderThread, String holderPath, Duration waited) {
        super(message);
        this.lock = lock;
        this.holderThread = holderThread;
        this.holderPath = holderPath;
        this.waited = waited;
    }

    /**
     * The lock that could not be taken in time; for a {@link DeadlockException}, the lock its victim waited for, or
     * {@code null} if the victim waited for something else (room in a component's inbox).
     */
    public OrderedLock lock() {
        return lock;
    }

    /** The name of the thread that held it when the wait ended, or {@code null} if none did by then. */
    public String holderThread() {
        return holderThread;
    }

    /** The holder's Weft scope path, empty outside scopes, or {@code null} if unknown. */
    public String holderPath() {
        return holderPath;
    }

    /** How long the acquisition waited in all. */
    public Duration waited() {
        return waited;
    }
}
