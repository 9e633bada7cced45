package dev.weft.adapt;

import java.util.Locale;

/**
 * The memory side of an adaptive limit: how many tasks the budget holds, from what one task in flight costs. Not
 * thread safe: {@link AdaptiveLimit} calls it under its lock.
 *
 * <p>The cost of one task in flight is bounded from above by what tasks allocate (the JVM's total allocation counter
 * over the tasks that ended: per-thread counts are -1 for virtual threads; a task cannot hold more than it allocated),
 * and learned from collections of the whole heap: heap in use after one, above the run's start, divided by the tasks
 * in flight then (an exponential average), which also cuts the limit in proportion at once when it finds more than the
 * budget in use. Young collections are not used: the heap they leave still counts the old generation's garbage, which
 * under G1 with a large heap grows for minutes regardless of the run (first tried: a 5 MiB budget read 28 MiB "in use"
 * that a forced collection put at 5, cut the limit to 1, and a 10,000-page run took 240 s instead of 2).
 */
final class MemoryLaw {
    /** Tasks admitted before anything is known of their cost: a few, so that the first measurements come quickly. */
    static final int FIRST = 4;
    private static final double ALPHA = 0.3;
    private static final int ALLOCATION_SAMPLE = 16;

    private long budget;
    /**
     * What was live before the run, as best known: the heap in use at the start (garbage included, so too high)
     * lowered by every collection that leaves less. Too high a base reads the run's own memory as too little (a
     * run that started on a heap full of another run's garbage learned 0.04 MiB a context and overran its budget).
     */
    private long base;
    private double perTask; // bytes per task in flight; 0 until known
    private boolean fromCollections;
    private int limit = FIRST;
    private long ended;
    private long allocatedAtStart;
    String detail = "";

    MemoryLaw(long budget, long base, long allocatedAtStart) {
        this.budget = budget;
        this.base = base;
        this.allocatedAtStart = allocatedAtStart;
    }

    int limit() {
        return limit;
    }

    long budget() {
        return budget;
    }

    /** The learned cost of one task in flight, bytes (0 while unknown). */
    double perTask() {
        return perTask;
    }

    /** A new budget (the machine's, re-read). Returns true if the limit moved. */
    boolean budget(long bytes) {
        budget = bytes;
        return recompute("budget now " + Bytes.mib(bytes));
    }

    /** A task ended; {@code allocatedNow} reads the JVM's allocation counter (-1 if it has none). */
    boolean onEnd(java.util.function.LongSupplier allocatedNow) {
        ended++;
        if (fromCollections || ended % ALLOCATION_SAMPLE != 0) {
            return false;
        }
        long allocated = allocatedNow.getAsLong(); // read only when sampled: an MXBean call on every end's path
        if (allocated < 0) {
            return false;
        }
        double byAllocation = (double) (allocated - allocatedAtStart) / ended;
        if (byAllocation <= 0) {
            return false;
        }
        perTask = perTask == 0 ? byAllocation : Math.min(perTask, byAllocation);
        return recompute(String.format(Locale.ROOT, "tasks allocate %s each (an upper bound of what they hold)",
                Bytes.mib((long) byAllocation)));
    }

    /**
     * A collection left {@code heapAfter} bytes in use with {@code inFlight} tasks running; only one of the whole heap
     * ({@code wholeHeap}) is used.
     */
    boolean onCollection(long heapAfter, int inFlight, boolean wholeHeap) {
        if (!wholeHeap) {
            return false;
        }
        base = Math.min(base, heapAfter);
        long used = heapAfter - base;
        if (inFlight <= 0) {
            return false;
        }
        double ratio = (double) used / inFlight;
        perTask = !fromCollections || perTask == 0 ? ratio : perTask * (1 - ALPHA) + ratio * ALPHA;
        fromCollections = true;
        if (used > budget && used > 0) {
            int cut = Math.max(1, (int) ((double) inFlight * budget / used));
            int before = limit;
            limit = Math.min(limit, cut);
            detail = String.format(Locale.ROOT, "a collection left %s in use, over the budget of %s: cut to %d",
                    Bytes.mib(used), Bytes.mib(budget), limit);
            return limit != before;
        }
        return recompute(String.format(Locale.ROOT, "a collection left %s in use with %d in flight (%s each)",
                Bytes.mib(used), inFlight, Bytes.mib((long) ratio)));
    }

    private boolean recompute(String why) {
        if (perTask <= 0) {
            return false;
        }
        int before = limit;
        long fit = (long) (budget / perTask);
        // grow at most doubling per step: the cost per task was learned at the old limit and may not hold at twice it
        limit = (int) Math.max(1, Math.min(fit, Math.max(2L * before, FIRST)));
        detail = String.format(Locale.ROOT, "%s; budget %s holds %d", why, Bytes.mib(budget), fit);
        return limit != before;
    }
}
