package dev.weft.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Introspection of the {@link OrderedLock}s taken through {@link LockSet}s: {@link #snapshot()} tells who holds what
 * and who waits for what. Stateless and thread safe.
 */
public final class Locks {
    private Locks() {
    }

    /**
     * One held lock.
     *
     * @param lock   the lock
     * @param thread the holder's thread name
     * @param path   the holder's Weft scope path at acquisition (empty outside scopes)
     * @param held   how long it has been held
     */
    public record Hold(OrderedLock lock, String thread, String path, Duration held) {
    }

    /**
     * One thread waiting for a lock.
     *
     * @param lock   the lock waited for
     * @param thread the waiter's thread name
     * @param path   the waiter's Weft scope path (empty outside scopes)
     * @param waited how long it has waited
     * @param holder the thread holding the lock when the snapshot was taken, or {@code null}
     */
    public record Wait(OrderedLock lock, String thread, String path, Duration waited, String holder) {
    }

    /**
     * A point-in-time (best-effort, not atomic) view: holds and waits; each wait is an edge of the wait-for graph,
     * waiter to holder.
     *
     * @param holds the held locks, by lock order
     * @param waits the waiting threads
     */
    public record Snapshot(List<Hold> holds, List<Wait> waits) {
        /** Copies the lists. */
        public Snapshot {
            holds = List.copyOf(holds);
            waits = List.copyOf(waits);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("locks: ").append(holds.size()).append(" held, ")
                    .append(waits.size()).append(" waiting\n");
            for (Hold h : holds) {
                sb.append("  ").append(h.lock()).append(" held by '").append(h.thread()).append('\'')
                        .append(h.path().isEmpty() ? "" : " [" + h.path() + "]")
                        .append(" for ").append(h.held().toMillis()).append(" ms\n");
            }
            for (Wait w : waits) {
                sb.append("  '").append(w.thread()).append('\'')
                        .append(w.path().isEmpty() ? "" : " [" + w.path() + "]")
                        .append(" waits for ").append(w.lock())
                        .append(w.holder() == null ? "" : " held by '" + w.holder() + "'")
                        .append(" for ").append(w.waited().toMillis()).append(" ms\n");
            }
            return sb.toString();
        }
    }

    /** Who holds and who waits for which OrderedLocks (those taken through LockSets), now. */
    public static Snapshot snapshot() {
        long now = System.nanoTime();
        List<Hold> holds = new ArrayList<>();
        for (Registry.Entry e : Registry.HOLDERS.values()) {
            holds.add(new Hold(e.lock(), e.thread().getName(), e.path(), Duration.ofNanos(now - e.sinceNanos())));
        }
        holds.sort(Comparator.comparing(Hold::lock));
        List<Wait> waits = new ArrayList<>();
        for (Registry.Entry e : Registry.WAITERS.values()) {
            Thread holder = e.lock().holder();
            waits.add(new Wait(e.lock(), e.thread().getName(), e.path(), Duration.ofNanos(now - e.sinceNanos()),
                    holder == null ? null : holder.getName()));
        }
        return new Snapshot(holds, waits);
    }
}
