package dev.weft.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Writes the downloader report's CSVs (one row per variant and size; one per variant, size and failure cause), its
 * three plots (PNG, drawn by XChart from a {@link LogPlot}) and its Markdown summary; with adaptive rows, their limit
 * over time too ({@code limits.csv}, {@code limit.png}: {@link LimitFiles}).
 */
final class ReportFiles {
    /** The CSV's header line. */
    static final String CSV_HEADER = "variant,requests,measured_requests,measured_s,wall_s,extrapolated,"
            + "throughput_per_s,peak_heap_bytes,peak_stacks_bytes,peak_children_rss_bytes,peak_total_bytes,"
            + "kept_bytes,connections,ok,failed_reported,lost,expected_failures,unreported_failures,peak_live_bytes,"
            + "budget_bytes,at_once";
    /** The failure causes CSV's header line. */
    static final String FAILURES_HEADER = "variant,requests,pages,cause";

    private ReportFiles() {
    }

    /** Writes the files of {@code result}'s rows into {@link DownloaderReport.Options#out()}. */
    static DownloaderReport.Result write(DownloaderReport.Options options, DownloaderReport.Result result)
            throws IOException {
        List<DownloaderReport.Row> rows = result.rows();
        Path dir = options.out();
        Files.createDirectories(dir);
        Path csv = dir.resolve("downloader.csv");
        Files.writeString(csv, csv(rows));
        Files.writeString(dir.resolve("failures.csv"), failuresCsv(rows));
        Path time = dir.resolve("time.png");
        timePlot(rows).write(time);
        Path memory = dir.resolve("memory.png");
        memoryPlot(rows).write(memory);
        peakPlot(rows).write(dir.resolve("peak-memory.png"));
        if (!LimitFiles.traced(rows).isEmpty()) {
            Files.writeString(dir.resolve("limits.csv"), LimitFiles.csv(rows));
            LimitFiles.write(rows, dir.resolve("limit.png"));
        }
        Path summary = dir.resolve("summary.md");
        Files.writeString(summary, markdown(options, rows));
        return result.withFiles(csv, time, memory, summary);
    }

    /** Start-to-finish time; hollow markers and dashed lines where the time was extrapolated past the cap. */
    static LogPlot timePlot(List<DownloaderReport.Row> rows) {
        return plot(rows, "Start-to-finish time vs requests", "seconds (log)", r -> r.wallNanos() / 1e9, 1e-3,
                List.of("hollow marker, dashed line: time extrapolated", "from the pages fetched up to --cap"));
    }

    /** What each run kept with half its pages done (forced collection), in every process it used. */
    static LogPlot memoryPlot(List<DownloaderReport.Row> rows) {
        return plot(rows, "Memory kept with half the pages done vs requests", "MiB (log)",
                r -> Math.max(0, r.kept()) / (1024.0 * 1024.0), 0.1,
                List.of("heap after a forced collection + thread stacks,", "above the JVM's before the run,",
                        "+ worker processes' resident sets;", "hollow marker: capped run (fewer pages);",
                        "under 0.1 MiB is drawn at 0.1"));
    }

    /** Peak heap used (garbage included) plus stacks plus the workers' resident sets. */
    static LogPlot peakPlot(List<DownloaderReport.Row> rows) {
        return plot(rows, "Peak memory (garbage included) vs requests", "MiB (log)",
                r -> r.total() / (1024.0 * 1024.0), 0.1,
                List.of("peak heap used (uncollected garbage too)", "+ thread stacks + workers' resident sets,",
                        "sampled every 20 ms;", "hollow marker: capped run (fewer pages)"));
    }

