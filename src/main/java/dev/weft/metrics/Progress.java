package dev.weft.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How far a task or operation got, and its estimated time to completion: from {@link Metrics#progress(String)}.
 * Either report work done out of a total ({@link #update(long, long)}), and the estimate is the time so far scaled
 * by the work left, or report an estimate directly ({@link #estimate(Duration)}), as a stub operation that knows its
 * own pace does. The latest report wins. Published as gauges {@code weft.progress.fraction} (0 to 1, NaN before any
 * report) and {@code weft.progress.remaining} (NaN while unknown), tagged {@code progress} with the name.
 *
 * <p>Thread safety: thread safe; a report and the values read from it are consistent (reports replace one immutable
 * snapshot).
 */
public final class Progress {
    private record Snapshot(double fraction, long remainingNanos) { } // remainingNanos < 0: unknown

    private final String name;
    private final long startNanos = System.nanoTime();
    private volatile Snapshot snapshot = new Snapshot(Double.NaN, -1);

    Progress(String name, MeterRegistry registry, Tags tags) {
        this.name = name;
        if (registry != null) {
            Tags all = tags.and("progress", name);
            Gauge.builder("weft.progress.fraction", this, p -> p.snapshot.fraction()).tags(all)
                    .description("fraction of the work done").register(registry);
            TimeGauge.builder("weft.progress.remaining", this, TimeUnit.NANOSECONDS, Progress::remainingOrNaN)
                    .tags(all).description("estimated time to completion").register(registry);
        }
    }

    private double remainingOrNaN() {
        long r = snapshot.remainingNanos();
        return r < 0 ? Double.NaN : r;
    }

    /** The name given to {@link Metrics#progress(String)}. */
    public String name() {
        return name;
    }

    /**
     * Reports {@code done} units of work out of {@code total}; the estimate becomes the time since this report was
     * made times {@code (total - done) / done} (unknown while {@code done} is 0).
     *
     * @throws IllegalArgumentException if {@code done < 0}, {@code total < 1} or {@code done > total}
     */
    public void update(long done, long total) {
        if (done < 0 || total < 1 || done > total) {
            throw new IllegalArgumentException("progress '" + name + "': need 0 <= done <= total and total >= 1, got "
                    + done + " of " + total);
        }
        long elapsed = System.nanoTime() - startNanos;
        long remaining = done == 0 ? -1 : (long) ((double) elapsed * (total - done) / done);
        snapshot = new Snapshot((double) done / total, remaining);
    }

    /**
     * Reports an estimate of the time left directly, keeping the last fraction done (or NaN).
     *
     * @throws NullPointerException     if {@code remaining} is null
     * @throws IllegalArgumentException if {@code remaining} is negative
     */
    public void estimate(Duration remaining) {
        if (remaining.isNegative()) {
            throw new IllegalArgumentException("progress '" + name + "': negative estimate " + remaining);
        }
        snapshot = new Snapshot(snapshot.fraction(), TimeUnit.NANOSECONDS.convert(remaining)); // saturates
    }

    /** Marks the work done: fraction 1, nothing remaining. */
    public void done() {
        snapshot = new Snapshot(1.0, 0);
    }

    /** The fraction of the work done last reported, or NaN before any. */
    public double fractionDone() {
        return snapshot.fraction();
    }

    /** The estimated time to completion, empty while unknown. */
    public Optional<Duration> estimatedRemaining() {
        long r = snapshot.remainingNanos();
        return r < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(r));
    }

    @Override
    public String toString() {
        return "Progress[" + name + ", " + fractionDone() + ", remaining " + estimatedRemaining().orElse(null) + "]";
    }
}
