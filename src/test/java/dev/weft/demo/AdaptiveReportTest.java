package dev.weft.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

/**
 * The downloader report's adaptive rows (issue 17) without running them: the variant ids, the plan check, the memory
 * budget taken from an earlier row, the checkpoints, the verdicts, and the limit CSV and plot.
 */
class AdaptiveReportTest {
    private static final long MIB = 1024L * 1024;

    private static DownloaderReport.Options parse(String... args) {
        return DownloaderReport.Options.parse(DownloaderReport.Options.report(), args);
    }

    @Test
    void theAdaptiveIdsParseToAGoalACeilingAndABudget() {
        Variants.Variant speed = Variants.parse("weft-dataflow-speed", 2, 1000);
        assertThat(speed).isEqualTo(new Variants.Variant("weft-dataflow-speed", "weft-dataflow",
                Variants.ADAPTIVE_CEILING, false, Variants.Goal.SPEED, 0));
        assertThat(speed.adaptive()).isTrue();
        assertThat(Variants.parse("weft-dataflow-memory", 2, 1000).goal()).isEqualTo(Variants.Goal.MEMORY);
        assertThat(Variants.parse("weft-dataflow-memory", 2, 1000).budgetMiB()).isZero();
        assertThat(Variants.parse("weft-dataflow-memory-64", 2, 1000).budgetMiB()).isEqualTo(64);
        // the fixed ids are unchanged
        assertThat(Variants.parse("weft-dataflow-2000", 2, 1000).adaptive()).isFalse();
        assertThat(Variants.parse("weft-dataflow", 2, 7).concurrency()).isEqualTo(7);
        assertThat(Variants.KNOWN).contains("weft-dataflow-speed", "weft-dataflow-memory[-MiB]");
    }

    @Test
    void aBadAdaptiveIdIsOneLineNamingTheOption() {
        for (String id : List.of("weft-dataflow-speed-5", "weft-dataflow-memory-0", "weft-dataflow-memory-x",
                "weft-dataflow-memory-", "weft-dataflow-memory-99999999", "weft-dataflow-memory--3",
                "weft-dataflow-fast")) {
            assertThatThrownBy(() -> Variants.parse(id, 2, 1000)).as(id)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--variants: ")
                    .hasMessageContaining("'" + id + "'").hasMessageNotContaining("\n");
            assertThatThrownBy(() -> parse("--variants", id)).as(id)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--variants: ");
        }
        assertThatThrownBy(() -> Variants.parse("weft-dataflow-memory-0", 2, 1000)).hasMessageContaining("MiB");
    }

    @Test
    void aMemoryRowWithoutABudgetNeedsARowToTakeItFrom() {
        for (String list : List.of("weft-dataflow-memory", "weft-dataflow-memory,weft-dataflow-speed",
                "weft-scope,weft-dataflow-memory-64,weft-dataflow-memory")) {
            assertThatThrownBy(() -> parse("--variants", list)).as(list)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--variants: ")
                    .hasMessageContaining("weft-dataflow-memory-N").hasMessageNotContaining("\n");
        }
        // a speed row before it, a fixed data flow row anywhere (measured first), or a budget of its own
        for (String list : List.of("weft-dataflow-speed,weft-dataflow-memory",
                "weft-dataflow-memory,weft-dataflow-1000", "weft-dataflow-memory-64")) {
            assertThat(parse("--variants", list).variants()).as(list)
                    .containsExactlyElementsOf(Arrays.asList(list.split(",")));
        }
    }

    @Test
    void theBudgetIsAQuarterOfTheSpeedRowsPeakLiveElseOfTheLastFixedDataFlowRow() {
        Variants.Variant speed = Variants.parse("weft-dataflow-speed", 2, 1000);
        Variants.Variant f500 = Variants.parse("weft-dataflow-500", 2, 1000);
        Variants.Variant f2000 = Variants.parse("weft-dataflow-2000", 2, 1000);
        Variants.Variant scope = Variants.parse("weft-scope", 2, 1000);
        assertThat(Variants.autoBudget(List.of(new Variants.Measured(f500, 100 * MIB),
                new Variants.Measured(speed, 400 * MIB), new Variants.Measured(f2000, 800 * MIB))))
                .contains(new Variants.Budget(100, "weft-dataflow-speed", 400 * MIB));
        assertThat(Variants.autoBudget(List.of(new Variants.Measured(f500, 100 * MIB),
                new Variants.Measured(f2000, 202 * MIB), new Variants.Measured(scope, 999 * MIB))))
                .contains(new Variants.Budget(51, "weft-dataflow-2000", 202 * MIB));
        assertThat(Variants.autoBudget(List.of(new Variants.Measured(scope, 999 * MIB)))).isEmpty();
        assertThat(Variants.autoBudget(List.of())).isEmpty();
        // an unmeasured row is passed over; a tiny peak still gives a budget of 1 MiB
        assertThat(Variants.autoBudget(List.of(new Variants.Measured(f500, 1000), new Variants.Measured(speed, -1))))
                .contains(new Variants.Budget(1, "weft-dataflow-500", 1000));
        assertThat(new Variants.Budget(3, "x", 0).bytes()).isEqualTo(3 * MIB);
    }