    static String csv(List<DownloaderReport.Row> rows) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (DownloaderReport.Row r : rows) {
            sb.append(String.format(Locale.ROOT,
                    "%s,%d,%d,%.6f,%.6f,%b,%.3f,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d%n",
                    r.variant(), r.requests(), r.measured(), r.measuredNanos() / 1e9, r.wallNanos() / 1e9,
                    r.extrapolated(), r.throughput(), r.heap(), r.stacks(), r.children(), r.total(), r.kept(),
                    r.connections(), r.ok(), r.failedReported(), r.lost(), r.expectedFailures(),
                    r.unreportedFailures(), r.peakLive(), r.budget(), r.atOnce()));
        }
        return sb.toString();
    }

    /** One line per variant, size and failure cause; the cause quoted as CSV wants (doubled quotes). */
    static String failuresCsv(List<DownloaderReport.Row> rows) {
        StringBuilder sb = new StringBuilder(FAILURES_HEADER).append('\n');
        for (DownloaderReport.Row r : rows) {
            r.failureCauses().forEach((cause, pages) -> sb.append(r.variant()).append(',').append(r.requests())
                    .append(',').append(pages).append(',').append(quoted(cause)).append('\n'));
        }
        return sb.toString();
    }

    /** {@code text} as one CSV field: in double quotes, its own double quotes doubled. */
    static String quoted(String text) {
        return '"' + text.replace("\"", "\"\"") + '"';
    }

    /**
     * One line per variant over the measured sizes: x labelled at every size, y with labelled minor ticks, an
     * Okabe–Ito colour and a marker of its own each; extrapolated points hollow, a series with any dashed.
     */
    private static LogPlot plot(List<DownloaderReport.Row> rows, String title, String yTitle,
                                ToDoubleFunction<DownloaderReport.Row> y, double floor, List<String> notes) {
        Map<String, List<DownloaderReport.Row>> byVariant = new LinkedHashMap<>();
        for (DownloaderReport.Row r : rows) {
            byVariant.computeIfAbsent(Variants.seriesLabel(r.variant()), k -> new ArrayList<>()).add(r);
        }
        List<LogPlot.Series> series = new ArrayList<>();
        LogPlot.Marker[] markers = LogPlot.Marker.values();
        int i = 0;
        double lo = Double.MAX_VALUE, hi = 0;
        for (var e : byVariant.entrySet()) {
            List<DownloaderReport.Row> rs = e.getValue();
            double[] xs = rs.stream().mapToDouble(DownloaderReport.Row::requests).toArray();
            // a log axis cannot show 0: values under the floor are drawn at it
            double[] ys = rs.stream().mapToDouble(r -> Math.max(y.applyAsDouble(r), floor)).toArray();
            boolean[] hollow = new boolean[rs.size()];
            for (int k = 0; k < rs.size(); k++) {
                hollow[k] = rs.get(k).extrapolated();
                lo = Math.min(lo, ys[k]);
                hi = Math.max(hi, ys[k]);
            }
            boolean extrapolated = rs.stream().anyMatch(DownloaderReport.Row::extrapolated);
            series.add(new LogPlot.Series(e.getKey(), xs, ys, hollow, LogPlot.PALETTE.get(i % LogPlot.PALETTE.size()),
                    markers[i % markers.length], extrapolated));
            i++;
        }
        if (series.isEmpty()) {
            lo = hi = 1;
        }
        return new LogPlot(title, "requests (log; a tick at every measured size)", yTitle,
                LogPlot.sizeAxis(rows.stream().map(DownloaderReport.Row::requests).toList()),
                LogPlot.valueAxis(lo, hi), series, notes);
    }

    static String markdown(DownloaderReport.Options options, List<DownloaderReport.Row> rows) {
        StringBuilder sb = new StringBuilder("# Seed 001 downloader: comparison report\n\n");
        sb.append(String.format(Locale.ROOT, "Sizes %s; pages of about %d bytes; server delay %d ms per page; "
                        + "error rate %s; %d cores, Java %s (%s), %s %s; %s; load average (1, 5, 15 min) at the "
                        + "end: %s%s.%n%n", options.requests(),
                Pages.PAGE_BYTES, options.delayMs(), options.errorRate(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("java.vm.vendor"),
                System.getProperty("os.name"), System.getProperty("os.arch"),
                Instant.now().truncatedTo(ChronoUnit.SECONDS), loadAverage(), loadNote()));
        sb.append("| variant | requests | wall time (s) | pages/s | connections | peak heap (MiB) "
                + "| workers' RSS (MiB) | peak total (MiB) | kept at half way (MiB) | peak live (MiB) | ok "
                + "| failed, reported | lost | unreported failures |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (DownloaderReport.Row r : rows) {
            sb.append(String.format(Locale.ROOT,
                    "| %s | %d | %.3f%s | %.1f | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %d | %d | %d |%n",
                    r.label(), r.requests(), r.wallNanos() / 1e9,
                    r.extrapolated() ? " (extrapolated from " + r.measured() + ")" : "", r.throughput(),
                    r.connections(), mib(r.heap()), mib(r.children()), mib(r.total()), mib(r.kept()),
                    mib(r.peakLive()), r.ok(), r.failedReported(), r.lost(), r.unreportedFailures()));
        }
        sb.append(adaptiveSection(rows));
        sb.append("\n## Why pages failed\n\n");
        if (rows.stream().allMatch(r -> r.failureCauses().isEmpty())) {
            sb.append("No page failed.\n");
        } else {
            sb.append("Each failed page's exception (class: message; the page number as N), counted by cause "
                    + "(also in `failures.csv`).\n\n| variant | requests | pages | cause |\n|---|---:|---:|---|\n");
            for (DownloaderReport.Row r : rows) {
                r.failureCauses().forEach((cause, pages) -> sb.append(String.format(Locale.ROOT,
                        "| %s | %d | %d | `%s` |%n", r.variant(), r.requests(), pages, cause.replace("`", "'")
                                .replace("|", "\\|"))));
            }
        }
        sb.append("""

                ## How it was measured

                - The variants run in groups of the same requests at a time (the process pool in one of its
                  own), each group on one HTTP client (HTTP/1.1, keep-alive; the server keeps every connection
                  open, see `PageServer`) whose connections, as many as the group's level, are opened before
                  anything is measured. Each variant then runs once untimed, which compiles its code and measures
                  what it keeps, then `--rounds` timed rounds interleaved with the rest of its group; wall time is
                  the median round. So no variant's time includes opening connections, and each uses as many as it
                  has requests in flight (connections: distinct connections the server saw in a timed round). The
                  process pool's connections are its workers', new in every run. Between groups the report waits
                  until the server has closed the previous client's connections.
                - Wall time is start to finish, worker process start-up included. Capped variants (serial, the
                  thread pools and the process pool fetch at most `--cap` pages per thread or process) have the
                  rest extrapolated linearly; their pages/s, memory and counts are of the pages they fetched.
                - Kept at half way: in the untimed run, when half the pages are done, a forced full collection,
                  then heap used plus committed thread stacks (Native Memory Tracking) above those after a
                  collection before the run, plus the worker processes' resident sets. That is what the variant
                  holds with its requests in flight: tasks, threads, queued work, request and response state, the
                  results stored so far. Its connections were open before the run, so they are not in it: each
                  open connection holds roughly 50 KiB of heap in this JVM, both ends together (`./weft demo`
                  measures it), times the connections column. It is one sample, so it moves between runs.
                - Peak live: the same measure at a quarter, half and three quarters of the pages done (three forced
                  collections in the untimed run), the largest of the three. It is the measure of the adaptive
                  orchestrator's memory goal (live heap within the budget), three samples, not a continuous peak.
                - Peak total = this JVM's peak heap used plus committed thread stacks, sampled every 20 ms in the
                  timed rounds, plus the worker processes' resident sets (the larger of their sampled sum and the sum
                  of each one's own peak, `VmHWM`). Heap used includes garbage not yet collected, so this column
                  mostly says when the collector ran; read the kept column for what a variant holds. The embedded
                  server and the HTTP client share this JVM and are counted in every row; a worker process's
                  resident set includes its whole JVM.
                - ok: fetched, parsed and stored. failed, reported: the failure reached the caller naming the page
                  (its cause is in the table above). lost: neither. unreported failures: server errors that were
                  not reported as failures.

                ![time vs requests](time.png)

                ![memory kept vs requests](memory.png)

                ![peak memory vs requests](peak-memory.png)
                """);
        return sb.toString();
    }

    /**
     * The adaptive orchestrator's section of the summary, or "" without adaptive rows: what its rows are, then per
     * size the speed row against the fastest fixed data flow row and each memory row's peak live against its budget
     * and its cost against the speed row ({@link ReportTable#adaptive}), then the limit plot.
     */
    static String adaptiveSection(List<DownloaderReport.Row> rows) {
        if (rows.stream().noneMatch(DownloaderReport.Row::adaptive)) {
            return "";
        }
        StringBuilder sb = new StringBuilder("""

                ## The adaptive orchestrator (issue 17)

                The same data flow (fetch → parse → store, one context per page), given a goal instead of a fixed
                number of contexts at once: `weft-dataflow (speed)` (`Goal.SPEED`, its limit free to grow to %d,
                not told the size) and `weft-dataflow (memory ≤ N MiB)` (`Goal.MEMORY`, a budget of N MiB of the
                run's own live heap; without a number, a quarter of the speed row's peak live at the same size).
                Both run after the fixed rows, on a client of their own whose connections an unmeasured run of each
                opened first.

                """.formatted(Variants.ADAPTIVE_CEILING));
        Map<Integer, List<DownloaderReport.Row>> bySize = new LinkedHashMap<>();
        rows.forEach(r -> bySize.computeIfAbsent(r.requests(), k -> new ArrayList<>()).add(r));
        for (List<DownloaderReport.Row> size : bySize.values()) {
            for (String line : ReportTable.adaptive(size).split("\n")) {
                if (!line.isBlank()) {
                    sb.append("- ").append(line).append('\n');
                }
            }
        }
        if (!LimitFiles.traced(rows).isEmpty()) {
            sb.append("""

                    The limit over each adaptive row's median timed round, with the contexts in flight and queued as
                    each decision saw them (every decision, its reason and detail in `limits.csv`):

                    ![limit over time](limit.png)
                    """);
        } else {
            sb.append("\nNo decisions were recorded, so there is no limit plot.\n");
        }
        return sb.toString();
    }

    /** The 1-, 5- and 15-minute load averages from /proc/loadavg, or "n/a". */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** What the 15-minute load average says of the run: the sentence used to claim "above" whatever it was. */
    private static String loadNote() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            double load = Double.parseDouble(f[2]);
            int cores = Runtime.getRuntime().availableProcessors();
            return load > cores ? " (above the core count: other work shared the machine and the times moved with it)"
                    : " (at or below the core count: the report's own work, mostly)";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static double mib(long bytes) {
        return Math.max(0, bytes) / (1024.0 * 1024.0);
    }
}
