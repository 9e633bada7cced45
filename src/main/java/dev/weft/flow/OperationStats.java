package dev.weft.flow;

import java.time.Duration;

/**
 * Counts and timings of one operation instance over a run (all contexts): what the metrics layer exports.
 *
 * @param instance  the operation instance
 * @param runs      parameter sets run (each counted once, however many attempts it took)
 * @param failures  runs that failed after their last attempt
 * @param totalTime time spent running, summed over runs (lock waits excluded)
 * @param maxTime   the longest single run
 */
public record OperationStats(String instance, long runs, long failures, Duration totalTime, Duration maxTime) {
    /** Average time per run; zero when nothing ran. */
    public Duration meanTime() {
        return runs == 0 ? Duration.ZERO : totalTime.dividedBy(runs);
    }
}
