package dev.weft.lock;

import java.util.ArrayList;
import java.util.List;

/**
 * One deadlock: a cycle of {@link WaitEdge waits}, each waiting thread blocked by the next one's, the last by the first
 * one's, confirmed to have existed at one instant (see {@link Deadlocks#dump()}). Found by {@link Deadlocks#dump()} and
 * by a {@link DeadlockDetector}.
 *
 * <p><b>Victim.</b> The {@linkplain #victim() victim}, whose wait a detector with {@link DeadlockDetector.Policy#BREAK}
 * fails, is the youngest wait of the cycle: the one that began last (ties, which a clock read per wait makes
 * unlikely, go to the waiter with the higher thread id). That wait closed the cycle; failing it undoes the last step
 * and spares the threads that have waited longest (the "younger dies" rule of wait-die schemes). The choice depends
 * only on the cycle, so it is deterministic. {@link #waits()} lists the cycle starting after the victim, so the
 * victim's wait comes last.
 *
 * <p>Immutable and thread safe (the edges it holds are thread safe by contract).
 */
public final class Deadlock {
    private final List<WaitEdge> waits;

    /** {@code cycle}: edges in order, each one's holder the next one's waiter. */
    Deadlock(List<WaitEdge> cycle) {
        int victim = 0;
        for (int i = 1; i < cycle.size(); i++) {
            WaitEdge e = cycle.get(i);
            WaitEdge v = cycle.get(victim);
            long d = e.sinceNanos() - v.sinceNanos(); // nanoTime differences, not values, are comparable
            if (d > 0 || d == 0 && e.waiter().threadId() > v.waiter().threadId()) {
                victim = i;
            }
        }
        List<WaitEdge> rotated = new ArrayList<>(cycle.size());
        for (int i = 1; i <= cycle.size(); i++) {
            rotated.add(cycle.get((victim + i) % cycle.size()));
        }
        this.waits = List.copyOf(rotated);
    }

    /** The waits of the cycle, in wait-for order, starting after the victim's: the victim's wait is last. */
    public List<WaitEdge> waits() {
        return waits;
    }

    /** The wait a detector that breaks deadlocks fails: the youngest. */
    public WaitEdge victim() {
        return waits.getLast();
    }

    /** The threads of the cycle, in the order of {@link #waits()}. */
    public List<Thread> threads() {
        return waits.stream().map(WaitEdge::waiter).toList();
    }

    /**
     * The cycle as one line of threads and their paths, for example
     * {@code 'worker-1' [app/a] -> 'worker-2' [app/b] -> 'worker-1' [app/a]}.
     */
    public String summary() {
        StringBuilder out = new StringBuilder();
        for (WaitEdge e : waits) {
            out.append(Deadlocks.who(e.waiter(), e.waiterPath())).append(" -> ");
        }
        WaitEdge first = waits.getFirst();
        return out.append(Deadlocks.who(first.waiter(), first.waiterPath())).toString();
    }

    /** The cycle, one wait per line (see {@link WaitEdge#describe()}), then the victim. */
    public String describe() {
        StringBuilder out = new StringBuilder("deadlock of ").append(waits.size()).append(waits.size() == 1
                ? " thread: " : " threads: ").append(summary()).append('\n');
        for (WaitEdge e : waits) {
            out.append("  ").append(e.describe()).append('\n');
        }
        WaitEdge v = victim();
        return out.append("  victim (the youngest wait): ").append(Deadlocks.who(v.waiter(), v.waiterPath()))
                .append('\n').toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
