package dev.weft.lock;

import dev.weft.scope.Scope;
import dev.weft.function.ThrowingSupplier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * An immutable set of {@link OrderedLock}s taken together, in the global lock order, with a deadline:
 *
 * {@snippet :
 * var accounts = LockSet.of(to, from);              // any order; sorted by rank, duplicates folded
 * try (var held = accounts.acquire(Duration.ofSeconds(1))) {
 *     from.debit(amount);
 *     to.credit(amount);
 * }                                                 // released in reverse order
 * }
 *
 * <h2>Acquisition</h2>
 * {@link #acquire(Duration)} takes the locks in ascending (rank, creation id) order, each with
 * {@code tryLock(remaining time)}. If the deadline passes first, it releases every lock it took and throws
 * {@link LockTimeoutException}; if the thread is interrupted while waiting (as when its Weft scope is cancelled), it
 * releases what it took and throws {@link InterruptedException}; if a {@link DeadlockDetector} that breaks deadlocks
 * chose it as the victim of a deadlock, it releases what it took and throws {@link DeadlockException} (a
 * {@link LockTimeoutException}: the wait would have timed out). {@link #acquire()} uses the set's
 * {@linkplain #withDefaultTimeout(Duration) default timeout}, 30 seconds unless set: never infinite.
 *
 * <h2>Order rule</h2>
 * A thread that holds locks taken through LockSets may acquire another set only if every lock in it that the thread
 * does not already hold comes after the highest lock it holds (in rank, then creation-id order); re-acquiring a lock
 * it holds is reentrancy and is allowed. Otherwise acquire throws {@link LockOrderException} at once, taking nothing:
 * with every thread following this rule no cycle of waits, hence no deadlock, can form. A set made with
 * {@link #allowingOutOfOrder()} skips the check and relies on its timeout alone, or on a {@link DeadlockDetector}
 * that breaks deadlocks.
 *
 * <h2>Memory effects and threads</h2>
 * Those of {@link java.util.concurrent.locks.ReentrantLock}: actions before a {@link Held#close()} happen before
 * actions after a later acquisition of the same locks. A {@link Held} must be closed by the thread that acquired it;
 * closing it from another thread throws {@link WrongThreadException}, as a scope's fork, join or close from the wrong
 * thread does. LockSet instances are immutable and thread safe.
 * No path blocks inside {@code synchronized}, so virtual threads never pin.
 */
public final class LockSet {
    /** The default timeout of {@link #acquire()} unless changed with {@link #withDefaultTimeout(Duration)}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final OrderedLock[] locks;
    private final boolean outOfOrder;
    private final Duration defaultTimeout;
    private final LockObserver observer;
    private final LockObserver.Probe probe; // null: watched by nothing, and the fast path pays one null check

    private LockSet(OrderedLock[] locks, boolean outOfOrder, Duration defaultTimeout, LockObserver observer,
                    LockObserver.Probe probe) {
        this.locks = locks;
        this.outOfOrder = outOfOrder;
        this.defaultTimeout = defaultTimeout;
        this.observer = observer;
        this.probe = probe;
    }

    /**
     * A set of the given locks, in any order; duplicates are folded.
     *
     * @throws IllegalArgumentException if no lock is given
     * @throws NullPointerException     if a lock is null
     */
    public static LockSet of(OrderedLock... locks) {
        Objects.requireNonNull(locks, "locks");
        if (locks.length == 0) {
            throw new IllegalArgumentException("a LockSet needs at least one lock");
        }
        TreeSet<OrderedLock> sorted = new TreeSet<>();
        for (OrderedLock l : locks) {
            sorted.add(Objects.requireNonNull(l, "lock"));
        }
        return new LockSet(sorted.toArray(new OrderedLock[0]), false, DEFAULT_TIMEOUT, null, null);
    }

    /** A set of the given locks: see {@link #of(OrderedLock...)}. */
    public static LockSet of(List<? extends OrderedLock> locks) {
        return of(locks.toArray(new OrderedLock[0]));
    }

    /** This set without the order check: acquisitions rely on their timeout alone to end a would-be deadlock. */
    public LockSet allowingOutOfOrder() {
        return new LockSet(locks, true, defaultTimeout, observer, probe);
    }

    /**
     * This set with another default timeout for {@link #acquire()}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public LockSet withDefaultTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            // A zero default would make acquire() a single try, which acquire(Duration.ZERO) says explicitly.
            throw new IllegalArgumentException("default timeout of lock set " + locks() + " must be positive, got "
                    + timeout);
        }
        return new LockSet(locks, outOfOrder, timeout, observer, probe);
    }

    /**
     * This set watched by {@code observer}, which is told of every acquisition's outcome and wait, for example
     * {@code withObserver(Metrics.of(registry).withTags("locks", "db"))} (timer {@code weft.lock.wait} by outcome,
     * counter {@code weft.lock.timeouts}). {@code null}, or an observer whose {@link LockObserver#attached()} returns
     * {@code null} (such as {@code Metrics.none()}): watched by nothing.
     */
    public LockSet withObserver(LockObserver observer) {
        LockObserver.Probe p = observer == null ? null : observer.attached();
        return new LockSet(locks, outOfOrder, defaultTimeout, p == null ? null : observer, p);
    }

    /** The observer that watches this set; {@code null} when none. */
    public LockObserver observer() {
        return observer;
    }

    /** The locks, in acquisition order. */
    public List<OrderedLock> locks() {
        return Collections.unmodifiableList(Arrays.asList(locks));
    }

    /** Whether the order check is skipped. */
    public boolean isOutOfOrderAllowed() {
        return outOfOrder;
    }

    /** The timeout of {@link #acquire()}. */
    public Duration defaultTimeout() {
        return defaultTimeout;
    }

    private static Duration checkTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout: " + timeout);
        }
        return timeout;
    }

    /** {@link #acquire(Duration)} with the {@linkplain #defaultTimeout() default timeout}. */
    public Held acquire() throws InterruptedException {
        return acquire(defaultTimeout);
    }

    /**
     * Takes every lock of the set, in order, within {@code timeout} (zero: try each once). The clock starts at the
     * first lock that is not free at once; taking free locks does not wait. A thread that is already interrupted
     * still gets locks that are free, as with {@link java.util.concurrent.locks.ReentrantLock#tryLock()}; the
     * interrupt ends only a wait.
     *
     * @return the holder, to close (on this thread) to release them
     * @throws LockTimeoutException if the deadline passed; nothing is then held by this call
     * @throws DeadlockException   (a LockTimeoutException) if a deadlock detector broke a deadlock by failing this
     *                              wait; nothing is then held by this call
     * @throws LockOrderException   if the order rule forbids it; nothing is taken
     * @throws InterruptedException if interrupted while waiting; nothing is then held by this call
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public Held acquire(Duration timeout) throws InterruptedException {
        checkTimeout(timeout);
        Registry.Holds mine = Registry.holds();
        if (!outOfOrder && mine.size() > 0) {
            checkOrder(mine);
        }
        // The fast path (every tryLock() succeeds) costs a thread-local read, the scope path, one tryLock per lock
        // and one record (the Held, which the caller needs anyway) pushed on this thread's own stack: no clock read,
        // no write to shared memory but the locks themselves, and as little as possible while the locks are held.
        String path = Scope.currentPath();
        OrderedLock[] ls = locks;
        int n = ls.length;
        int taken = 0;
        Held held;
        try {
            while (taken < n && ls[taken].tryLock()) {
                taken++;
            }
            held = new Held(this, Thread.currentThread(), path, mine);
            held.count = taken;
            mine.push(held);
        } catch (Throwable e) { // an Error (out of memory) before the record exists: let go of what was taken
            unlockFirst(taken);
            throw e;
        }
        if (taken < n) {
            acquireRest(held, taken, timeout); // the slow path
        } else if (probe != null) {
            probe.acquired(0);
        }
        return held;
    }

    /**
     * The slow path: takes the rest of the locks, from {@code taken} on, waiting up to {@code timeout} in all (the
     * clock starts here, at the first lock that was not free at once), recorded as a waiter while it waits. On any
     * failure it releases every lock of this acquisition and forgets it before throwing.
     */
    private void acquireRest(Held held, int taken, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long timeoutNanos = TimeUnit.NANOSECONDS.convert(timeout); // saturates
        try {
            for (; taken < locks.length; taken++) {
                OrderedLock lock = locks[taken];
                if (!lock.tryLock()) {
                    waitFor(held.ownerHolds, lock, held.path, start, timeoutNanos);
                }
                held.count = taken + 1;
            }
        } catch (Throwable e) {
            held.ownerHolds.remove(held);
            unlockFirst(taken);
            if (probe != null) {
                long waited = System.nanoTime() - start;
                if (e instanceof LockTimeoutException) {
                    probe.timedOut(waited);
                } else if (e instanceof InterruptedException) {
                    probe.interrupted(waited);
                }
            }
            throw e;
        }
        if (probe != null) {
            probe.acquired(System.nanoTime() - start);
        }
    }

    /**
     * Waits for {@code lock} until the deadline, recorded as a waiter; returns holding it, or throws. A
     * {@link DeadlockDetector} may fail the wait: it interrupts this thread, and the interrupt (only that one) becomes
     * a {@link DeadlockException}.
     */
    private static void waitFor(Registry.Holds mine, OrderedLock lock, String path, long start, long timeoutNanos)
            throws InterruptedException {
        long now = System.nanoTime();
        long remaining = timeoutNanos - (now - start);
        long w = mine.beginWait(lock, path, now);
        boolean got;
        try {
            got = remaining > 0 && lock.tryLock(remaining, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            DeadlockException broken = mine.endWait(w);
            if (broken != null) { // the detector's interrupt, cleared: its exception instead
                throw broken;
            }
            throw e;
        } catch (Throwable e) {
            mine.endWait(w);
            throw e;
        }
        DeadlockException broken = mine.endWait(w);
        if (broken != null) { // failed by a deadlock detector as the wait ended anyway: a failed wait stays failed
            if (got) {
                lock.unlock();
            }
            throw broken;
        }
        if (!got) {
            Thread holder = lock.holder();
            throw new LockTimeoutException(lock, holder == null ? null : holder.getName(),
                    Registry.pathOf(holder, lock), Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private void checkOrder(Registry.Holds mine) {
        OrderedLock highest = mine.highest();
        if (highest == null) { // only records of acquisitions that hold nothing yet: nothing to order against
            return;
        }
        for (OrderedLock lock : locks) {
            if (!lock.isHeldByCurrentThread() && lock.compareTo(highest) <= 0) {
                throw new LockOrderException(highest, lock);
            }
        }
    }

    /** Unlocks the first {@code n} locks of the set, in reverse order. */
    private void unlockFirst(int n) {
        for (int i = n - 1; i >= 0; i--) {
            locks[i].unlock();
        }
    }

    /** The locks, for {@link Registry}: not copied, never to be modified. */
    OrderedLock[] lockArray() {
        return locks;
    }

    /**
     * Runs {@code action} holding every lock of the set, acquired within {@code timeout}.
     *
     * @throws LockTimeoutException if the locks could not be taken in time (the action did not run)
     * @throws InterruptedException if interrupted while waiting (the action did not run)
     */
    public void run(Duration timeout, Runnable action) throws InterruptedException {
        Objects.requireNonNull(action, "action");
        try (Held _ = acquire(timeout)) {
            action.run();
        }
    }

    /**
     * Computes {@code action} holding every lock of the set, acquired within {@code timeout}. Whatever the action
     * throws, checked or not, is rethrown unchanged (as its declared type {@code X}) after the locks are released.
     *
     * @throws LockTimeoutException if the locks could not be taken in time (the action did not run)
     * @throws InterruptedException if interrupted while waiting (the action did not run)
     */
    public <T, X extends Exception> T call(Duration timeout, ThrowingSupplier<? extends T, ? extends X> action)
            throws X, InterruptedException {
        Objects.requireNonNull(action, "action");
        try (Held _ = acquire(timeout)) {
            return action.get();
        }
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (OrderedLock l : locks) {
            names.add(l.toString());
        }
        return "LockSet" + names + (outOfOrder ? " (out of order allowed)" : "");
    }

    /**
     * The locks of one successful acquisition. {@link #close()} releases them in reverse order; it is idempotent and
     * must be called by the acquiring thread. Not thread safe: it belongs to that thread (only {@link #lockSet()} may
     * be called from others). Its release happens-before a later acquisition of the same locks by any thread.
     */
    public static final class Held implements AutoCloseable {
        private final LockSet set;
        private final Thread owner;
        final String path; // the owner's scope path when it acquired
        final Registry.Holds ownerHolds;
        // How many of the set's locks (a prefix) this acquisition holds: all of them once acquire returns, fewer while
        // it waits. Written by the owner only; read racily by observers (Locks.snapshot, timeout messages).
        int count;
        private boolean closed; // only read and written by the owner thread

        private Held(LockSet set, Thread owner, String path, Registry.Holds ownerHolds) {
            this.set = set;
            this.owner = owner;
            this.path = path;
            this.ownerHolds = ownerHolds;
        }

        /** The set whose locks are held. */
        public LockSet lockSet() {
            return set;
        }

        /**
         * Releases the locks in reverse order; does nothing the second time.
         *
         * @throws WrongThreadException if called by a thread other than the one that acquired them
         */
        @Override
        public void close() {
            if (Thread.currentThread() != owner) {
                throw new WrongThreadException("locks " + set + " were acquired by thread '" + owner.getName()
                        + "' and can only be released by it, not by '" + Thread.currentThread().getName() + "'");
            }
            if (closed) {
                return;
            }
            closed = true;
            ownerHolds.remove(this);
            set.unlockFirst(set.locks.length);
        }
    }
}
