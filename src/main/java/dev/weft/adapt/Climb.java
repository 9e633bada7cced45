package dev.weft.adapt;

import java.util.Locale;

/**
 * {@link SpeedLaw#THROUGHPUT}: a hill climb on throughput. Not thread safe: {@link AdaptiveLimit} calls it under its
 * lock.
 *
 * <p>Measuring: throughput at a limit is measured by Little's law, the limit over the mean round trip of the tasks
 * that <em>started</em> at it (a task's start is its end less its run time), once half a limit's worth of them have
 * ended. Tasks started before the last move are not counted, so a measurement never mixes two limits; and a mean
 * round trip is far steadier than counting ends in a window, which comes in waves when many tasks start together
 * (first tried: windows of one round trip read anywhere from 2,000 to 66,000 pages a second on a steady 6,000).
 *
 * <p>Phases: RAMP steps the limit up by half after each measurement while throughput grows by {@link #GAIN} or more; when it
 * does not, the limit goes back to the best seen (BACK_OFF) and the climb HOLDs, averaging what the held limit does.
 * Holding, it probes every {@link #PROBE_EVERY} measurements, in turn one step up (x1.25) and one step down
 * (/1.25, for lower latency at the same throughput, as CPU-bound work has); a probe that pays (throughput up by {@link #GAIN}, or the same at the lower
 * limit) is kept, else undone. Measurements taken while the run could not fill the limit (nothing queued, under half
 * the limit running) say nothing about the limit and are dropped.
 */
final class Climb {
    static final double GAIN = 0.05;
    static final int PROBE_EVERY = 8;
    private static final double PROBE_STEP = 1.25;
    private static final int MIN_SAMPLE = 8;
    private static final int EARLY_SAMPLE = 32;
    /** Each step up while ramping: x1.5 lost less past the peak than doubling did (simulated: 85 % of the best, 74 %). */
    private static final double RAMP_STEP = 1.5;
    /** A measurement waits for half a limit's worth of ends: a quarter read 6-11 % high (the fastest end first). */
    private static final double SAMPLE = 0.5;

    private enum Phase { RAMP, HOLD, PROBE_UP, PROBE_DOWN }

    private final int ceiling;
    private int limit;
    private Phase phase = Phase.RAMP;
    /** Only tasks started at or after this count toward the measurement of the current limit. */
    private long regimeStart;
    private long ends;
    private long rttSum;
    private boolean appLimited;
    private int bestLimit;
    private double bestRate;
    private int holds;
    private boolean downNext = true; // probes alternate, up first
    /** What the last step said, for its decision. */
    String detail = "";
    Decision.Reason reason = Decision.Reason.GROW;

    Climb(int initial, int ceiling, long now) {
        this.ceiling = ceiling;
        this.limit = Math.max(1, Math.min(initial, ceiling));
        this.bestLimit = limit;
        this.regimeStart = now;
    }

    int limit() {
        return limit;
    }

    /**
     * A task ended after running {@code rtt} ns: counts it if it started at the current limit, and once enough have,
     * decides. Returns true when the limit moved.
     *
     * @param appLimited whether the run could not fill the limit when it ended (no queued work and under half the
     *                   limit running)
     */
    boolean onEnd(long rtt, long now, boolean appLimited) {
        if (now - rtt < regimeStart) {
            return false;
        }
        ends++;
        rttSum += rtt;
        this.appLimited |= appLimited;
        double meanRtt = Math.max(1, (double) rttSum / ends);
        double rate = limit * 1e9 / meanRtt;
        // the first ends of a sample are its fastest, so a partial sample flatters the limit: if even it does not
        // beat the best by the gain, the full one will not either, and every moment more at a limit past the peak
        // costs; so a step up is judged as soon as its flattering estimate fails
        boolean judgedEarly = (phase == Phase.RAMP || phase == Phase.PROBE_UP) && bestRate > 0
                && ends >= EARLY_SAMPLE && rate < bestRate * (1 + GAIN);
        if (!judgedEarly && ends < Math.max(MIN_SAMPLE, (int) (limit * SAMPLE))) {
            return false;
        }
        boolean limited = this.appLimited;
        regimeStart = now;
        ends = 0;
        rttSum = 0;
        this.appLimited = false;
        return !limited && decide(rate, meanRtt);
    }

    private boolean decide(double rate, double rtt) {
        int before = limit;
        switch (phase) {
            case RAMP -> {
                if (rate >= bestRate * (1 + GAIN) && limit < ceiling) {
                    best(rate, rtt);
                    limit = Math.min(ceiling, (int) Math.ceil(limit * RAMP_STEP));
                    say(Decision.Reason.GROW, "throughput %.0f/s, up from the best before: stepping up", rate);
                } else {
                    if (rate >= bestRate * (1 + GAIN)) {
                        best(rate, rtt);
                    }
                    phase = Phase.HOLD;
                    limit = bestLimit;
                    say(Decision.Reason.BACK_OFF, "throughput %.0f/s at %d did not beat %.0f/s at %d: holding the best",
                            rate, before, bestRate, bestLimit);
                }
            }
            case HOLD -> {
                // an average, not a record: a record of the luckiest measurement would make every probe look bad
                bestRate = bestRate * 0.7 + rate * 0.3;
                if (++holds < PROBE_EVERY) {
                    return false;
                }
                holds = 0;
                downNext = !downNext;
                if (downNext && limit > 1) {
                    phase = Phase.PROBE_DOWN;
                    limit = Math.max(1, (int) (limit / PROBE_STEP));
                    say(Decision.Reason.BACK_OFF, "round trip %.1f ms at %.0f/s: probing lower for the same throughput",
                            rtt / 1e6, rate);
                } else if (limit < ceiling) {
                    phase = Phase.PROBE_UP;
                    limit = Math.min(ceiling, (int) Math.ceil(limit * PROBE_STEP));
                    say(Decision.Reason.GROW, "throughput %.0f/s held: probing higher", rate);
                } else {
                    return false;
                }
            }
            case PROBE_UP -> {
                if (rate >= bestRate * (1 + GAIN)) {
                    best(rate, rtt);
                    phase = Phase.RAMP;
                    limit = Math.min(ceiling, (int) Math.ceil(limit * RAMP_STEP));
                    say(Decision.Reason.GROW, "probe paid, throughput %.0f/s: climbing again", rate);
                } else {
                    phase = Phase.HOLD;
                    limit = bestLimit;
                    say(Decision.Reason.BACK_OFF, "probe did not pay (%.0f/s against %.0f/s): back to %d", rate,
                            bestRate, bestLimit);
                }
            }
            case PROBE_DOWN -> {
                phase = Phase.HOLD;
                if (rate >= bestRate * (1 - GAIN)) {
                    best(rate, rtt);
                    say(Decision.Reason.BACK_OFF, "throughput %.0f/s kept at the lower limit: keeping it", rate);
                } else {
                    limit = bestLimit;
                    say(Decision.Reason.GROW, "throughput fell to %.0f/s at the lower limit: back to %d", rate,
                            bestLimit);
                }
            }
        }
        return limit != before;
    }

    private void best(double rate, double rtt) {
        bestRate = rate;
        bestLimit = limit;
    }

    private void say(Decision.Reason r, String format, Object... args) {
        reason = r;
        detail = String.format(Locale.ROOT, format, args);
    }
}
