package dev.weft.bench.cluster;

/**
 * One round of the worker-kill part: {@code runs} runs of {@code ms} milliseconds spread over three workers and a
 * victim, the victim killed ({@code Process.destroyForcibly}) once it had runs in flight.
 *
 * @param idempotent       whether the operation was {@code fanout.io} (idempotent) or {@code fanout.write} (not)
 * @param round            the round, from 1
 * @param runs             runs in the flow
 * @param ms               simulated I/O per run
 * @param inFlightAtKill   the victim's runs in flight (the driver's count) just before the kill
 * @param lost             the victim's runs in flight when the driver forgot it (taken as unreachable): the runs
 *                         sent again (idempotent) or reported (not); -1 if it was not seen to go
 * @param done             runs whose result came back
 * @param failed           runs reported failed ({@code ContextResult.failures()})
 * @param lostWithVictim   of the failures, those whose cause is a {@code MemberLostException} naming the victim
 * @param duplicates       runs answered more than once by the workers' counts (answered minus done; 0 expected)
 * @param partition        whether done and failed items are disjoint and together every item
 * @param killToForgottenNanos from the kill to the driver forgetting the victim (taken as unreachable: failure
 *                         detection, after which its runs are sent again or failed); -1 if not seen
 * @param killToEndNanos   from the kill to the run's end (its last result or failure)
 * @param killToLastFailureNanos from the kill to the last run reported failed; -1 with none
 * @param note             why the round is not complete, or ""
 */
public record KillRow(boolean idempotent, int round, int runs, int ms, int inFlightAtKill, int lost, int done,
                      int failed, int lostWithVictim, long duplicates, boolean partition, long killToForgottenNanos,
                      long killToEndNanos,
                      long killToLastFailureNanos, String note) {
    /** "fanout.io (idempotent)" or "fanout.write (not idempotent)". */
    public String operation() {
        return idempotent ? "fanout.io (idempotent)" : "fanout.write (not idempotent)";
    }
}
