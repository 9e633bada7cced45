package dev.weft.demo;

/**
 * One decision of the adaptive orchestrator during a row's timed round, as the report keeps it: when, relative to
 * the round's start, and what it set. Converted from {@code dev.weft.adapt.Decision} by {@link Adaptive}, so the
 * CSV and the plot ({@link LimitFiles}) do not depend on the library's type.
 *
 * @param seconds  seconds since the round started
 * @param limit    the limit set: contexts at once
 * @param previous the limit before it
 * @param inFlight contexts running when it was set
 * @param queued   contexts waiting when it was set
 * @param reason   why it moved, the {@code Decision.Reason} constant's name
 * @param detail   why, in one line
 * @param notStarted contexts of the run not yet started when it was set (its size less those done and in flight,
 *                 counted by the report), or -1 if unknown
 */
public record LimitPoint(double seconds, int limit, int previous, int inFlight, int queued, String reason,
                         String detail, int notStarted) {
    /** A point without the report's count of contexts not yet started. */
    public LimitPoint(double seconds, int limit, int previous, int inFlight, int queued, String reason,
                      String detail) {
        this(seconds, limit, previous, inFlight, queued, reason, detail, -1);
    }
}
