package dev.weft.lock;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Package-private bookkeeping. Kept off the fast path on purpose: an uncontended acquisition touches only the calling
 * thread's {@link Held} list and fields of the locks it takes (which it owns at that moment); the shared maps are
 * written only when a lock is created or a thread has to wait.
 *
 * <ul>
 *   <li>{@link #held()}: per thread, the locks it holds through LockSets (for the order check and release).</li>
 *   <li>{@link #WAITERS}: the threads waiting in an acquisition, with what they wait for (observation only).</li>
 *   <li>{@link #locks()}: every live OrderedLock, weakly (observation only: {@link Locks#snapshot()} reads the
 *       holder fields of each).</li>
 * </ul>
 */
final class Registry {
    private Registry() {
    }

    /** One waiting thread as recorded. */
    record Waiter(OrderedLock lock, Thread thread, String path, long sinceNanos) {
    }

    /**
     * The locks one thread holds through LockSets, one element per hold (reentrant holds repeat), in acquisition
     * order. Only its thread reads or writes it.
     */
    static final class Held {
        private OrderedLock[] locks = new OrderedLock[8];
        private int size;

        int size() {
            return size;
        }

        void push(OrderedLock lock) {
            if (size == locks.length) {
                locks = Arrays.copyOf(locks, size * 2);
            }
            locks[size++] = lock;
        }

        /** Removes the last hold of {@code lock}; releases happen in reverse order, so it is nearly always the top. */
        void remove(OrderedLock lock) {
            for (int i = size - 1; i >= 0; i--) {
                if (locks[i] == lock) {
                    System.arraycopy(locks, i + 1, locks, i, size - i - 1);
                    locks[--size] = null;
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
    }

    private static final ThreadLocal<Held> HELD = ThreadLocal.withInitial(Held::new);

    /** Threads waiting inside an acquisition; written only on the slow path (a {@code tryLock()} failed). */
    static final ConcurrentHashMap<Thread, Waiter> WAITERS = new ConcurrentHashMap<>();

    // Every live OrderedLock, weakly, so that a snapshot can find the held ones without the fast path writing to any
    // shared structure. Cleared references are purged whenever a lock is created.
    private static final Set<Reference<OrderedLock>> LOCKS = ConcurrentHashMap.newKeySet();
    private static final ReferenceQueue<OrderedLock> COLLECTED = new ReferenceQueue<>();

    static Held held() {
        return HELD.get();
    }

    static void register(OrderedLock lock) {
        for (Reference<? extends OrderedLock> gone; (gone = COLLECTED.poll()) != null; ) {
            LOCKS.remove(gone);
        }
        LOCKS.add(new WeakReference<>(lock, COLLECTED));
    }

    /** The live OrderedLocks, in no particular order. */
    static List<OrderedLock> locks() {
        List<OrderedLock> all = new ArrayList<>(LOCKS.size());
        for (Reference<OrderedLock> ref : LOCKS) {
            OrderedLock lock = ref.get();
            if (lock != null) {
                all.add(lock);
            }
        }
        return all;
    }
}
