package dev.weft.lock;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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

    private static final VarHandle HOLDER_THREAD;

    static {
        try {
            HOLDER_THREAD = MethodHandles.lookup().findVarHandle(OrderedLock.class, "holderThread", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final long rank;
    private final long id;

    // Who holds this lock through a LockSet, written only by that thread while it holds the lock (so never by two
    // threads at once) and read racily by observers: Locks.snapshot and LockTimeoutException messages. Kept in the
    // lock itself, whose cache line the holder owns anyway, so that acquiring does not write to any shared map.
    // holderThread is published last (release) and cleared first; a reader checks it before and after reading the
    // other two, so a torn read is at worst a stale but self-consistent view.
    private transient Thread holderThread;
    private transient String holderPath;
    private transient long heldSinceNanos;

    /**
     * A non-fair lock ranked in creation order.
     *
     * @throws IllegalArgumentException if {@code name} is null or blank
     */
    public OrderedLock(String name) {
        this(name, false);
    }

    /**
     * A lock ranked in creation order, fair if {@code fair}.
     *
     * @throws IllegalArgumentException if {@code name} is null or blank
     */
    @SuppressWarnings("this-escape") // see register()
    public OrderedLock(String name, boolean fair) {
        super(fair);
        this.name = checkName(name);
        this.id = IDS.incrementAndGet();
        this.rank = id;
        register();
    }

    /**
     * A non-fair lock with an explicit rank.
     *
     * @throws IllegalArgumentException if {@code name} is null or blank
     */
    public OrderedLock(String name, long rank) {
        this(name, rank, false);
    }

    /**
     * A lock with an explicit rank, fair if {@code fair}.
     *
     * @throws IllegalArgumentException if {@code name} is null or blank
     */
    @SuppressWarnings("this-escape") // see register()
    public OrderedLock(String name, long rank, boolean fair) {
        super(fair);
        this.name = checkName(name);
        this.id = IDS.incrementAndGet();
        this.rank = rank;
        register();
    }

    /**
     * Adds this lock, weakly, to the registry that {@link Locks#snapshot()} walks. Benign escape of {@code this}: the
     * registry only ever reads a lock's final name/rank/id (set above) and its holder fields, which stay null until a
     * LockSet acquires the lock, which cannot happen before construction completes.
     */
    private void register() {
        Registry.register(this);
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

    /** Records the current thread as the LockSet holder; called by it right after its first hold. */
    void recordHolder(String path, long sinceNanos) {
        heldSinceNanos = sinceNanos;
        holderPath = path;
        HOLDER_THREAD.setRelease(this, Thread.currentThread());
    }

    /** Forgets the LockSet holder; called by it right before its last unlock. */
    void clearHolder() {
        HOLDER_THREAD.setRelease(this, (Thread) null);
    }

    /** The LockSet holder as recorded: thread, scope path and since when. */
    record Recorded(Thread thread, String path, long sinceNanos) {
    }

    /** A consistent (if possibly stale) view of the recorded LockSet holder, or null if there is none. */
    Recorded recorded() {
        for (int attempt = 0; attempt < 8; attempt++) {
            Thread before = (Thread) HOLDER_THREAD.getAcquire(this);
            if (before == null) {
                return null;
            }
            String path = holderPath;
            long since = heldSinceNanos;
            VarHandle.loadLoadFence(); // the two reads above complete before the re-check below
            if (HOLDER_THREAD.getOpaque(this) == before) {
                return new Recorded(before, path, since);
            }
        }
        return null; // changing hands very fast: report nothing rather than a torn view
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
