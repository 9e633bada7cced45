package dev.weft.lock;

import dev.weft.scope.Scope;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Package-private bookkeeping, designed so that acquiring and releasing touch no shared memory beyond the locks
 * themselves: each thread keeps its own {@link Holds} (what it holds through LockSets, with scope paths, and what it
 * waits for), found through a thread-local; the only shared structure is {@link #THREADS}, written once per thread
 * (at its first LockSet acquisition) and read by observers ({@link Locks}, timeout messages).
 *
 * <p>Observers read other threads' {@code Holds} without synchronisation: their view is best-effort (possibly stale,
 * never unsafe, since every field read is a reference or a primitive and arrays are only ever replaced by larger
 * copies), and every hold they report is re-checked against {@link OrderedLock#holder()}.
 */
final class Registry {
    private Registry() {
    }

    /**
     * What one thread holds through LockSets and what it waits for. Written only by that thread.
     *
     * <p>One record per acquisition (its {@link LockSet.Held}, which holds the set, the scope path and how many of
     * the set's locks it has taken), not per lock: an acquisition pushes one reference and its release pops it.
     */
    static final class Holds {
        private LockSet.Held[] held = new LockSet.Held[4];
        private int size;

        // The wait in progress: waitingFor is written last when a wait begins and cleared when it ends (volatile, so
        // an observer that sees it also sees the path and start time written before it).
        private String waitPath;
        private long waitSinceNanos;
        private volatile OrderedLock waitingFor;
        // The same wait for the deadlock detector, as one word: (its sequence number << 2) | its phase, so that a
        // detector can fail exactly the wait it saw, never a later one of the same thread (no ABA). Written with the
        // wait's start and end, on the slow path only; the breaker CASes it from WAITING to BREAKING.
        private volatile long wait;
        private long waits; // the sequence, written by the owner only
        private DeadlockException breakCause; // written by the breaker between BREAKING and BROKEN

        int size() {
            return size;
        }

        void push(LockSet.Held h) {
            if (size == held.length) {
                held = Arrays.copyOf(held, size * 2);
            }
            held[size++] = h;
        }

        /** Forgets {@code h}; releases come in reverse order, so it is nearly always the top. */
        void remove(LockSet.Held h) {
            int last = size - 1;
            if (last >= 0 && held[last] == h) {
                held[last] = null;
                size = last;
                return;
            }
            for (int i = last - 1; i >= 0; i--) {
                if (held[i] == h) {
                    System.arraycopy(held, i + 1, held, i, last - i);
                    held[last] = null;
                    size = last;
                    return;
                }
            }
        }

        /** The highest held lock in the global order, or null. Sets are sorted, so each one's last lock is its top. */
        OrderedLock highest() {
            OrderedLock max = null;
            for (int i = 0; i < size; i++) {
                LockSet.Held h = held[i];
                if (h.count > 0) {
                    OrderedLock top = h.lockSet().lockArray()[h.count - 1];
                    if (max == null || top.compareTo(max) > 0) {
                        max = top;
                    }
                }
            }
            return max;
        }

        /** Begins a wait; returns its word for {@link #endWait(long)}. */
        long beginWait(OrderedLock lock, String path, long sinceNanos) {
            waitPath = path;
            waitSinceNanos = sinceNanos;
            waitingFor = lock;
            long w = (++waits << 2) | WAITING;
            wait = w;
            return w;
        }

        /**
         * Ends the wait {@code w}: returns null, or the exception a deadlock detector failed it with. In that case the
         * detector interrupted this thread to wake it: that interrupt is cleared here (waiting until it was sent), so
         * the caller throws the exception instead. An interrupt from elsewhere that came during the same wait cannot
         * be told apart from it and is cleared with it; the wait still ends with an exception.
         */
        DeadlockException endWait(long w) {
            waitingFor = null;
            long idle = w & ~PHASE;
            if (WAIT.compareAndSet(this, w, idle)) {
                return null;
            }
            while (wait != (idle | BROKEN)) { // the breaker is between its CAS and its interrupt: a few instructions
                Thread.yield();
            }
            Thread.interrupted();
            DeadlockException cause = breakCause;
            breakCause = null;
            wait = idle;
            return cause;
        }

        /** The word of the wait in progress, or of the last one; its phase is WAITING while one is in progress. */
        long waitWord() {
            return wait;
        }

        /** The path and start of the wait in progress (racy: check {@link #waitWord()} before and after). */
        String waitPath() {
            return waitPath;
        }

        long waitSinceNanos() {
            return waitSinceNanos;
        }

        OrderedLock waitingFor() {
            return waitingFor;
        }

        /**
         * Called by a deadlock detector: fails the wait {@code w} of {@code thread} (this record's owner) with
         * {@code cause} if it is still in progress, waking it with an interrupt that its {@link #endWait(long)} turns
         * into {@code cause}. False if that wait had ended or was already failed.
         */
        boolean breakWait(long w, Thread thread, DeadlockException cause) {
            long idle = w & ~PHASE;
            if ((w & PHASE) != WAITING || !WAIT.compareAndSet(this, w, idle | BREAKING)) {
                return false;
            }
            breakCause = cause;
            thread.interrupt();
            wait = idle | BROKEN; // volatile: publishes breakCause, and says the interrupt was sent
            return true;
        }

        // --- observer side (any thread): racy reads, bounds-checked ---

        /** The scope path at which the owner took {@code lock} (its first hold), or null if not seen holding it. */
        String pathOf(OrderedLock lock) {
            LockSet.Held[] hs = held;
            int n = Math.min(size, hs.length);
            for (int i = 0; i < n; i++) {
                LockSet.Held h = hs[i];
                if (h == null) {
                    continue;
                }
                OrderedLock[] ls = h.lockSet().lockArray();
                int c = Math.min(h.count, ls.length);
                for (int j = 0; j < c; j++) {
                    if (ls[j] == lock) {
                        return h.path;
                    }
                }
            }
            return null;
        }

        /** Adds each distinct lock held, with the path of its first hold, to {@code out}. */
        void holdsInto(Map<OrderedLock, String> out) {
            LockSet.Held[] hs = held;
            int n = Math.min(size, hs.length);
            for (int i = 0; i < n; i++) {
                LockSet.Held h = hs[i];
                if (h == null) {
                    continue;
                }
                OrderedLock[] ls = h.lockSet().lockArray();
                int c = Math.min(h.count, ls.length);
                for (int j = 0; j < c; j++) {
                    out.putIfAbsent(ls[j], h.path);
                }
            }
        }
    }

    // Phases of Holds.wait.
    static final long PHASE = 3;
    static final long IDLE = 0;
    static final long WAITING = 1;
    static final long BREAKING = 2;
    static final long BROKEN = 3;
    private static final VarHandle WAIT;

    static {
        try {
            WAIT = MethodHandles.lookup().findVarHandle(Holds.class, "wait", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A thread as a weak map key, by identity, so that the registry never keeps a finished thread alive. */
    static final class ThreadKey extends WeakReference<Thread> {
        private final int hash;

        ThreadKey(Thread thread) {
            super(thread);
            this.hash = System.identityHashCode(thread);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (o == this) {
                return true;
            }
            if (!(o instanceof ThreadKey k)) {
                return false;
            }
            Thread t = get();
            return t != null && t == k.get();
        }
    }

    /** One registered thread with its holds, as seen by an observer. */
    record Seen(Thread thread, Holds holds) {
    }

    private static final ThreadLocal<Holds> HOLDS = ThreadLocal.withInitial(Registry::register);

    // Every thread that has acquired through a LockSet and may still be alive, weakly: an observation registry,
    // written once per thread. Entries of finished threads are swept out whenever the map has doubled since the last
    // sweep (amortised O(1) per registration). No ReferenceQueue on purpose: it would be written by the JDK's
    // reference-handler thread at any moment, which confuses model checkers (Lincheck) that snapshot static state.
    private static final ConcurrentHashMap<ThreadKey, Holds> THREADS = new ConcurrentHashMap<>();

    static {
        // Scope.dump() shows lock waits through this hook (the scope package imports nothing of locks). Registered
        // when the first LockSet acquisition loads this class: before that no thread can wait on an OrderedLock.
        Scope.addDumpContributor(Registry::describeWaits);
    }

    /** For Scope.dump(): what the task or scope owner at {@code path} waits for, held by whom, how long; or null. */
    private static String describeWaits(String path) {
        List<Locks.Wait> waits = Locks.waitsOf(path);
        if (waits.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (Locks.Wait w : waits) {
            out.append(out.isEmpty() ? "" : "  ").append(w.describe());
        }
        return out.toString();
    }
    private static final int FIRST_SWEEP = 64;
    private static final AtomicInteger SWEEP_AT = new AtomicInteger(FIRST_SWEEP);

    /** The current thread's holds. */
    static Holds holds() {
        return HOLDS.get();
    }

    private static Holds register() {
        Holds holds = new Holds();
        THREADS.put(new ThreadKey(Thread.currentThread()), holds);
        int at = SWEEP_AT.get();
        if (THREADS.size() >= at && SWEEP_AT.compareAndSet(at, Integer.MAX_VALUE)) { // one sweeper at a time
            THREADS.keySet().removeIf(k -> {
                Thread t = k.get();
                return t == null || !t.isAlive();
            });
            SWEEP_AT.set(Math.max(FIRST_SWEEP, 2 * THREADS.size()));
        }
        return holds;
    }

    /** The scope path at which {@code thread} took {@code lock} through a LockSet, or null if unknown. */
    static String pathOf(Thread thread, OrderedLock lock) {
        if (thread == null) {
            return null;
        }
        Holds holds = THREADS.get(new ThreadKey(thread));
        return holds == null ? null : holds.pathOf(lock);
    }

    /** The registered threads still alive, with their holds. */
    static List<Seen> threads() {
        List<Seen> seen = new ArrayList<>();
        for (Map.Entry<ThreadKey, Holds> e : THREADS.entrySet()) {
            Thread t = e.getKey().get();
            if (t != null && t.isAlive()) {
                seen.add(new Seen(t, e.getValue()));
            }
        }
        return seen;
    }

    /** The lock {@code holds}' thread waits for, with path and start, or null: a consistent-enough read. */
    static Waiting waiting(Holds holds) {
        OrderedLock lock = holds.waitingFor;
        if (lock == null) {
            return null;
        }
        return new Waiting(lock, holds.waitPath, holds.waitSinceNanos);
    }

    /** A wait in progress as read by an observer. */
    record Waiting(OrderedLock lock, String path, long sinceNanos) {
    }
}
