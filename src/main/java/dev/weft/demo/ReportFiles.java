package dev.weft.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** Writes the downloader report's CSV, its two plots (XChart, PNG) and its Markdown summary. */
final class ReportFiles {
    /** The CSV's header line. */
    static final String CSV_HEADER = "variant,requests,measured_requests,measured_s,wall_s,extrapolated,"
            + "throughput_per_s,peak_heap_bytes,peak_stacks_bytes,peak_children_rss_bytes,peak_total_bytes,ok,"
            + "failed_reported,lost,expected_failures,unreported_failures";

    private ReportFiles() {
    }

    static DownloaderReport.Result write(DownloaderReport.Options options, List<DownloaderReport.Row> rows)
            throws IOException {
        Path dir = options.out();
        Files.createDirectories(dir);
        Path csv = dir.resolve("downloader.csv");
        Files.writeString(csv, csv(rows));
        Path time = dir.resolve("time.png");
        plot(rows, "Start-to-finish time vs requests", "seconds", r -> r.wallNanos() / 1e9, time,
                " (extrapolated past the cap)");
        Path memory = dir.resolve("memory.png");
        plot(rows, "Peak memory (all processes) vs requests", "MiB", r -> r.total() / (1024.0 * 1024.0), memory,
                " (measured up to the cap)");
        Path summary = dir.resolve("summary.md");
        Files.writeString(summary, markdown(options, rows));
        return new DownloaderReport.Result(List.copyOf(rows), csv, time, memory, summary);
    }

    static String csv(List<DownloaderReport.Row> rows) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (DownloaderReport.Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%s,%d,%d,%.6f,%.6f,%b,%.3f,%d,%d,%d,%d,%d,%d,%d,%d,%d%n",
                    r.variant(), r.requests(), r.measured(), r.measuredNanos() / 1e9, r.wallNanos() / 1e9,
                    r.extrapolated(), r.throughput(), r.heap(), r.stacks(), r.children(), r.total(), r.ok(),
                    r.failedReported(), r.lost(), r.expectedFailures(), r.unreportedFailures()));
        }
        return sb.toString();
    }

    private static void plot(List<DownloaderReport.Row> rows, String title, String yTitle,
                             java.util.function.ToDoubleFunction<DownloaderReport.Row> y, Path file,
                             String cappedMark)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle("requests (log)")
                .yAxisTitle(yTitle + " (log)").build();
        chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true)
                .setLegendPosition(Styler.LegendPosition.OutsideE).setMarkerSize(6)
                .setChartBackgroundColor(java.awt.Color.WHITE);
        Map<String, List<DownloaderReport.Row>> byVariant = new LinkedHashMap<>();
        for (DownloaderReport.Row r : rows) {
            byVariant.computeIfAbsent(r.variant(), k -> new java.util.ArrayList<>()).add(r);
        }
        for (var e : byVariant.entrySet()) {
            List<DownloaderReport.Row> series = e.getValue();
            double[] xs = series.stream().mapToDouble(DownloaderReport.Row::requests).toArray();
            // a log axis cannot show 0: the smallest positive value stands in for one
            double[] ys = series.stream().mapToDouble(r -> Math.max(y.applyAsDouble(r), 1e-6)).toArray();
            boolean extrapolated = series.stream().anyMatch(DownloaderReport.Row::extrapolated);
            chart.addSeries(e.getKey() + (extrapolated ? cappedMark : ""), xs, ys);
        }
        try (OutputStream os = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    static String markdown(DownloaderReport.Options options, List<DownloaderReport.Row> rows) {
        StringBuilder sb = new StringBuilder("# Seed 001 downloader: comparison report\n\n");
        sb.append(String.format(Locale.ROOT, "Sizes %s; pages of about %d bytes; server delay %d ms per page; "
                        + "error rate %s; %d cores, Java %s (%s), %s %s; %s.%n%n", options.requests(),
                Pages.PAGE_BYTES, options.delayMs(), options.errorRate(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("java.vm.vendor"),
                System.getProperty("os.name"), System.getProperty("os.arch"),
                Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        sb.append("| variant | requests | wall time (s) | pages/s | peak heap (MiB) | workers' RSS (MiB) "
                + "| peak total (MiB) | ok | failed, reported | lost | unreported failures |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (DownloaderReport.Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.3f%s | %.1f | %.1f | %.1f | %.1f | %d | %d | %d | %d |%n",
                    r.variant(), r.requests(), r.wallNanos() / 1e9,
                    r.extrapolated() ? " (extrapolated from " + r.measured() + ")" : "", r.throughput(),
                    mib(r.heap()), mib(r.children()), mib(r.total()), r.ok(), r.failedReported(), r.lost(),
                    r.unreportedFailures()));
        }
        sb.append("""

                - Wall time is start to finish, worker process start-up included. Capped variants (serial, the
                  2 x cores pool and the process pool fetch at most `--cap` pages per thread or process) have the
                  rest extrapolated linearly; their pages/s, memory and counts are of the pages they fetched.
                - Peak total = this JVM's peak heap used plus committed thread stacks (Native Memory Tracking; 0
                  without it), sampled every 20 ms, plus the worker processes' resident sets (the larger of their
                  sampled sum and the sum of each one's own peak, `VmHWM`). The embedded server and the HTTP client
                  share this JVM and are counted in every row. Heap used includes garbage not yet collected, so
                  the in-process rows grow with the garbage a run makes between collections, not only with what it
                  keeps; a worker process's resident set includes its whole JVM.
                - ok: fetched, parsed and stored. failed, reported: the failure reached the caller naming the page.
                  lost: neither. unreported failures: server errors that were not reported as failures.

                ![time vs requests](time.png)

                ![memory vs requests](memory.png)
                """);
        return sb.toString();
    }

    private static double mib(long bytes) {
        return Math.max(0, bytes) / (1024.0 * 1024.0);
    }
}