    @Test
    void theRowsAreLabelledByTheirGoal() {
        assertThat(Variants.label("weft-dataflow-speed", -1)).isEqualTo("weft-dataflow (speed)");
        assertThat(Variants.label("weft-dataflow-memory", 103 * MIB)).isEqualTo("weft-dataflow (memory ≤ 103 MiB)");
        assertThat(Variants.label("weft-dataflow-memory-64", 64 * MIB)).isEqualTo("weft-dataflow (memory ≤ 64 MiB)");
        assertThat(Variants.label("weft-dataflow-1000", -1)).isEqualTo("weft-dataflow-1000");
        assertThat(Variants.seriesLabel("weft-dataflow-memory-64")).isEqualTo("weft-dataflow (memory ≤ 64 MiB)");
        assertThat(Variants.seriesLabel("weft-dataflow-memory"))
                .isEqualTo("weft-dataflow (memory ≤ ¼ of the speed row's peak live)");
        assertThat(Variants.seriesLabel("weft-scope-64")).isEqualTo("weft-scope-64");
        assertThat(Variants.approach("weft-dataflow-speed", 2000, 10000, 10000, -1))
                .isEqualTo("Weft data flow (speed)");
        assertThat(row("weft-dataflow-memory", 1000, 1.0, 10 * MIB, 12 * MIB, List.of()).label())
                .isEqualTo("weft-dataflow (memory ≤ 12 MiB)");
    }

    @Test
    void theAdaptivePresetSetsSizesVariantsAndRoundsAndLaterOptionsStillApply() {
        DownloaderReport.Options a = parse("--adaptive");
        assertThat(a.requests()).containsExactly(1000, 10000);
        assertThat(a.variants()).containsExactly("weft-dataflow-500", "weft-dataflow-1000", "weft-dataflow-2000",
                "weft-dataflow-4000", "weft-dataflow-speed", "weft-dataflow-memory");
        assertThat(a.rounds()).isEqualTo(3);
        assertThat(a.out()).isEqualTo(Path.of("target", "adaptive-report"));
        DownloaderReport.Options b = parse("--rounds", "1", "--adaptive", "--requests", "200");
        assertThat(b.rounds()).isEqualTo(1);
        assertThat(b.requests()).containsExactly(200);
        assertThat(b.variants()).isEqualTo(a.variants());
        assertThat(DownloaderReport.usage("bench downloader", DownloaderReport.Options.report()))
                .contains("--adaptive", "weft-dataflow-speed", "weft-dataflow-memory-N");
    }

    @Test
    void theUntimedRunChecksAtAQuarterHalfAndThreeQuartersAndTheMedianRoundIsKept() {
        assertThat(Variants.checkpointSteps(100)).containsExactly(25, 50, 75);
        assertThat(Variants.checkpointSteps(10)).containsExactly(2, 5, 7);
        assertThat(Variants.checkpointSteps(3)).containsExactly(1, 2);
        assertThat(Variants.checkpointSteps(1)).containsExactly(1);
        assertThat(Variants.medianRound(List.of(30L, 10L, 20L))).isEqualTo(2);
        assertThat(Variants.medianRound(List.of(40L, 10L, 30L, 20L))).isEqualTo(3);
        assertThat(Variants.medianRound(List.of(5L))).isZero();
    }

    @Test
    void aCheckpointOffHalfWayCountsForPeakLiveOnly() {
        try (MemoryProbe probe = new MemoryProbe()) {
            probe.begin();
            probe.checkpoint(false);
            MemoryProbe.Peaks quarter = probe.end();
            assertThat(quarter.kept()).isEqualTo(-1);
            assertThat(quarter.peakLive()).isNotNegative();
            probe.begin();
            assertThat(probe.end().peakLive()).isEqualTo(-1);
            probe.begin();
            probe.checkpoint(false);
            probe.checkpoint(true);
            MemoryProbe.Peaks both = probe.end();
            assertThat(both.kept()).isNotNegative();
            assertThat(both.peakLive()).isGreaterThanOrEqualTo(both.kept());
        }
    }

