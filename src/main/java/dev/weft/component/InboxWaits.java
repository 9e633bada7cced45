package dev.weft.component;

import dev.weft.lock.DeadlockException;
import dev.weft.lock.Deadlocks;
import dev.weft.lock.WaitEdge;
import dev.weft.lock.WaitSource;
import dev.weft.scope.Scope;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.function.Consumer;

/**
 * Senders blocked on a full inbox, for deadlock detection ({@link Deadlocks}): each is an edge of the wait-for graph
 * from the sending thread to the thread of the component that owns the inbox, the only thread that takes from it (and
 * so the only one that can make room). A cycle of components sending into each other's full inboxes, possibly through
 * a graphline's loop or a component feeding its own inbox, is then a cycle of that graph; so is a mixed one, where a
 * component holding an {@link dev.weft.lock.OrderedLock} blocks on an inbox whose owner waits for that lock.
 *
 * <p><b>Cost.</b> Recorded only on the slow path, when a send with {@link Delivery#BLOCK} finds the inbox full and is
 * about to wait ({@link #await}); a send that finds room pays nothing. Even then it touches no shared memory: as the
 * lock package does for lock waits, each thread keeps one record of its own ({@link Waiter}), found through a
 * thread-local and written only by that thread (four plain writes, a clock read, a volatile write, and a CAS when the
 * wait ends); the only shared structure is the set of those records, added to once per thread, at its first blocked
 * send, and read by detectors. Records of finished threads are swept out whenever the set has doubled.
 *
 * <p>This class adds itself to {@link Deadlocks} when first used, that is at the first blocked send: before it, no send
 * can be blocked. A detector that chose a blocked send as the victim marks its record and wakes the inbox's waiting
 * senders; the victim's send throws the {@link DeadlockException} (the others find the inbox still full and wait
 * again). Thread safe.
 */
final class InboxWaits implements WaitSource {
    private static final int FIRST_SWEEP = 64;
    private static final AtomicInteger SWEEP_AT = new AtomicInteger(FIRST_SWEEP);
    /** Every thread's record, once that thread has been blocked sending; read by detectors. */
    private static final Set<Waiter> WAITERS = ConcurrentHashMap.newKeySet();
    private static final ThreadLocal<Waiter> MINE = ThreadLocal.withInitial(InboxWaits::register);

    static {
        Deadlocks.addSource(new InboxWaits());
    }

    private InboxWaits() {
    }

    private static Waiter register() {
        Waiter w = new Waiter(Thread.currentThread());
        WAITERS.add(w);
        int at = SWEEP_AT.get();
        if (WAITERS.size() >= at && SWEEP_AT.compareAndSet(at, Integer.MAX_VALUE)) { // one sweeper at a time
            WAITERS.removeIf(x -> {
                Thread t = x.thread.get();
                return t == null || !t.isAlive();
            });
            SWEEP_AT.set(Math.max(FIRST_SWEEP, 2 * WAITERS.size()));
        }
        return w;
    }

    /**
     * The blocking wait of {@link Inbox}'s send with {@link Delivery#BLOCK}: under the inbox owner's lock, runs
     * {@code wait} (which parks on {@code space}: the plain inbox's condition, or a priority inbox's condition for the
     * sender's level), recorded as a wait for deadlock detection meanwhile; a detector that breaks it signals
     * {@code space}.
     *
     * @return what {@code wait} returned
     * @throws DeadlockException if a deadlock detector broke a deadlock by failing this wait
     * @throws InterruptedException if interrupted while waiting
     */
    static boolean await(Inbox inbox, Condition space, Object sender, SpaceWait wait) throws InterruptedException {
        Waiter me = MINE.get();
        long w = me.begin(inbox, space, sender);
        InterruptedException interrupted = null;
        boolean result = false;
        try {
            result = wait.await();
        } catch (InterruptedException e) {
            interrupted = e;
        }
        DeadlockException broken = me.end(w);
        if (broken != null) {
            if (interrupted != null) { // both: throw the deadlock's, keep the interrupt for whoever asked for it
                broken.addSuppressed(interrupted);
                Thread.currentThread().interrupt();
            }
            throw broken;
        }
        if (interrupted != null) {
            throw interrupted;
        }
        return result;
    }

    /** A sender's wait for room, parking on a condition of the inbox owner's lock. */
    @FunctionalInterface
    interface SpaceWait {
        /** Waits; returns the wait's own result (room granted, or time left). */
        boolean await() throws InterruptedException;
    }

    @Override
    public void collect(Consumer<? super WaitEdge> out) {
        for (Waiter w : WAITERS) {
            Edge e = w.edge();
            if (e != null) {
                out.accept(e);
            }
        }
    }

    // Phases of Waiter.word: (the wait's sequence number << 2) | phase.
    private static final long PHASE = 3;
    private static final long WAITING = 1;
    private static final long BREAKING = 2;
    private static final long BROKEN = 3;

    /**
     * One thread's blocked send, if any: written by that thread only (a detector CASes {@link #word} to fail it).
     * The fields of a wait are written before {@link #word} says WAITING, so a reader that sees the same word before
     * and after reading them has read one wait's values.
     */
    static final class Waiter {
        private static final VarHandle WORD;

