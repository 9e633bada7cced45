package dev.weft.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Introspection of the {@link OrderedLock}s taken through {@link LockSet}s: {@link #snapshot()} tells who holds what
 * and who waits for what. Stateless and thread safe.
 */
public final class Locks {
    private Locks() {
    }

    /**
     * One held lock. (No hold duration: acquiring does not read the clock, which keeps an uncontended acquisition
     * close to the cost of plain {@code lock()} calls; waits, which are slow anyway, are timed.)
     *
     * @param lock   the lock
     * @param thread the holder's thread name
     * @param path   the holder's Weft scope path when it took the lock (empty outside scopes)
     */
    public record Hold(OrderedLock lock, String thread, String path) {
    }

    /**
     * One thread waiting for a lock: an edge of the wait-for graph, from {@code thread} to {@code holder}.
     *
     * @param lock       the lock waited for
     * @param thread     the waiter's thread name
     * @param path       the waiter's Weft scope path (empty outside scopes)
     * @param waited     how long it has waited
     * @param holder     the name of the thread holding the lock when the snapshot was taken, or {@code null}
     * @param holderPath the holder's Weft scope path at acquisition, or {@code null} if unknown (no holder, or it took
     *                   the lock other than through a LockSet)
     */
    public record Wait(OrderedLock lock, String thread, String path, Duration waited, String holder,
                       String holderPath) {
        /**
         * The wait as one line without the waiter, for example
         * {@code waits for lock 'b' (rank 2) held by 'worker-1' [demo/x/worker-1] for 500 ms}.
         */
        public String describe() {
            return "waits for lock " + lock
                    + (holder == null ? "" : " held by '" + holder + "'")
                    + (holderPath == null || holderPath.isEmpty() ? "" : " [" + holderPath + "]")
                    + " for " + waited.toMillis() + " ms";
        }
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
                        .append(h.path().isEmpty() ? "" : " [" + h.path() + "]").append('\n');
            }
            for (Wait w : waits) {
                sb.append("  '").append(w.thread()).append('\'')
                        .append(w.path().isEmpty() ? "" : " [" + w.path() + "]")
                        .append(' ').append(w.describe()).append('\n');
            }
            return sb.toString();
        }
    }

    /**
     * Who holds and who waits for which OrderedLocks (those taken through LockSets), now. Costs time proportional to
     * the number of live OrderedLocks; meant for diagnostics, not for a hot path.
     */
    public static Snapshot snapshot() {
        long now = System.nanoTime();
        List<Registry.Seen> threads = Registry.threads();
        List<Hold> holds = new ArrayList<>();
        Map<OrderedLock, String> held = new HashMap<>();
        for (Registry.Seen seen : threads) {
            held.clear();
            seen.holds().holdsInto(held);
            for (Map.Entry<OrderedLock, String> e : held.entrySet()) {
                // re-checked: the racy read of another thread's holds may be stale
                if (e.getKey().holder() == seen.thread()) {
                    holds.add(new Hold(e.getKey(), seen.thread().getName(), e.getValue()));
                }
            }
        }
        holds.sort(Comparator.comparing(Hold::lock));
        return new Snapshot(holds, waits(threads, null, now));
    }

    /**
     * The waits of the threads whose Weft scope path, when they began to wait, was exactly {@code path}: for a task
     * its {@link dev.weft.scope.Task#path() path}, for a scope's owner the scope's path. Used by
     * {@link dev.weft.scope.Scope#dump()} to show what a task waits for. Best-effort and racy like
     * {@link #snapshot()}; thread safe.
     *
     * @throws NullPointerException if {@code path} is null
     */
    public static List<Wait> waitsOf(String path) {
        Objects.requireNonNull(path, "path");
        return waits(Registry.threads(), path, System.nanoTime());
    }

    private static List<Wait> waits(List<Registry.Seen> threads, String path, long now) {
        List<Wait> waits = new ArrayList<>();
        for (Registry.Seen seen : threads) {
            Registry.Waiting w = Registry.waiting(seen.holds());
            if (w == null || path != null && !path.equals(w.path())) {
                continue;
            }
            Thread holder = w.lock().holder();
            waits.add(new Wait(w.lock(), seen.thread().getName(), w.path(),
                    Duration.ofNanos(Math.max(0, now - w.sinceNanos())), holder == null ? null : holder.getName(),
                    Registry.pathOf(holder, w.lock())));
        }
        waits.sort(Comparator.comparing(Wait::thread));
        return waits;
    }
}