    private static DownloaderReport.Row row(String variant, int requests, double seconds, long peakLive,
                                            long budget, List<LimitPoint> limits) {
        long nanos = (long) (seconds * 1e9);
        return new DownloaderReport.Row(variant, requests, requests, nanos, nanos, 20 * MIB, MIB, 0, 21 * MIB,
                peakLive / 2, requests, requests, 0, 0, Map.of(), 1000, 0, List.of(nanos, nanos + 1, nanos - 1),
                peakLive, budget, limits);
    }

    private static final List<LimitPoint> TRACE = List.of(
            new LimitPoint(0.01, 40, 20, 20, 980, "GROW", "throughput rose"),
            new LimitPoint(0.30, 30, 40, 40, 1, "MEMORY", "live heap 30 MiB, budget 25 MiB, \"backing off\"", 850));

    @Test
    void theVerdictsCompareSpeedWithTheBestFixedRowAndMemoryWithItsBudgetAndTheSpeedRow() {
        List<DownloaderReport.Row> rows = List.of(row("weft-dataflow-1000", 10000, 2.0, 300 * MIB, -1, List.of()),
                row("weft-dataflow-2000", 10000, 1.5, 400 * MIB, -1, List.of()),
                row("weft-dataflow-speed", 10000, 1.6, 400 * MIB, -1, TRACE),
                row("weft-dataflow-memory", 10000, 3.2, 105 * MIB, 100 * MIB, TRACE));
        String words = ReportTable.adaptive(rows);
        assertThat(words).contains("Speed goal at 10000 pages: 1.60 s",
                "(weft-dataflow-2000, 1000 at once) 1.50 s: 1.07x its time, met");
        assertThat(words).contains("Memory goal at 10000 pages (weft-dataflow (memory ≤ 100 MiB)): peak live "
                + "105.0 MiB against a budget of 100.0 MiB, 1.05x it, met", "3.20 s, 2.00x the speed row's time",
                "50% fewer", "peak live 0.26x the speed row's");
        String slow = ReportTable.adaptive(List.of(row("weft-dataflow-2000", 10000, 1.0, 400 * MIB, -1, List.of()),
                row("weft-dataflow-speed", 10000, 1.5, 400 * MIB, -1, TRACE),
                row("weft-dataflow-memory-50", 10000, 3.0, 80 * MIB, 50 * MIB, TRACE)));
        assertThat(slow).contains("1.50x its time, missed", "1.60x it, missed");
        assertThat(ReportTable.adaptive(List.of(row("weft-dataflow-2000", 100, 1.0, MIB, -1, List.of())))).isEmpty();
        assertThat(ReportFiles.adaptiveSection(rows)).contains("## The adaptive orchestrator",
                "- Speed goal at 10000 pages", "![limit over time](limit.png)", "limits.csv");
        assertThat(ReportFiles.adaptiveSection(List.of(rows.getFirst()))).isEmpty();
    }

