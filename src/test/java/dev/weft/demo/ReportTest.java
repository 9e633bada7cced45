package dev.weft.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.tuple;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The downloader report at tiny sizes: every variant, its CSV, plots and summary, and its error handling. */
class ReportTest {
    private static final List<String> VARIANTS = List.of("serial", "thread-pool-2xcores", "thread-pool-200",
            "process-pool", "async-callbacks", "weft-events", "weft-scope", "weft-dataflow");

    private static DownloaderReport.Options tiny(Path out, List<Integer> sizes, double errorRate) {
        // cap 2: serial fetches 2 pages and the 2-worker process pool 4, so the larger size is extrapolated
        return new DownloaderReport.Options(sizes, out, errorRate, 2, 2, 2, 4, 1,
                DownloaderReport.Options.REPORT_VARIANTS, false);
    }

    private static DownloaderReport.Result run(DownloaderReport.Options options) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            return DownloaderReport.run(options, out);
        }
    }

    @Test
    void everyVariantRunsAtEverySizeAndTheFilesAreWritten(@TempDir Path dir) throws Exception {
        DownloaderReport.Result result = run(tiny(dir, List.of(3, 6), 0));

        assertThat(result.rows()).hasSize(16);
        List<String> lines = Files.readAllLines(result.csv());
        assertThat(lines.get(0)).isEqualTo(ReportFiles.CSV_HEADER);
        String[] header = lines.get(0).split(",");
        assertThat(lines).hasSize(17);
        Map<String, Map<String, String>> byKey = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            assertThat(cells).as(line).hasSize(header.length);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], cells[i]);
            }
            byKey.put(row.get("variant") + "@" + row.get("requests"), row);
        }
        for (int n : List.of(3, 6)) {
            for (String v : VARIANTS) {
                Map<String, String> row = byKey.get(v + "@" + n);
                assertThat(row).as(v + " at " + n).isNotNull();
                int measured = Integer.parseInt(row.get("measured_requests"));
                assertThat(measured).as(v).isBetween(1, n);
                assertThat(Double.parseDouble(row.get("wall_s"))).as(v).isPositive()
                        .isGreaterThanOrEqualTo(Double.parseDouble(row.get("measured_s")));
                assertThat(Double.parseDouble(row.get("throughput_per_s"))).as(v).isPositive();
                assertThat(Long.parseLong(row.get("peak_heap_bytes"))).as(v).isPositive();
                assertThat(Long.parseLong(row.get("peak_total_bytes"))).as(v)
                        .isGreaterThanOrEqualTo(Long.parseLong(row.get("peak_heap_bytes"))
                                + Long.parseLong(row.get("peak_children_rss_bytes")));
                assertThat(Integer.parseInt(row.get("ok"))).as(v).isEqualTo(measured);
                assertThat(row.get("failed_reported")).as(v).isEqualTo("0");
                assertThat(row.get("lost")).as(v).isEqualTo("0");
                assertThat(row.get("extrapolated")).as(v).isEqualTo(Boolean.toString(measured < n));
                assertThat(Long.parseLong(row.get("kept_bytes"))).as(v).isNotNegative();
                // every request in flight has a connection of its own, none is opened twice
                assertThat(Integer.parseInt(row.get("connections"))).as(v).isBetween(1, measured);
            }
        }
        assertThat(byKey.get("serial@6").get("connections")).isEqualTo("1");
        // the workers' resident sets are part of what the process pool keeps
        assertThat(Long.parseLong(byKey.get("process-pool@3").get("kept_bytes"))).isPositive();
        assertThat(Files.readAllLines(dir.resolve("failures.csv"))).containsExactly(ReportFiles.FAILURES_HEADER);
        // the capped ones: serial fetched 2 pages of 3 and 6, the process pool (2 workers x 2) 4 of 6
        assertThat(byKey.get("serial@3").get("measured_requests")).isEqualTo("2");
        assertThat(byKey.get("serial@6").get("extrapolated")).isEqualTo("true");
        assertThat(byKey.get("process-pool@6").get("measured_requests")).isEqualTo("4");
        // the worker processes' memory is counted, the others start none
        assertThat(Long.parseLong(byKey.get("process-pool@3").get("peak_children_rss_bytes"))).isPositive();
        assertThat(byKey.get("weft-scope@3").get("peak_children_rss_bytes")).isEqualTo("0");

        for (Path png : List.of(result.timePlot(), result.memoryPlot())) {
            byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
            assertThat(head).as(png.toString())
                    .isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        }
        assertThat(dir.resolve("peak-memory.png")).exists();
        String md = Files.readString(result.summary());
        assertThat(md).contains("| variant | requests | wall time (s) |", "![time vs requests](time.png)",
                "(extrapolated from 2)", "kept at half way (MiB)", "## Why pages failed", "No page failed.");
        for (String v : VARIANTS) {
            assertThat(md).contains("| " + v + " | 3 |", "| " + v + " | 6 |");
        }
    }

    @Test
    void failedPagesAreReportedAndNoneIsLostByTheWeftVariants(@TempDir Path dir) throws Exception {
        double rate = 0.3;
        int expected = Pages.expectedFailures(10, rate);
        assertThat(expected).isBetween(1, 9);
        DownloaderReport.Result result = run(tiny(dir, List.of(10), rate).withRequests(List.of(10)));

        assertThat(result.rows()).extracting(DownloaderReport.Row::variant).containsExactlyElementsOf(VARIANTS);
        for (DownloaderReport.Row r : result.rows()) {
            assertThat(r.expectedFailures()).as(r.variant())
                    .isEqualTo(Pages.expectedFailures(r.measured(), rate));
            if (r.variant().startsWith("weft-")) {
                assertThat(r.measured()).as(r.variant()).isEqualTo(10);
                assertThat(r.failedReported()).as(r.variant()).isEqualTo(expected);
                assertThat(r.ok()).as(r.variant()).isEqualTo(10 - expected);
                assertThat(r.lost()).as(r.variant()).isZero();
                assertThat(r.unreportedFailures()).as(r.variant()).isZero();
            }
        }
        List<String> csv = Files.readAllLines(result.csv());
        assertThat(csv).hasSize(1 + VARIANTS.size());
        assertThat(csv.stream().filter(l -> l.startsWith("weft-")))
                .allSatisfy(l -> assertThat(l).contains("," + 0 + "," + expected + "," + 0 + ","));
    }

    @Test
    void everyFailedPageSaysWhyCountedByCause(@TempDir Path dir) throws Exception {
        double rate = 0.3;
        DownloaderReport.Result result = run(tiny(dir, List.of(10), rate));
        String http500 = "java.io.IOException: page N: HTTP status 500";
        for (DownloaderReport.Row r : result.rows()) {
            // the process pool's workers report their exceptions over their output: the same cause
            assertThat(r.failureCauses()).as(r.variant()).isEqualTo(r.failedReported() == 0 ? Map.of()
                    : Map.of(http500, r.failedReported()));
            assertThat(r.failureCauses().values().stream().mapToInt(Integer::intValue).sum()).as(r.variant())
                    .isEqualTo(r.failedReported());
        }
        int expected = Pages.expectedFailures(10, rate);
        assertThat(Files.readAllLines(dir.resolve("failures.csv"))).contains(ReportFiles.FAILURES_HEADER,
                "weft-scope,10," + expected + ",\"" + http500 + "\"",
                "weft-dataflow,10," + expected + ",\"" + http500 + "\"");
        assertThat(Files.readString(result.summary())).contains("## Why pages failed",
                "| weft-events | 10 | " + expected + " | `" + http500 + "` |");
    }

    @Test
    void aCauseIsTheExceptionPastItsWrappersWithThePageNumberAsN() {
        java.io.IOException reset = new java.io.IOException("HTTP/1.1 header parser received no bytes",
                new java.io.IOException("HTTP/1.1 header parser received no bytes"));
        assertThat(FailureCauses.describe(new java.util.concurrent.ExecutionException(reset)))
                .isEqualTo("java.io.IOException: HTTP/1.1 header parser received no bytes");
        assertThat(FailureCauses.describe(new java.util.concurrent.CompletionException(
                new java.net.http.HttpConnectTimeoutException("HTTP connect timed out"))))
                .isEqualTo("java.net.http.HttpConnectTimeoutException: HTTP connect timed out");
        assertThat(FailureCauses.describe(new java.io.IOException("fetch failed",
                new java.net.ConnectException("Connection refused"))))
                .isEqualTo("java.io.IOException: fetch failed (cause: java.net.ConnectException: Connection refused)");
        FailureCauses causes = new FailureCauses();
        causes.add(500, new java.io.IOException("page 500: HTTP status 500"));
        causes.add(7, new java.io.IOException("page 7: HTTP status 500"));
        causes.add(8, "java.io.IOException: GET http://127.0.0.1:4000/page/8 timed out");
        assertThat(causes.counts()).containsExactly(Map.entry("java.io.IOException: page N: HTTP status 500", 2),
                Map.entry("java.io.IOException: GET http://127.0.0.1:4000/page/N timed out", 1));
        assertThat(causes.total()).isEqualTo(3);
    }

    private static DownloaderReport.Row row(String variant, int requests, double seconds, double keptMib,
                                            boolean extrapolated) {
        long mib = 1024L * 1024;
        return new DownloaderReport.Row(variant, requests, extrapolated ? requests / 2 : requests,
                (long) (seconds * 5e8), (long) (seconds * 1e9), 20 * mib, mib, 0, 21 * mib, (long) (keptMib * mib),
                requests, requests, 0, 0, Map.of(), requests, 0, List.of((long) (seconds * 5e8)));
    }

    @Test
    void thePlotsLabelEveryMeasuredSizeAndReadableValuesInColourBlindSafeColours() {
        List<DownloaderReport.Row> rows = new java.util.ArrayList<>();
        for (int n : List.of(20, 100, 1000)) {
            for (int v = 0; v < VARIANTS.size(); v++) {
                // kept memory between 12 and 27 MiB: within a decade, the values must be readable off the axis
                rows.add(row(VARIANTS.get(v), n, 0.1 * (v + 1) * n / 20.0, 12 + v * 2 + n / 1000.0, v == 0));
            }
        }
        for (LogPlot plot : List.of(ReportFiles.timePlot(rows), ReportFiles.memoryPlot(rows),
                ReportFiles.peakPlot(rows))) {
            // the configuration: every measured size a labelled x tick, colours and markers one per series
            assertThat(plot.x().labelled()).as(plot.title()).containsExactly(20.0, 100.0, 1000.0);
            assertThat(plot.x().ticks()).filteredOn(t -> t.labelled())
                    .extracting(LogPlot.Tick::label).containsExactly("20", "100", "1000");
            assertThat(plot.series()).extracting(LogPlot.Series::name).containsExactlyElementsOf(VARIANTS);
            assertThat(plot.series()).extracting(LogPlot.Series::color).doesNotHaveDuplicates()
                    .allSatisfy(c -> assertThat(LogPlot.PALETTE).contains(c));
            assertThat(plot.series()).extracting(LogPlot.Series::marker).doesNotHaveDuplicates();
            assertThat(plot.y().min()).isPositive();
            plot.series().forEach(s -> {
                for (double y : s.ys()) {
                    assertThat(y).isBetween(plot.y().min(), plot.y().max());
                }
            });

            // the XChart chart built from it: log axes over the same ranges, XChart's own tick labels hidden and
            // one label of ours at every labelled tick, x and y
            List<LogPlot.TickLabel> labels = plot.tickLabels();
            XYChart chart = plot.chart(labels);
            XYStyler styler = chart.getStyler();
            assertThat(styler.isXAxisLogarithmic()).isTrue();
            assertThat(styler.isYAxisLogarithmic()).isTrue();
            assertThat(List.of(styler.getXAxisMin(), styler.getXAxisMax(), styler.getYAxisMin(), styler.getYAxisMax()))
                    .containsExactly(plot.x().min(), plot.x().max(), plot.y().min(), plot.y().max());
            assertThat(styler.getXAxisTickLabelsColor().getAlpha()).isZero();
            assertThat(styler.getYAxisTickLabelsColor().getAlpha()).isZero();
            assertThat(labels).filteredOn(LogPlot.TickLabel::onX)
                    .extracting(LogPlot.TickLabel::value, LogPlot.TickLabel::text)
                    .containsExactly(tuple(20.0, "20"), tuple(100.0, "100"), tuple(1000.0, "1000"));
            assertThat(labels).filteredOn(l -> !l.onX()).extracting(LogPlot.TickLabel::value)
                    .containsExactlyElementsOf(plot.y().labelled());
            // the variants' lines, in legend order, each in its own Okabe–Ito colour with its own XChart marker
            List<XYSeries> lines = chart.getSeriesMap().values().stream()
                    .filter(s -> s.isShowInLegend() && !s.getName().equals(LogPlot.NOTES)).toList();
            assertThat(lines).extracting(XYSeries::getName).containsExactlyElementsOf(VARIANTS);
            assertThat(lines).extracting(XYSeries::getLineColor).doesNotHaveDuplicates()
                    .allSatisfy(c -> assertThat(LogPlot.PALETTE).contains(c));
            assertThat(lines).allSatisfy(s -> assertThat(s.getMarkerColor()).isEqualTo(s.getLineColor()));
            assertThat(lines).extracting(s -> s.getMarker().getClass().getName()).doesNotHaveDuplicates()
                    .doesNotContain(SeriesMarkers.NONE.getClass().getName());
            // the notes: the legend's last entry, one line each
            assertThat(chart.getSeriesMap().get(LogPlot.NOTES).getLabel()).isEqualTo(String.join("\n", plot.notes()));
            assertThat(chart.getSeriesMap().keySet()).last().isEqualTo(LogPlot.NOTES);

            // drawn (no pixels compared): XChart placed every label beside the plot, x labels left to right in one
            // row under it, y labels bottom to top in one column left of it
            BufferedImage image = BitmapEncoder.getBufferedImage(chart);
            assertThat(image.getWidth()).isEqualTo(LogPlot.WIDTH);
            List<Rectangle2D> xs = labels.stream().filter(LogPlot.TickLabel::onX).map(l -> l.getBounds()).toList();
            List<Rectangle2D> ys = labels.stream().filter(l -> !l.onX()).map(l -> l.getBounds()).toList();
            for (int i = 1; i < xs.size(); i++) {
                assertThat(xs.get(i).getMinX()).isGreaterThan(xs.get(i - 1).getMaxX());
                assertThat(xs.get(i).getY()).isCloseTo(xs.get(0).getY(), offset(1.0));
            }
            for (int i = 1; i < ys.size(); i++) {
                assertThat(ys.get(i).getY()).isLessThan(ys.get(i - 1).getY());
                assertThat(ys.get(i).getMaxX()).isCloseTo(ys.get(0).getMaxX(), offset(1.0));
            }
            assertThat(xs.getFirst().getY()).isGreaterThan(ys.getFirst().getY());
            assertThat(xs.getFirst().getMinX()).isGreaterThan(ys.getFirst().getMaxX());
            assertThat(xs.getLast().getMaxX()).isLessThan(LogPlot.WIDTH);
            assertThat(xs.getFirst().getMaxY()).isLessThan(LogPlot.HEIGHT);
        }
        // the serial series is extrapolated: dashed, hollow markers; the others solid
        LogPlot time = ReportFiles.timePlot(rows);
        assertThat(time.series().getFirst().dashed()).isTrue();
        assertThat(time.series().getFirst().hollow()).containsExactly(true, true, true);
        assertThat(time.series().get(1).dashed()).isFalse();
        Map<String, XYSeries> timeSeries = time.chart().getSeriesMap();
        assertThat(timeSeries.get("serial").getLineStyle().getDashArray()).isNotNull();
        assertThat(timeSeries.get("thread-pool-2xcores").getLineStyle().getDashArray()).isNull();
        // XChart's markers are per series: the hollow points are a series of their own, out of the legend
        XYSeries hollow = timeSeries.get("serial" + LogPlot.HOLLOW);
        assertThat(hollow.getXData()).containsExactly(20, 100, 1000);
        assertThat(hollow.isShowInLegend()).isFalse();
        assertThat(hollow.getMarker()).isInstanceOfSatisfying(LogPlot.Hollow.class,
                h -> assertThat(h.shape()).isEqualTo(time.series().getFirst().marker()));
        assertThat(hollow.getMarkerColor()).isEqualTo(timeSeries.get("serial").getLineColor());
        assertThat(timeSeries).doesNotContainKey("thread-pool-2xcores" + LogPlot.HOLLOW);
        // the memory plot: values between 12 and 27 MiB read off labelled minor ticks
        LogPlot memory = ReportFiles.memoryPlot(rows);
        List<Double> labelled = memory.y().labelled();
        assertThat(labelled).filteredOn(v -> v >= 12 && v <= 27).hasSizeGreaterThanOrEqualTo(3);
        assertThat(memory.y().ticks()).filteredOn(t -> t.labelled()).extracting(LogPlot.Tick::label)
                .contains("15", "20", "25");
        assertThat(memory.tickLabels()).filteredOn(l -> !l.onX()).extracting(LogPlot.TickLabel::text)
                .contains("15", "20", "25");
        // XChart's log grid is at the integer multiples of each decade; 15 and 25 get a grid line of their own
        assertThat(LogPlot.onXChartGrid(20)).isTrue();
        assertThat(LogPlot.onXChartGrid(0.05)).isTrue();
        assertThat(LogPlot.onXChartGrid(1000)).isTrue();
        assertThat(LogPlot.onXChartGrid(15)).isFalse();
        assertThat(LogPlot.onXChartGrid(250)).isFalse();
        // a wide range still has ticks between the decades, and labels at 1, 2 and 5 of each
        LogPlot.Axis wide = LogPlot.valueAxis(0.05, 60);
        assertThat(wide.labelled()).contains(0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0);
        assertThat(wide.ticks()).filteredOn(t -> !t.labelled()).extracting(LogPlot.Tick::value).contains(3.0, 30.0);
        assertThat(LogPlot.label(0.05)).isEqualTo("0.05");
        assertThat(LogPlot.label(10000)).isEqualTo("10000");
    }

    @Test
    void theDirectorShowsEveryRequestsState() {
        assertThat(VARIANTS).isEqualTo(DownloaderReport.Options.REPORT_VARIANTS);
        Variants.Director director = new Variants.Director(3, ReportProgress.create("test", 3, false));
        assertThat(director.counts()).containsEntry(Variants.RequestState.QUEUED, 3);
        assertThat(director.event(0).isScheduled()).isTrue();
        director.moved(0, Variants.RequestState.FETCHING);
        director.moved(1, Variants.RequestState.PARSING);
        assertThat(director.counts()).containsEntry(Variants.RequestState.QUEUED, 1)
                .containsEntry(Variants.RequestState.FETCHING, 1).containsEntry(Variants.RequestState.PARSING, 1);
        director.event(0).setFinished(new java.io.IOException("page 0: HTTP status 500"));
        director.event(1).setFinished();
        assertThat(director.counts()).containsEntry(Variants.RequestState.FAILED, 1)
                .containsEntry(Variants.RequestState.STORED, 1).containsEntry(Variants.RequestState.QUEUED, 1);
        assertThat(director.event(0).errorMessage()).hasValueSatisfying(m -> assertThat(m).contains("500"));
    }

    private static DownloaderReport.Options parse(String... args) {
        return DownloaderReport.Options.parse(DownloaderReport.Options.report(), args);
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> parse("--requests", "10,x"))
                .hasMessageContaining("--requests").hasMessageContaining("'x'");
        assertThatThrownBy(() -> parse("--requests", "0"))
                .hasMessageContaining("--requests");
        assertThatThrownBy(() -> parse("--error-rate", "1.5"))
                .hasMessageContaining("--error-rate");
        assertThatThrownBy(() -> parse("--error-rate", "lots"))
                .hasMessageContaining("--error-rate");
        assertThatThrownBy(() -> parse("--delay-ms", "-1"))
                .hasMessageContaining("--delay-ms");
        assertThatThrownBy(() -> parse("--workers", "0"))
                .hasMessageContaining("--workers");
        assertThatThrownBy(() -> parse("--out")).hasMessageContaining("--out");
        assertThatThrownBy(() -> parse("--frobnicate"))
                .hasMessageContaining("--frobnicate");
        DownloaderReport.Options o = parse("--requests", "100,1000,10000", "--out", "x",
                "--error-rate", "0.05", "--delay-ms", "7", "--no-progress");
        assertThat(o.requests()).containsExactly(100, 1000, 10000);
        assertThat(o.out()).isEqualTo(Path.of("x"));
        assertThat(o.errorRate()).isEqualTo(0.05);
        assertThat(o.delayMs()).isEqualTo(7);
        assertThat(o.progress()).isFalse();
    }

    @Test
    void theParseStepFindsTheTitleTagsWordsAndLinks() {
        String html = new String(Pages.body(42), StandardCharsets.US_ASCII);
        assertThat(html.length()).isBetween(Pages.PAGE_BYTES - 300, Pages.PAGE_BYTES + 300);
        Pages.Parsed p = Pages.parse(html);
        assertThat(p.title()).isEqualTo("page 42");
        assertThat(p.isPage(42)).isTrue();
        assertThat(p.isPage(43)).isFalse();
        assertThat(p.links()).isPositive();
        assertThat(p.words()).isGreaterThan(p.links() * 12);
        assertThat(Pages.parse("<p>two words</p><a href=x>link</a>"))
                .isEqualTo(new Pages.Parsed("", 4, 3, 1));
        assertThat(Pages.fails(7, 0)).isFalse();
        assertThat(Pages.expectedFailures(1000, 0.1)).isBetween(95, 105);
    }
}
