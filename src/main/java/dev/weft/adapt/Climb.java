package dev.weft.adapt;

import java.util.Locale;

/**
 * {@link SpeedLaw#THROUGHPUT}: a hill climb on throughput, one measuring window per mean round trip. Not thread safe:
 * {@link AdaptiveLimit} calls it under its lock.
 *
 * <p>Phases: RAMP doubles the limit every window while throughput grows by {@link #GAIN} or more; when it does not,
 * the limit goes back to the best seen (BACK_OFF) and the climb HOLDs. Holding, it probes: every
 * {@link #PROBE_EVERY} windows one step up (x1.5) and, when latency rose since the best window, one step down (/1.5);
 * a probe that pays (throughput up by {@link #GAIN}, or the same throughput at the lower limit) is kept, else undone.
 * After every move one window is skipped, so that the next measures the new limit and not the change.
 */
final class Climb {
    static final double GAIN = 0.05;
    static final int PROBE_EVERY = 4;
    private static final long MIN_WINDOW = 10_000_000L; // 10 ms: enough ends to count at any rate worth climbing
    private static final long MAX_WINDOW = 1_000_000_000L;

    private enum Phase { RAMP, HOLD, PROBE_UP, PROBE_DOWN }

    private final int ceiling;
    private int limit;
    private Phase phase = Phase.RAMP;
    private boolean settling = true;
    private long windowStart;
    private long ends;
    private long rttSum;
    private double lastRtt; // mean round trip of the last full window, ns
    private int bestLimit;
    private double bestRate;
    private double bestRtt;
    private int holds;
    /** What the last step said, for its decision. */
    String detail = "";
    Decision.Reason reason = Decision.Reason.GROW;

    Climb(int initial, int ceiling, long now) {
        this.ceiling = ceiling;
        this.limit = Math.max(1, Math.min(initial, ceiling));
        this.bestLimit = limit;
        this.windowStart = now;
    }

    int limit() {
        return limit;
    }

    /**
     * A task ended: counts it, and at the end of a window decides. Returns true when the limit moved.
     *
     * @param appLimited whether the run could not fill the limit (no queued work and under half the limit running):
     *                   such windows say nothing about the limit, and are not used
     */
    boolean onEnd(long rtt, long now, boolean appLimited) {
        ends++;
        rttSum += rtt;
        if (lastRtt == 0) {
            lastRtt = rtt;
        }
        long window = Math.max(MIN_WINDOW, Math.min(MAX_WINDOW, (long) lastRtt));
        long elapsed = now - windowStart;
        if (elapsed < window || ends < 8) {
            return false;
        }
        double rate = ends * 1e9 / elapsed;
        double meanRtt = (double) rttSum / ends;
        lastRtt = meanRtt;
        windowStart = now;
        ends = 0;
        rttSum = 0;
        if (settling || appLimited) {
            settling = false;
            return false;
        }
        return decide(rate, meanRtt);
    }

    private boolean decide(double rate, double rtt) {
        int before = limit;
        switch (phase) {
            case RAMP -> {
                if (rate >= bestRate * (1 + GAIN) && limit < ceiling) {
                    best(rate, rtt);
                    limit = Math.min(ceiling, limit * 2);
                    say(Decision.Reason.GROW, "throughput %.0f/s, up from the best before: doubling", rate);
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
                if (limit == bestLimit && rate > bestRate) {
                    bestRate = rate; // the held limit does better than measured when it was chosen: keep the record
                }
                if (++holds < PROBE_EVERY) {
                    return false;
                }
                holds = 0;
                if (rtt > bestRtt * 1.5 && limit > 1) {
                    phase = Phase.PROBE_DOWN;
                    limit = Math.max(1, (int) (limit / 1.5));
                    say(Decision.Reason.BACK_OFF, "round trip %.1f ms, up from %.1f ms at the best: probing lower",
                            rtt / 1e6, bestRtt / 1e6);
                } else if (limit < ceiling) {
                    phase = Phase.PROBE_UP;
                    limit = Math.min(ceiling, (int) Math.ceil(limit * 1.5));
                    say(Decision.Reason.GROW, "throughput %.0f/s held: probing higher", rate);
                } else {
                    return false;
                }
            }
            case PROBE_UP -> {
                if (rate >= bestRate * (1 + GAIN)) {
                    best(rate, rtt);
                    phase = Phase.RAMP;
                    limit = Math.min(ceiling, limit * 2);
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
        settling = true;
        return limit != before;
    }

    private void best(double rate, double rtt) {
        bestRate = rate;
        bestRtt = rtt;
        bestLimit = limit;
    }

    private void say(Decision.Reason r, String format, Object... args) {
        reason = r;
        detail = String.format(Locale.ROOT, format, args);
    }
}