        static {
            try {
                WORD = MethodHandles.lookup().findVarHandle(Waiter.class, "word", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final WeakReference<Thread> thread; // weakly: the set of records never keeps a finished thread alive
        private Inbox inbox;
        private Condition space;
        private Object sender; // the sending Outbox, or a String for a delivery from outside
        private String senderScopePath; // for a sender that is not a component
        private long since;
        private long waits; // the sequence, the owner's only
        private volatile long word;
        private DeadlockException cause; // written by the breaker between BREAKING and BROKEN

        Waiter(Thread thread) {
            this.thread = new WeakReference<>(thread);
        }

        long begin(Inbox inbox, Condition space, Object sender) {
            this.inbox = inbox;
            this.space = space;
            this.sender = sender;
            this.senderScopePath = sender instanceof Outbox ? null : Scope.currentPath();
            this.since = System.nanoTime();
            long w = (++waits << 2) | WAITING;
            word = w;
            return w;
        }

        /** Ends wait {@code w}; returns the exception a detector failed it with, or null. */
        DeadlockException end(long w) {
            long idle = w & ~PHASE;
            if (WORD.compareAndSet(this, w, idle)) {
                inbox = null; // keep no ended component reachable from here
                space = null;
                sender = null;
                return null;
            }
            while (word != (idle | BROKEN)) { // the breaker is between its CAS and publishing the cause
                Thread.onSpinWait();
            }
            DeadlockException e = cause;
            cause = null;
            word = idle;
            return e;
        }

        /** By a detector: fails wait {@code w} if it is still in progress; false if it had ended. */
        boolean fail(long w, DeadlockException e) {
            if ((w & PHASE) != WAITING || !WORD.compareAndSet(this, w, (w & ~PHASE) | BREAKING)) {
                return false;
            }
            cause = e;
            word = (w & ~PHASE) | BROKEN; // volatile: publishes the cause
            return true;
        }

        /** The wait in progress as an edge, or null: none, changed while read, or its inbox owner not started yet. */
        Edge edge() {
            long w = word;
            if ((w & PHASE) != WAITING) {
                return null;
            }
            Inbox in = inbox;
            Condition sp = space;
            Object s = sender;
            String path = senderScopePath;
            long t0 = since;
            Thread waiter = thread.get();
            if (word != w || waiter == null || in == null || sp == null || s == null || in.owner.thread() == null) {
                return null;
            }
            return new Edge(this, w, waiter, in, sp, s, path, t0);
        }
    }

    /** One blocked send: the wait is identified by its thread's record and the wait's word. */
    static final class Edge implements WaitEdge {
        private final Waiter record;
        private final long word;
        private final Thread waiter;
        private final Inbox inbox;
        private final Condition space;
        private final Object sender;
        private final String senderScopePath;
        private final long since;

        Edge(Waiter record, long word, Thread waiter, Inbox inbox, Condition space, Object sender,
             String senderScopePath, long since) {
            this.record = record;
            this.word = word;
            this.waiter = waiter;
            this.inbox = inbox;
            this.space = space;
            this.sender = sender;
            this.senderScopePath = senderScopePath;
            this.since = since;
        }

        @Override
        public Thread waiter() {
            return waiter;
        }

        @Override
        public String waiterPath() {
            return sender instanceof Outbox o ? o.owner.path() : senderScopePath;
        }

        @Override
        public String waitsFor() {
            return "room in inbox '" + inbox.owner.path() + "." + inbox.name + "' (full at " + inbox.capacity + ")"
                    + (sender instanceof Outbox o ? " to send from '" + o.owner.path() + "." + o.name + "'" : "");
        }

        /** The inbox owner's thread: set before its component runs, the same for good (a component runs once). */
        @Override
        public Thread holder() {
            return inbox.owner.thread();
        }

        @Override
        public String holderPath() {
            return inbox.owner.path();
        }

        @Override
        public String holderRole() {
            return "emptied only by";
        }

        @Override
        public long sinceNanos() {
            return since;
        }

        /**
         * Still the same wait, and the inbox still full and open to sends (not passed through). (A closed inbox is
         * left out of the check: only its owner's thread closes it, as it ends, and a thread that ends is in no wait,
         * so no confirmed cycle can contain it.)
         */
        @Override
        public boolean isCurrent() {
            if (record.word != word) {
                return false;
            }
            inbox.owner.lock.lock(); // held only briefly by anyone: nothing blocks under a component's lock
            try {
                return inbox.onward == null && inbox.size() >= inbox.capacity;
            } finally {
                inbox.owner.lock.unlock();
            }
        }

        /** Marks the wait failed and wakes the inbox's waiting senders; this one then throws {@code cause}. */
        @Override
        public boolean fail(DeadlockException cause) {
            if (!record.fail(word, cause)) {
                return false;
            }
            inbox.owner.lock.lock();
            try {
                space.signalAll();
            } finally {
                inbox.owner.lock.unlock();
            }
            return true;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Edge e && e.record == record && e.word == word;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(record) * 31 + Long.hashCode(word);
        }

        @Override
        public String toString() {
            return describe();
        }
    }
}
