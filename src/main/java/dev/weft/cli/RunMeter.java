package dev.weft.cli;

import dev.weft.tube.Epoch;
import dev.weft.tube.TubeObserver;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What {@code ./weft tube run} tells on standard error: a progress line while a run is long (after a second; on a
 * terminal rewritten in place a few times a second, elsewhere a line every few seconds), and the closing summary
 * (epochs, time, epochs per second, runs per node). A {@link TubeObserver}: called on the runner's threads, so its
 * counts are atomic and a progress line is printed by one thread at a time.
 */
final class RunMeter implements TubeObserver {
    private static final long SHOW_AFTER = TimeUnit.SECONDS.toNanos(1);

    private final String tubeId;
    private final List<String> order;
    private final int total;
    private final PrintStream progress;
    private final boolean terminal;
    private final long interval;
    private final long start = System.nanoTime();
    private final AtomicLong epochs = new AtomicLong();
    private final AtomicLong lastShown = new AtomicLong(System.nanoTime());
    private final Map<String, LongAdder> runs = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private volatile int shownWidth;

    /**
     * @param order    the tube's node ids, the order the summary lists them in
     * @param total    the epochs asked for
     * @param progress where progress lines go, or {@code null} for none
     * @param terminal whether that is a terminal (the line is rewritten in place)
     */
    RunMeter(String tubeId, List<String> order, int total, PrintStream progress, boolean terminal) {
        this.tubeId = tubeId;
        this.order = List.copyOf(order);
        this.total = total;
        this.progress = progress;
        this.terminal = terminal;
        this.interval = terminal ? TimeUnit.MILLISECONDS.toNanos(200) : TimeUnit.SECONDS.toNanos(5);
    }

    @Override
    public void nodeRan(String tube, String nodeId, Epoch epoch, Duration time, boolean failed) {
        String key = tube.equals(tubeId) ? nodeId : tube + "/" + nodeId; // a tube node's inner tube, apart
        runs.computeIfAbsent(key, k -> new LongAdder()).increment();
        if (failed) {
            failures.computeIfAbsent(key, k -> new LongAdder()).increment();
        }
    }

    @Override
    public void epochEnded(String tube, Epoch epoch, Duration time, int inFlight) {
        if (!tube.equals(tubeId) || !epoch.isRoot()) {
            return;
        }
        long done = epochs.incrementAndGet();
        if (progress == null) {
            return;
        }
        long now = System.nanoTime();
        long last = lastShown.get();
        if (now - start < SHOW_AFTER || now - last < interval || !lastShown.compareAndSet(last, now)) {
            return;
        }
        double rate = done / ((now - start) / 1e9);
        String line = "weft tube: " + tubeId + ": " + done + "/" + total + " epochs, " + rate(rate) + " epochs/s"
                + (rate > 0 && done < total ? ", about " + seconds((total - done) / rate) + " left" : "");
        synchronized (progress) {
            if (terminal) {
                progress.print("\r" + line + " ".repeat(Math.max(0, shownWidth - line.length())));
                shownWidth = line.length();
            } else {
                progress.println(line);
            }
            progress.flush();
        }
    }

    /** Wipes a progress line left on a terminal, so the summary starts on a clean line. */
    void clearProgress() {
        if (progress != null && terminal && shownWidth > 0) {
            synchronized (progress) {
                progress.print("\r" + " ".repeat(shownWidth) + "\r");
                progress.flush();
                shownWidth = 0;
            }
        }
    }

    /** Root epochs of this tube that ended. */
    long epochs() {
        return epochs.get();
    }

    /**
     * The closing line.
     *
     * @param calls  process calls made (epochs run) when the CLI counted them itself, else -1 to use the observed
     * @param ranOut why the run ended early (a source's message), or {@code null}
     */
    String summary(String runner, int calls, int values, long nanos, String ranOut) {
        long done = calls >= 0 ? calls : epochs.get();
        double secs = nanos / 1e9;
        StringBuilder b = new StringBuilder("weft tube: ").append(tubeId).append(": ").append(done)
                .append(done == 1 ? " epoch" : " epochs").append(", ").append(values)
                .append(values == 1 ? " value" : " values").append(" in ").append(seconds(secs))
                .append(" (").append(rate(secs > 0 ? done / secs : 0.0)).append(" epochs/s, ")
                .append(runner).append(" runner)");
        if (done < total) {
            b.append("; ended after ").append(done).append(" of ").append(total).append(" epochs")
                    .append(ranOut != null ? ": " + ranOut : " (a source ran out)");
        }
        List<String> keys = new ArrayList<>();
        for (String id : order) {
            if (runs.containsKey(id)) {
                keys.add(id);
            }
        }
        runs.keySet().stream().filter(k -> !keys.contains(k)).sorted().forEach(keys::add);
        if (!keys.isEmpty()) {
            b.append("; node runs:");
            for (String k : keys) {
                b.append(' ').append(k).append(' ').append(runs.get(k).sum());
                LongAdder failed = failures.get(k);
                if (failed != null) {
                    b.append(" (").append(failed.sum()).append(" failed)");
                }
                b.append(',');
            }
            b.setLength(b.length() - 1);
        }
        return b.toString();
    }

    /** A rate with two significant figures or more: 0.67, 6.7, 67, 670. */
    private static String rate(double r) {
        return String.format(Locale.ROOT, r < 1 ? "%.2f" : r < 10 ? "%.1f" : "%.0f", r);
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, s < 1 ? "%.3f s" : s < 10 ? "%.1f s" : "%.0f s", s);
    }
}