    @Test
    void aTinyRunOfTheAdaptiveRowsStoresEveryPageAndPlotsTheirLimits(@TempDir Path dir) throws Exception {
        DownloaderReport.Options options = new DownloaderReport.Options(List.of(20), dir, 0, 1, 50, 2, 1000, 1,
                List.of("weft-dataflow-10", "weft-dataflow-speed", "weft-dataflow-memory"), false);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        DownloaderReport.Result result;
        try (java.io.PrintStream out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8)) {
            result = DownloaderReport.run(options, out);
        }
        String printed = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(result.failed(0)).as(printed).isFalse();
        assertThat(result.rows()).extracting(DownloaderReport.Row::variant)
                .containsExactly("weft-dataflow-10", "weft-dataflow-speed", "weft-dataflow-memory");
        assertThat(result.rows()).allSatisfy(r -> {
            assertThat(r.ok()).as(r.variant()).isEqualTo(20);
            assertThat(r.peakLive()).as(r.variant()).isNotNegative().isGreaterThanOrEqualTo(r.kept());
        });
        DownloaderReport.Row speed = result.rows().get(1), memory = result.rows().get(2);
        // the memory row's budget is a quarter of the speed row's peak live, in whole MiB (at least 1)
        assertThat(memory.budget()).isEqualTo(Math.max(1, Math.round(speed.peakLive() / 4.0 / MIB)) * MIB);
        assertThat(printed).contains("weft-dataflow-memory at 20 pages: budget", "a quarter of weft-dataflow-speed",
                "Weft data flow (speed)", "Memory goal at 20 pages");
        assertThat(speed.limits()).as(printed).isNotEmpty();
        assertThat(speed.limits()).allSatisfy(p -> {
            assertThat(p.limit()).isBetween(1, Variants.ADAPTIVE_CEILING);
            assertThat(p.notStarted()).isBetween(0, 20);
        });
        assertThat(dir.resolve("limit.png")).exists();
        assertThat(Files.readAllLines(dir.resolve("limits.csv")).getFirst()).isEqualTo(LimitFiles.CSV_HEADER);
        assertThat(Files.readString(dir.resolve("summary.md"))).contains("| weft-dataflow (speed) | 20 |",
                "| weft-dataflow (memory ≤ ", "![limit over time](limit.png)");
    }

    @Test
    void theLimitsAreWrittenAsCsvAndAsAStepPlotPanelPerAdaptiveRow(@TempDir Path dir) throws Exception {
        List<DownloaderReport.Row> rows = List.of(row("weft-dataflow-1000", 1000, 0.2, 30 * MIB, -1, List.of()),
                row("weft-dataflow-speed", 1000, 0.2, 30 * MIB, -1, TRACE),
                row("weft-dataflow-memory", 1000, 0.4, 8 * MIB, 7 * MIB, TRACE));
        assertThat(LimitFiles.traced(rows)).extracting(DownloaderReport.Row::variant)
                .containsExactly("weft-dataflow-speed", "weft-dataflow-memory");
        assertThat(LimitFiles.csv(rows).split("\n")).containsExactly(LimitFiles.CSV_HEADER,
                "weft-dataflow-speed,1000,-1,0.010000,40,20,20,980,GROW,\"throughput rose\",-1",
                "weft-dataflow-speed,1000,-1,0.300000,30,40,40,1,MEMORY,"
                        + "\"live heap 30 MiB, budget 25 MiB, \"\"backing off\"\"\",850",
                "weft-dataflow-memory,1000,7340032,0.010000,40,20,20,980,GROW,\"throughput rose\",-1",
                "weft-dataflow-memory,1000,7340032,0.300000,30,40,40,1,MEMORY,"
                        + "\"live heap 30 MiB, budget 25 MiB, \"\"backing off\"\"\",850");
        double[][] steps = LimitFiles.steps(TRACE, 0.4);
        assertThat(steps[0]).containsExactly(0.01, 0.30, 0.30, 0.4);
        assertThat(steps[1]).containsExactly(40, 40, 30, 30);
        assertThat(LimitFiles.steps(TRACE, 0.1)[0]).containsExactly(0.01, 0.30, 0.30);
        assertThat(LimitFiles.steps(List.of(), 1)[0]).isEmpty();

        XYChart panel = LimitFiles.panel(rows.get(2));
        assertThat(panel.getTitle()).isEqualTo("weft-dataflow (memory ≤ 7 MiB), 1000 pages: median round 0.40 s");
        assertThat(panel.getSeriesMap().keySet()).containsExactly(LimitFiles.LIMIT, LimitFiles.IN_FLIGHT,
                LimitFiles.QUEUED);
        assertThat(panel.getSeriesMap().get(LimitFiles.QUEUED).getYAxisGroup()).isEqualTo(1);
        // not started: the report's count, else the decision's queued
        assertThat(panel.getSeriesMap().get(LimitFiles.QUEUED).getYData()).containsExactly(980, 850);
        assertThat(panel.getSeriesMap().get(LimitFiles.LIMIT).getYData()).containsExactly(40, 40, 30, 30);

        Path png = dir.resolve("limit.png");
        LimitFiles.write(rows, png);
        byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
        assertThat(head).isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(2 * LimitFiles.PANEL_WIDTH);
        assertThat(image.getHeight()).isEqualTo(LimitFiles.PANEL_HEIGHT);
        assertThatThrownBy(() -> LimitFiles.write(List.of(rows.getFirst()), png))
                .isInstanceOf(IllegalArgumentException.class);
        // the report's CSV has the peak live, the budget and the level of every row
        assertThat(ReportFiles.csv(rows).split("\n")[3]).endsWith("," + 8 * MIB + "," + 7 * MIB + ",1000");
    }
}
