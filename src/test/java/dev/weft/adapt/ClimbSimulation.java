package dev.weft.adapt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A deterministic discrete-event simulation, in virtual time, of the downloader scenario under a concurrency limit:
 * {@code jobs} jobs, at most the limit in flight, each taking the server's latency at the concurrency it starts
 * under. The server is a {@link Curve}: throughput {@code X(L)} and latency {@code R(L) = max(R0, L / X(L))}. The
 * limit is either fixed or {@link Climb}'s, fed every job's end with its round trip and the virtual time, as
 * {@link AdaptiveLimit#onTaskEnd} feeds it (a window is application-limited when nothing is queued and under half the
 * limit runs). Not thread safe; each run is a pure function of its arguments.
 */
final class ClimbSimulation {
    private ClimbSimulation() {
    }

    /** The latency of one job with nothing else running: 50 ms, as measured against the downloader's server. */
    static final double R0 = 0.050;

    /**
     * The measured sweep on 2 cores at 10,000 pages, relative to its peak (2,000 in flight, 6,750 pages/s): L/peak
     * against X/peak rate.
     */
    private static final double[] REL_L = {0.25, 0.5, 1, 2.5, 5};
    private static final double[] REL_X = {3_700 / 6_750.0, 4_600 / 6_750.0, 1, 4_900 / 6_750.0, 1_700 / 6_750.0};

    /**
     * A server: the measured curve's shape moved to peak at {@code peak} in flight with {@code peakRate} jobs/s, and
     * each job's latency multiplied by a uniform factor in {@code [1 - noise, 1 + noise]} (seeded by {@code seed}).
     * Below a quarter of the peak the latency stays what it is there (throughput proportional to L); above five times
     * the peak the throughput falls as 1/L.
     */
    record Curve(int peak, double peakRate, double noise, long seed) {
        /** The sweep as measured: peak at 2,000 in flight, 6,750 pages/s. */
        static Curve measured(double noise, long seed) {
            return new Curve(2_000, 6_750, noise, seed);
        }

        double throughput(double l) {
            double r = l / peak;
            if (r <= REL_L[0]) {
                return REL_X[0] * peakRate * r / REL_L[0];
            }
            if (r >= REL_L[REL_L.length - 1]) {
                return REL_X[REL_X.length - 1] * peakRate * REL_L[REL_L.length - 1] / r;
            }
            int i = 0;
            while (REL_L[i + 1] < r) {
                i++;
            }
            double f = Math.log(r / REL_L[i]) / Math.log(REL_L[i + 1] / REL_L[i]);
            return peakRate * (REL_X[i] + f * (REL_X[i + 1] - REL_X[i]));
        }

        /** Seconds for one job with {@code l} in flight. */
        double latency(int l) {
            return Math.max(R0, l / throughput(l));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "curve(peak %d in flight, %.0f/s, noise %.0f%%, seed %d)", peak, peakRate,
                    noise * 100, seed);
        }
    }

    /** How a run went: its virtual length, and for a climb every move of the limit. */
    record Result(long nanos, List<String> trace) {
        double seconds() {
            return nanos / 1e9;
        }
    }

    /** A run at a fixed limit. */
    static Result fixed(Curve curve, int jobs, int limit) {
        return run(curve, jobs, limit, null);
    }

    /** A run under a climb starting at {@code initial}, under {@code ceiling}. */
    static Result climb(Curve curve, int jobs, int initial, int ceiling) {
        return run(curve, jobs, 0, new Climb(initial, ceiling, 0));
    }

    /** The best fixed limit for this curve and job count, swept over a geometric grid from 1 to 10,000 (x1.1). */
    static int[] bestFixed(Curve curve, int jobs) {
        long best = Long.MAX_VALUE;
        int bestL = 0;
        for (double l = 1; l < 10_000 * 1.1; l *= 1.1) {
            int li = (int) Math.min(10_000, Math.round(l));
            long t = fixed(curve, jobs, li).nanos();
            if (t < best) {
                best = t;
                bestL = li;
            }
        }
        return new int[] {bestL, (int) Math.min(Integer.MAX_VALUE, best / 1_000)}; // limit, micros
    }

    private static Result run(Curve curve, int jobs, int fixedLimit, Climb climb) {
        Random random = new Random(curve.seed());
        PriorityQueue<long[]> ends = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0])); // {end, start}
        List<String> trace = new ArrayList<>();
        long now = 0;
        int started = 0, inFlight = 0;
        if (climb != null) {
            trace.add("0 ms: " + climb.limit());
        }
        while (true) {
            int limit = climb == null ? fixedLimit : climb.limit();
            int fresh = 0;
            while (started < jobs && inFlight < limit) {
                started++;
                inFlight++;
                fresh++;
            }
            // Jobs started together all see the concurrency they make together.
            for (int i = 0; i < fresh; i++) {
                double factor = 1 + curve.noise() * (2 * random.nextDouble() - 1);
                long d = Math.max(1, (long) (curve.latency(inFlight) * factor * 1e9));
                ends.add(new long[] {now + d, now});
            }
            long[] e = ends.poll();
            if (e == null) {
                return new Result(now, trace);
            }
            now = e[0];
            if (climb != null) {
                int queued = jobs - started;
                boolean appLimited = queued == 0 && inFlight < climb.limit() / 2;
                if (climb.onEnd(now - e[1], now, appLimited)) {
                    trace.add(String.format(Locale.ROOT, "%d ms: %d (%s)", now / 1_000_000, climb.limit(),
                            climb.detail));
                }
            }
            inFlight--;
        }
    }
}
