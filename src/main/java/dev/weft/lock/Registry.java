package dev.weft.lock;

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

    /** What one thread holds through LockSets and what it waits for. Written only by that thread. */
    static final class Holds {
        // One element per hold (reentrant holds repeat), in acquisition order; paths[i] is the thread's scope path
        // when it took locks[i].
        private OrderedLock[] locks = new OrderedLock[4];
        private String[] paths = new String[4];
        private int size;

        // The wait in progress: waitingFor is written last when a wait begins and cleared when it ends (volatile, so
        // an observer that sees it also sees the path and start time written before it).
        private String waitPath;
        private long waitSinceNanos;
        private volatile OrderedLock waitingFor;

        int size() {
            return size;
        }

        void push(OrderedLock lock, String path) {
            if (size == locks.length) {
                // paths first: a racing observer reading locks[i] for i < size then finds paths long enough
                paths = Arrays.copyOf(paths, size * 2);
                locks = Arrays.copyOf(locks, size * 2);
            }
            paths[size] = path;
            locks[size] = lock;
            size++;
        }

        /** Removes the last hold of {@code lock}; releases come in reverse order, so it is nearly always the top. */
        void remove(OrderedLock lock) {
            int last = size - 1;
            if (last >= 0 && locks[last] == lock) {
                locks[last] = null;
                paths[last] = null;
                size = last;
                return;
            }
            for (int i = last - 1; i >= 0; i--) {
                if (locks[i] == lock) {
                    System.arraycopy(locks, i + 1, locks, i, last - i);
                    System.arraycopy(paths, i + 1, paths, i, last - i);
                    locks[last] = null;
                    paths[last] = null;
                    size = last;
                    return;
                }
            }
        }

        /** The highest held lock in the global order, or null. */
        OrderedLock highest() {
            OrderedLock max = null;
            for (int i = 0; i < size; i++) {
                if (max == null || locks[i].compareTo(max) > 0) {
                    max = locks[i];
                }
            }
            return max;
        }

        void beginWait(OrderedLock lock, String path, long sinceNanos) {
            waitPath = path;
            waitSinceNanos = sinceNanos;
            waitingFor = lock;
        }

        void endWait() {
            waitingFor = null;
        }

        // --- observer side (any thread) ---

        /** The scope path at which the owner took {@code lock} (its first hold), or null if not seen holding it. */
        String pathOf(OrderedLock lock) {
            OrderedLock[] ls = locks;
            String[] ps = paths;
            int n = Math.min(size, Math.min(ls.length, ps.length));
            for (int i = 0; i < n; i++) {
                if (ls[i] == lock) {
                    return ps[i];
                }
            }
            return null;
        }

        /** Adds each distinct lock held, with its path, to {@code out}. */
        void holdsInto(Map<OrderedLock, String> out) {
            OrderedLock[] ls = locks;
            String[] ps = paths;
            int n = Math.min(size, Math.min(ls.length, ps.length));
            for (int i = 0; i < n; i++) {
                OrderedLock l = ls[i];
                String p = ps[i];
                if (l != null && p != null) {
                    out.putIfAbsent(l, p);
                }
            }
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
