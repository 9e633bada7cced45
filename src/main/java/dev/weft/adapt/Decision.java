package dev.weft.adapt;

/**
 * One move of an adaptive limit, and why: what the live view and the metrics show, and what a run's decision
 * listener receives ({@code Orchestrator.Options.withDecisions}). Immutable.
 *
 * @param atNanos  when it was decided ({@link System#nanoTime()})
 * @param limit    the limit from now on
 * @param previous the limit before
 * @param reason   what moved it
 * @param detail   one line a person can read: the measurements behind the move
 * @param inFlight work running when it was decided
 * @param queued   work waiting for the limit when it was decided
 */
public record Decision(long atNanos, int limit, int previous, Reason reason, String detail, int inFlight,
                       int queued) {

    /** What moved a limit. */
    public enum Reason {
        /** The run started at this limit. */
        START,
        /** Throughput grew at the last step up: step up again. */
        GROW,
        /** Throughput stopped growing, or latency rose without it: back to the best limit seen. */
        BACK_OFF,
        /** The latency control law (Netflix concurrency-limits) moved the limit. */
        LATENCY,
        /** The memory budget: measured or declared memory left room to grow, or asked for less. */
        MEMORY,
        /** The machine's limits, re-read, moved the budget or the ceiling. */
        MACHINE
    }

    @Override
    public String toString() {
        return reason + " " + previous + " -> " + limit + " (in flight " + inFlight + ", queued " + queued + "): "
                + detail;
    }
}
