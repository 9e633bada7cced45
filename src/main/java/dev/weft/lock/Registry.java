package dev.weft.lock;

import dev.weft.Weft;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;

/** Package-private bookkeeping: per-thread held locks (for the order check) and the live holders and waiters. */
final class Registry {
    private Registry() {
    }

    /** One holder or waiter as recorded. */
    record Entry(OrderedLock lock, Thread thread, String path, long sinceNanos) {
    }

    /** Locks held through LockSets by the current thread, one element per hold (reentrant holds repeat). */
    private static final ThreadLocal<ArrayList<OrderedLock>> HELD = ThreadLocal.withInitial(ArrayList::new);
    static final ConcurrentHashMap<OrderedLock, Entry> HOLDERS = new ConcurrentHashMap<>();
    static final ConcurrentHashMap<Thread, Entry> WAITERS = new ConcurrentHashMap<>();

    static ArrayList<OrderedLock> held() {
        return HELD.get();
    }

    /** The highest lock the current thread holds through LockSets, or null. */
    static OrderedLock highestHeld() {
        OrderedLock max = null;
        for (OrderedLock l : HELD.get()) {
            if (max == null || l.compareTo(max) > 0) {
                max = l;
            }
        }
        return max;
    }

    static String currentPath() {
        return Weft.context().path();
    }

    static void acquired(OrderedLock lock, String path) {
        HELD.get().add(lock);
        if (lock.getHoldCount() == 1) {
            HOLDERS.put(lock, new Entry(lock, Thread.currentThread(), path, System.nanoTime()));
        }
    }

    static void released(OrderedLock lock) {
        ArrayList<OrderedLock> held = HELD.get();
        int i = held.lastIndexOf(lock);
        if (i >= 0) {
            held.remove(i);
        }
        if (lock.getHoldCount() == 1) {
            HOLDERS.remove(lock);
        }
        lock.unlock();
    }
}
