package dev.weft.lock;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A named {@link ReentrantLock} with a stable place in one global lock order, for use with {@link LockSet}.
 *
 * <p>The order is by {@linkplain #rank() rank}, then by a unique creation id, so it is total: two distinct locks are
 * never equal in it. {@code new OrderedLock("name")} takes the next rank from a global counter (creation order);
 * {@code new OrderedLock("name", rank)} fixes it. Being a {@code ReentrantLock}, it can still be used directly
 * ({@code lock()}, {@code isLocked()}, conditions); only acquisitions through {@link LockSet} are ordered, timed,
 * checked and shown in {@link Locks#snapshot()}. Thread safe; its memory effects are those of {@code ReentrantLock}.
 */
public class OrderedLock extends ReentrantLock implements Comparable<OrderedLock> {
    private static final long serialVersionUID = 1L;
    private static final AtomicLong IDS = new AtomicLong();

    private final String name;
    private final long rank;
    private final long id;

    /** A non-fair lock ranked in creation order. */
    public OrderedLock(String name) {
        this(name, false);
    }

    /** A lock ranked in creation order, fair if {@code fair}. */
    public OrderedLock(String name, boolean fair) {
        super(fair);
        this.name = checkName(name);
        this.id = IDS.incrementAndGet();
        this.rank = id;
    }

    /** A non-fair lock with an explicit rank. */
    public OrderedLock(String name, long rank) {
        this(name, rank, false);
    }

    /** A lock with an explicit rank, fair if {@code fair}. */
    public OrderedLock(String name, long rank, boolean fair) {
        super(fair);
        this.name = checkName(name);
        this.id = IDS.incrementAndGet();
        this.rank = rank;
    }

    private static String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an OrderedLock needs a non-blank name");
        }
        return name;
    }

    /** The lock's name, used in messages and snapshots. */
    public String name() {
        return name;
    }

    /** The lock's rank: lower ranks are taken first. */
    public long rank() {
        return rank;
    }

    /** The unique creation id that breaks ties between equal ranks. */
    public long id() {
        return id;
    }

    /** The thread holding this lock, or {@code null}; a best-effort, racy view like {@link #getOwner()}. */
    public Thread holder() {
        return getOwner();
    }

    /** Compares by rank, then creation id: the global acquisition order. */
    @Override
    public int compareTo(OrderedLock other) {
        int c = Long.compare(rank, other.rank);
        return c != 0 ? c : Long.compare(id, other.id);
    }

    @Override
    public String toString() {
        return "'" + name + "' (rank " + rank + ")";
    }
}
