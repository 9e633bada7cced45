package dev.weft.lock;

/**
 * Thrown at once by {@link LockSet#acquire(java.time.Duration)} when the calling thread already holds a lock that comes
 * at or after a lock it now asks for in the global order (rank, then creation id): taking it could deadlock, so it is
 * refused before any waiting. Nothing is taken by the refused acquisition. Use {@link LockSet#allowingOutOfOrder()}
 * to rely on the timeout instead.
 */
public final class LockOrderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient OrderedLock held;
    private final transient OrderedLock requested;

    LockOrderException(OrderedLock held, OrderedLock requested) {
        super("lock order violation: thread '" + Thread.currentThread().getName() + "' holds lock " + held
                + " and asks for lock " + requested + ", which does not come after it; take locks in ascending rank,"
                + " in one LockSet, or use LockSet.allowingOutOfOrder()");
        this.held = held;
        this.requested = requested;
    }

    /** The highest lock the thread held. */
    public OrderedLock held() {
        return held;
    }

    /** The lock it asked for out of order. */
    public OrderedLock requested() {
        return requested;
    }
}
