package dev.weft.bench.cluster;

import java.util.Arrays;
import java.util.List;

/**
 * The timed rounds of one configuration, in nanoseconds: the median and the minimum the report quotes (the median
 * of an even count is the lower middle one: a time that was measured).
 *
 * @param nanos the rounds' times, in the order they ran
 */
public record Timings(List<Long> nanos) {
    /** Copies the list; at least one round. */
    public Timings {
        nanos = List.copyOf(nanos);
        if (nanos.isEmpty()) {
            throw new IllegalArgumentException("timings need at least one round");
        }
    }

    private long[] sorted() {
        long[] s = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(s);
        return s;
    }

    /** The median round (lower middle for an even count). */
    public long median() {
        long[] s = sorted();
        return s[(s.length - 1) / 2];
    }

    /** The fastest round. */
    public long min() {
        return sorted()[0];
    }

    /** The slowest round. */
    public long max() {
        long[] s = sorted();
        return s[s.length - 1];
    }

    /** {@code count} things per second at the median time. */
    public double perSecond(long count) {
        return count * 1e9 / median();
    }

    /** {@code count} things per second at the fastest round. */
    public double bestPerSecond(long count) {
        return count * 1e9 / min();
    }
}
