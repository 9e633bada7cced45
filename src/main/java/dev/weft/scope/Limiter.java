package dev.weft.scope;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A scope's concurrency limit ({@link ScopeOptions#maxConcurrency()}, and under it a {@link ConcurrencyLimit} that moves,
 * if the options give one) and its admission queue. A fork takes a free
 * slot at once when there is one; otherwise it becomes a {@link Waiter} in the queue, highest {@link Priority} first
 * and first come, first served within a level. A task's end hands its slot directly to the head of the queue (the
 * slot never becomes free while someone waits, so a later fork cannot take it first); only with the queue empty does
 * the count of slots in use go down.
 *
 * <p>A waiter is held either by the owner, parked in {@code fork} (every plain fork, and a prioritised one while
 * {@link ScopeOptions#maxWaitingForks()} waiters are already held by threads), or by the task's own thread, started at
 * once and parked until admitted. The owner's forks enter the queue in fork order, so the order of admission is the
 * same whichever thread holds a waiter.
 *
 * <p>Woken by events only (a slot handed over, a thread waiter leaving, or {@link #wakeAll()} on cancellation), never
 * by a poll. Parks with {@link LockSupport}, and never blocks under its {@code ReentrantLock}, so no virtual thread
 * pins its carrier. Thread safe.
 */
final class Limiter {
    /** What {@link #admit} returns when it took a free slot at once. */
    static final Waiter SLOT = new Waiter(null, 0);

    /**
     * One fork waiting for a slot. Linked into its level's list while queued; {@code granted} is set (under the
     * limiter's lock) when a slot was handed to it, which also unlinks it.
     */
    static final class Waiter {
        /** The task being forked; null for {@link #SLOT}. */
        final TaskImpl<?> task;
        final int level;
        Waiter prev, next; // guarded by the limiter's lock
        boolean queued; // guarded by the limiter's lock
        /** Held by the task's own thread (counted in {@code threadWaiters}), else by the owner. Under the lock. */
        boolean threadHeld;
        /** Set under the lock, read by the parked holder without it. */
        volatile boolean granted;
        /** The owner while it holds the waiter; null once a task's thread does (then that thread is unparked). */
        volatile Thread owner;

        Waiter(TaskImpl<?> task, int level) {
            this.task = task;
            this.level = level;
        }

        /**
         * The thread to unpark: the owner, or the task's thread (null until the owner made it, before it starts; the
         * thread reads {@code granted} after it started, after the grant read null here, so it sees the grant).
         */
        Thread holder() {
            Thread o = owner;
            return o != null ? o : task.runner();
        }
    }

    /** The fixed ceiling ({@link ScopeOptions#maxConcurrency()}). */
    private final int max;
    /** The limit that moves under the ceiling, or null. */
    private final ConcurrencyLimit moving;
    private final int maxThreadWaiters;
    private final ReentrantLock lock = new ReentrantLock();
    private int inFlight; // guarded by lock (written), read racily by inFlight()
    private int queued; // guarded by lock (written), read racily by queued()
    /** The queue: one FIFO list per level, and a bit per non-empty level. Guarded by lock. */
    private final Waiter[] heads = new Waiter[Priority.MAX_LEVEL + 1];
    private final Waiter[] tails = new Waiter[Priority.MAX_LEVEL + 1];
    private int levels;
    /** Queued waiters held by tasks' threads, at most {@link #maxThreadWaiters}. Guarded by lock. */
    private int threadWaiters;
    /** The owner's queued waiter while it parks on the bound for thread waiters, else null. Guarded by lock. */
    private Waiter ownerOnBound;

    Limiter(int max, int maxThreadWaiters, ConcurrencyLimit moving) {
        this.max = max;
        this.moving = moving;
        this.maxThreadWaiters = maxThreadWaiters;
    }

    /** The limit now: the ceiling, or the moving limit under it (at least 1). */
    private int limit() {
        return moving == null ? max : Math.min(max, Math.max(1, moving.current()));
    }

    /** Tasks holding a slot now: a racy read without the lock, for reports to a {@link ConcurrencyLimit}. */
    int inFlight() {
        return inFlight;
    }

    /** Forks waiting for a slot now: a racy read without the lock, for reports to a {@link ConcurrencyLimit}. */
    int queued() {
        return queued;
    }

    /**
     * After a fork queued: a moving limit may have risen since the last task ended, with no listener call yet (or
     * none at all), so the queue is served now rather than at the next end.
     */
    private void serveIfRoom(boolean room) {
        if (room) {
            recheck();
        }
    }

    /**
     * For a plain fork, on the owner: takes a free slot, or parks in the queue at {@code level} until one is handed
     * over; returns false without a slot once {@code cancelled} says so.
     *
     * @throws InterruptedException if the owner is interrupted while parked (it then holds no slot)
     */
    boolean acquire(int level, BooleanSupplier cancelled) throws InterruptedException {
        Waiter w;
        boolean room;
        lock.lock();
        try {
            if (cancelled.getAsBoolean()) {
                return false;
            }
            if (inFlight < limit() && levels == 0) { // a slot is only taken at once with no one waiting
                inFlight++;
                return true;
            }
            w = enqueue(null, level);
            w.owner = Thread.currentThread();
            room = inFlight < limit();
        } finally {
            lock.unlock();
        }
        serveIfRoom(room);
        return ownerWaits(w, cancelled, false) == SLOT;
    }

    /**
     * For a prioritised fork of {@code task}, on the owner: {@link #SLOT} if it took a free slot; else a queued
     * waiter for the task's thread to hold (see {@link #await}), at once while fewer than the bound of thread waiters
     * are queued, or after the owner parked, queued, until it is; or {@link #SLOT} if a slot was handed to the owner
     * meanwhile. Null, holding nothing, once {@code cancelled} says so.
     *
     * @throws InterruptedException if the owner is interrupted while parked (it then holds no slot and no waiter)
     */
    Waiter admit(TaskImpl<?> task, int level, BooleanSupplier cancelled) throws InterruptedException {
        Waiter w;
        boolean room;
        lock.lock();
        try {
            if (cancelled.getAsBoolean()) {
                return null;
            }
            if (inFlight < limit() && levels == 0) {
                inFlight++;
                return SLOT;
            }
            w = enqueue(task, level);
            room = inFlight < limit();
            if (threadWaiters < maxThreadWaiters) {
                w.threadHeld = true;
                threadWaiters++;
            } else {
                w.owner = Thread.currentThread();
                ownerOnBound = w;
            }
        } finally {
            lock.unlock();
        }
        serveIfRoom(room);
        return w.threadHeld ? w : ownerWaits(w, cancelled, true);
    }

    /** The owner parks on its queued waiter: {@link #SLOT} once granted, the waiter once a thread may hold it. */
    private Waiter ownerWaits(Waiter w, BooleanSupplier cancelled, boolean mayPassOn) throws InterruptedException {
        while (true) {
            lock.lock();
            try {
                if (w.granted) {
                    ownerOnBound = null;
                    return SLOT;
                }
                if (cancelled.getAsBoolean()) {
                    unlink(w);
                    ownerOnBound = null;
                    return null;
                }
                if (mayPassOn && threadWaiters < maxThreadWaiters) {
                    w.owner = null; // from here a grant unparks the task's thread, once the owner made it
                    w.threadHeld = true;
                    threadWaiters++;
                    ownerOnBound = null;
                    return w;
                }
            } finally {
                lock.unlock();
            }
            LockSupport.park(this);
            if (Thread.interrupted()) {
                lock.lock();
                try {
                    ownerOnBound = null;
                    if (!w.granted) {
                        unlink(w);
                        throw new InterruptedException();
                    }
                } finally {
                    lock.unlock();
                }
                release(); // granted just as the interrupt came: pass the slot on
                throw new InterruptedException();
            }
        }
    }

    /**
     * On the task's thread: parks until {@code w} is granted (true: the thread now holds a slot) or {@code cancelled}
     * says so (false: it left the queue and holds nothing). An interrupt without cancellation is kept for the task's
     * body, which sees it on admission.
     */
    boolean await(Waiter w, BooleanSupplier cancelled) {
        boolean interrupted = false;
        try {
            while (!w.granted) {
                if (cancelled.getAsBoolean()) {
                    if (leave(w)) {
                        return false;
                    }
                    break; // granted meanwhile
                }
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Gives up a waiter returned by {@link #admit} whose task will never run (the scope was cancelled before its
     * thread started), or the slot if {@code w} is {@link #SLOT} or was granted meanwhile.
     */
    void giveUp(Waiter w) {
        if (w == SLOT || !leave(w)) {
            release();
        }
    }

    /** Takes a thread waiter out of the queue: true if it was still queued, false if it had been granted a slot. */
    private boolean leave(Waiter w) {
        Thread wake;
        lock.lock();
        try {
            if (w.granted) {
                return false;
            }
            unlink(w);
            wake = threadWaiterLeft();
        } finally {
            lock.unlock();
        }
        unpark(wake);
        return true;
    }

    /**
     * Gives back the slot of a task that ended: to the head of the queue if any and the limit allows, else to the free
     * count. With a fixed limit the slot goes straight to the head (it never becomes free while someone waits, so a
     * later fork cannot take it first); a moving limit that fell keeps it back, one that rose admits several.
     */
    void release() {
        release(true);
    }

    /**
     * The limit may have risen ({@link ConcurrencyLimit#addListener}): admits as many queued waiters as it allows now.
     */
    void recheck() {
        release(false);
    }

    private void release(boolean ended) {
        Thread first = null, firstOwner = null;
        java.util.List<Thread> more = null; // only when a risen limit admits several at once
        lock.lock();
        try {
            if (ended) {
                inFlight--;
            }
            if (levels == 0) {
                return;
            }
            int limit = limit();
            while (levels != 0 && inFlight < limit) {
                Waiter w = heads[31 - Integer.numberOfLeadingZeros(levels)];
                unlink(w);
                w.granted = true;
                inFlight++;
                Thread wake = w.holder();
                Thread owner = w.threadHeld ? threadWaiterLeft() : null;
                if (first == null && firstOwner == null) {
                    first = wake;
                    firstOwner = owner;
                } else {
                    if (more == null) {
                        more = new java.util.ArrayList<>();
                    }
                    more.add(wake);
                    more.add(owner);
                }
            }
        } finally {
            lock.unlock();
        }
        unpark(first);
        unpark(firstOwner);
        if (more != null) {
            more.forEach(Limiter::unpark);
        }
    }

    /** Wakes every parked waiter, owner included, so that it sees a cancellation. */
    void wakeAll() {
        lock.lock();
        try {
            for (Waiter head : heads) {
                for (Waiter w = head; w != null; w = w.next) {
                    unpark(w.holder());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Under lock: a thread waiter left the queue; returns the owner to wake if it parks on the bound. */
    private Thread threadWaiterLeft() {
        threadWaiters--;
        return ownerOnBound != null ? ownerOnBound.owner : null;
    }

    private Waiter enqueue(TaskImpl<?> task, int level) {
        Waiter w = new Waiter(task, level);
        Waiter tail = tails[level];
        if (tail == null) {
            heads[level] = w;
            levels |= 1 << level;
        } else {
            tail.next = w;
            w.prev = tail;
        }
        tails[level] = w;
        w.queued = true;
        queued++;
        return w;
    }

    /** Under lock: takes {@code w} out of its level's list, if it is still in it. */
    private void unlink(Waiter w) {
        if (!w.queued) {
            return;
        }
        w.queued = false;
        queued--;
        int level = w.level;
        if (w.prev == null) {
            heads[level] = w.next;
        } else {
            w.prev.next = w.next;
        }
        if (w.next == null) {
            tails[level] = w.prev;
        } else {
            w.next.prev = w.prev;
        }
        w.prev = w.next = null;
        if (heads[level] == null) {
            levels &= ~(1 << level);
        }
    }

    private static void unpark(Thread t) {
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
