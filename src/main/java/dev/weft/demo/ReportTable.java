package dev.weft.demo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The printed table of one size's rows and the closing lines saying what the figures show, decided from them
 * ({@link #compare}): medians within 10% of each other are called the same, since a shared 2-core machine moves
 * them more than that.
 */
final class ReportTable {
    /** Medians closer than this ratio are called the same: a shared 2-core machine moves them more than that. */
    static final double SAME_WITHIN = 1.10;

    private ReportTable() {
    }

    /** The table: one row per variant, every column as wide as its widest cell. */
    static String table(List<DownloaderReport.Row> rows, boolean nmt) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"approach", "threads", "at once", "conns", "wall time", "rounds", "peak heap",
            "kept", "peak live", "stacks", "pages ok"});
        for (DownloaderReport.Row p : rows) {
            cells.add(new String[] {approach(p), Variants.threads(p.variant(), p.atOnce()),
                Integer.toString(p.atOnce()), Integer.toString(p.connections()),
                seconds(p.wallNanos()) + (p.extrapolated() ? " (est.)" : ""),
                p.rounds().size() == 1 ? "1: " + seconds(p.fastest()) + (p.extrapolated() ? " for " + p.measured()
                        : "") : p.rounds().size() + ": " + range(p),
                mib(p.heap()), mib(p.kept()), mib(p.peakLive()), nmt ? mib(p.stacks()) : "n/a",
                p.ok() + "/" + p.measured() + (p.failedReported() == 0 ? "" : " failed " + p.failedReported())
                        + (p.lost() == 0 ? "" : " LOST " + p.lost())});
        }
        int[] widths = new int[cells.get(0).length];
        for (String[] r : cells) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        StringBuilder t = new StringBuilder("\n");
        for (int k = 0; k < cells.size(); k++) {
            String[] r = cells.get(k);
            for (int i = 0; i < r.length; i++) {
                t.append(i == 0 ? "" : " | ").append(r[i]).append(" ".repeat(widths[i] - r[i].length()));
            }
            t.append('\n');
            if (k == 0) {
                for (int i = 0; i < widths.length; i++) {
                    t.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
                }
                t.append('\n');
            }
        }
        return t.toString();
    }

    /** A row's name in the table. */
    static String approach(DownloaderReport.Row p) {
        return Variants.approach(p.variant(), p.atOnce(), p.measured(), p.requests(), p.budget());
    }

    /**
     * What the figures show, in words decided from them: at each level with both a thread pool and a Weft scope,
     * the two compared (the same when their medians are within 10%), what each kept and what the open connections
     * hold; the data flow against the scope at its level; the serial estimate against the fastest scope; then how
     * it was measured.
     */
    static String conclusions(List<DownloaderReport.Row> rows, DownloaderReport.Options options,
                              Map<Integer, Long> connectionHeap) {
        StringBuilder t = new StringBuilder("\n");
        Set<Integer> levels = new HashSet<>();
        for (DownloaderReport.Row pool : rows) {
            Optional<DownloaderReport.Row> scope = find(rows, "weft-scope", pool.atOnce());
            // one line per level: with fewer pages than a pool's threads, two pools can run at the same level
            if (!pool.variant().startsWith("thread-pool") || pool.extrapolated() || scope.isEmpty()
                    || !levels.add(pool.atOnce())) {
                continue;
            }
            DownloaderReport.Row weft = scope.get();
            int level = pool.atOnce();
            double bound = Math.ceil((double) pool.requests() / level) * options.delayMs() / 1000.0;
            t.append(String.format(Locale.ROOT, "%d at a time, each over the same %d kept-alive connection%s (the "
                            + "server's delay alone: %.2f s): platform pool of %d %s, Weft scope %s (%s): %s.%n", level,
                    level, level == 1 ? "" : "s", bound, level, seconds(pool.measuredNanos()),
                    seconds(weft.measuredNanos()), options.rounds() == 1 ? "one round each"
                            : "medians of " + options.rounds() + " rounds",
                    compare("the pool", pool, "Weft", weft)));
            t.append(String.format(Locale.ROOT, "  kept with half the pages done: pool %s (%s of it thread stacks), "
                            + "Weft %s (%s of it thread stacks); the %d open connections themselves hold %s, before "
                            + "the run, in both.%n", mib(pool.kept()), mib(pool.keptStacks()), mib(weft.kept()),
                    mib(weft.keptStacks()), level, mib(connectionHeap.getOrDefault(level, -1L))));
        }
        Optional<DownloaderReport.Row> flow = rows.stream().filter(r -> r.variant().startsWith("weft-dataflow")
                && !r.adaptive()).findFirst();
        Optional<DownloaderReport.Row> flowScope = flow.flatMap(f -> find(rows, "weft-scope", f.atOnce()));
        if (flow.isPresent() && flowScope.isPresent()) {
            t.append(String.format(Locale.ROOT, "Weft data flow against Weft scope at %d at a time: %s.%n",
                    flow.get().atOnce(), compare("the data flow", flow.get(), "the scope", flowScope.get())));
        }
        Optional<DownloaderReport.Row> serial = rows.stream().filter(r -> r.variant().equals("serial")).findFirst();
        Optional<DownloaderReport.Row> fastest = rows.stream().filter(r -> r.variant().startsWith("weft-scope"))
                .min((a, b) -> Long.compare(a.measuredNanos(), b.measuredNanos()));
        if (serial.isPresent() && fastest.isPresent()) {
            DownloaderReport.Row s = serial.get();
            t.append(String.format(Locale.ROOT, "Serial%s: %s, %.0fx the Weft scope at %d at a time.%n",
                    s.extrapolated() ? " (estimated from " + s.measured() + " pages)" : "", seconds(s.wallNanos()),
                    (double) s.wallNanos() / fastest.get().measuredNanos(), fastest.get().atOnce()));
        }
        t.append(adaptive(rows));
        t.append("""
                at once: requests in flight at most (an adaptive row: the highest limit it set); conns: distinct \
                connections the server saw in a timed round.
                wall time: median of the timed rounds (rounds: how many, and their range), each run after an \
                untimed one of its own and the connections' warm-up.
                kept: heap after a forced collection plus committed thread stacks, above the JVM's before the run, \
                with half the pages done (in the untimed run); virtual thread stacks live in the heap.
                peak live: the largest of three such forced collections, a quarter, half and three quarters of the \
                pages done (the adaptive memory goal's measure).
                peak heap: heap used, sampled every 20 ms in the timed rounds; it counts garbage not yet collected, so \
                it mostly says when the collector ran. stacks: peak committed thread stacks (Native Memory Tracking).
                The server and the HTTP client share this JVM and are counted in every row.
                """);
        return t.toString();
    }

    /**
     * The adaptive rows of one size in words, or "" without any: the speed row's median time against the fastest
     * fixed data flow row's (the goal: within 10%); each memory row's peak live against its budget (goal: not
     * above it by more than 10%) and its time and pages/s against the speed row's.
     */
    static String adaptive(List<DownloaderReport.Row> rows) {
        StringBuilder t = new StringBuilder();
        Optional<DownloaderReport.Row> best = rows.stream().filter(r -> r.variant().startsWith("weft-dataflow")
                && !r.adaptive() && !r.extrapolated())
                .min((a, b) -> Long.compare(a.measuredNanos(), b.measuredNanos()));
        Optional<DownloaderReport.Row> speed = rows.stream().filter(r -> r.variant().equals("weft-dataflow-speed"))
                .findFirst();
        if (speed.isPresent() && best.isPresent()) {
            DownloaderReport.Row sp = speed.get(), b = best.get();
            double ratio = (double) sp.measuredNanos() / b.measuredNanos();
            t.append(String.format(Locale.ROOT, "Speed goal at %d pages: %s (highest limit %d), the fastest fixed "
                            + "data flow (%s, %d at once) %s: %.2fx its time, %s (the goal: within 10%%, at most 1.10x; "
                            + "%s).%n", sp.requests(), seconds(sp.measuredNanos()), sp.atOnce(), b.variant(),
                    b.atOnce(), seconds(b.measuredNanos()),
                    ratio, ratio <= SAME_WITHIN ? "met" : "missed", compare("speed", sp, b.variant(), b)));
        }
        for (DownloaderReport.Row m : rows) {
            if (!m.variant().startsWith("weft-dataflow-memory")) {
                continue;
            }
            double share = m.budget() > 0 && m.peakLive() >= 0 ? (double) m.peakLive() / m.budget() : Double.NaN;
            t.append(String.format(Locale.ROOT, "Memory goal at %d pages (%s): peak live %s against a budget of %s, "
                            + "%.2fx it, %s", m.requests(), m.label(), mib(m.peakLive()), mib(m.budget()), share,
                    Double.isNaN(share) ? "not measured" : share <= SAME_WITHIN ? "met (at most 1.10x)"
                            : "missed (above 1.10x)"));
            if (speed.isPresent()) {
                DownloaderReport.Row sp = speed.get();
                t.append(String.format(Locale.ROOT, "; %s, %.2fx the speed row's time (%.0f pages/s against %.0f, "
                                + "%.0f%% fewer), peak live %s", seconds(m.measuredNanos()),
                        (double) m.measuredNanos() / sp.measuredNanos(), m.throughput(), sp.throughput(),
                        (1 - m.throughput() / sp.throughput()) * 100, sp.peakLive() > 0 && m.peakLive() >= 0
                                ? String.format(Locale.ROOT, "%.2fx the speed row's", (double) m.peakLive()
                                / sp.peakLive()) : "not comparable (the speed row's is 0 or unmeasured)"));
            }
            t.append(".\n");
        }
        return t.toString();
    }

    private static Optional<DownloaderReport.Row> find(List<DownloaderReport.Row> rows, String kind, int atOnce) {
        return rows.stream().filter(r -> r.variant().startsWith(kind) && r.atOnce() == atOnce && !r.extrapolated())
                .findFirst();
    }

    /**
     * The verdict on two rows' timed rounds: "within 10% of each other" when their medians are closer than
     * {@link #SAME_WITHIN}; else which is faster by the medians, and whether the rounds' ranges are apart or overlap;
     * with a single round either way, says there is no spread to judge by.
     */
    static String compare(String aName, DownloaderReport.Row a, String bName, DownloaderReport.Row b) {
        String ranges = String.format(Locale.ROOT, "%s %s, %s %s", aName, range(a), bName, range(b));
        long am = a.measuredNanos(), bm = b.measuredNanos();
        boolean aFaster = am < bm;
        double ratio = aFaster ? (double) bm / am : (double) am / bm;
        String faster = aFaster ? aName : bName;
        if (a.rounds().size() < 2 || b.rounds().size() < 2) {
            return String.format(Locale.ROOT, "%s %.2fx faster in one round each, no spread to judge by (%s)",
                    faster, ratio, ranges);
        }
        if (ratio < SAME_WITHIN) {
            return String.format(Locale.ROOT, "within %.0f%% of each other, the same here (%s %.0f%% faster by the "
                    + "medians; %s)", (SAME_WITHIN - 1) * 100, faster, (ratio - 1) * 100, ranges);
        }
        boolean overlap = a.fastest() <= b.slowest() && b.fastest() <= a.slowest();
        return String.format(Locale.ROOT, "%s %.2fx faster by the medians, %s (%s)", faster, ratio,
                overlap ? "but the rounds' ranges overlap" : "the ranges apart", ranges);
    }

    private static String range(DownloaderReport.Row p) {
        return String.format(Locale.ROOT, "%.2f-%.2f s", p.fastest() / 1e9, p.slowest() / 1e9);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
