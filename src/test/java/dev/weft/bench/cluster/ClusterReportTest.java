package dev.weft.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.demo.cluster.FanOut;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster report ({@code ./weft bench cluster}): its options, the findings it decides from figures, its files,
 * and the two parts cheap enough to run here: the local fan-out peer and the delivery comparison at a tiny size
 * (two actor systems in this JVM). The parts with worker JVMs are what {@code ClusterProcessTest} already runs.
 */
@Timeout(60)
class ClusterReportTest {
    @TempDir
    Path out;

    @Test
    void theDefaultsAreTheIssuesConfigurations() {
        ClusterReport.Options d = ClusterReport.Options.defaults();
        assertThat(d.parts()).containsExactlyInAnyOrder("fanout", "kill", "delivery");
        assertThat(d.runs()).containsExactly(1000, 10_000);
        assertThat(d.ms()).containsExactly(1, 0);
        assertThat(d.workers()).isEqualTo(3);
        assertThat(d.rounds()).isEqualTo(5);
        assertThat(d.out()).isEqualTo(Path.of("target", "cluster-report"));
    }

    @Test
    void optionsParseOverTheDefaults() {
        ClusterReport.Options o = ClusterReport.Options.parse(ClusterReport.Options.defaults(), "--parts",
                "fanout, kill", "--runs", "100,1_000", "--workers", "2", "--ms", "0", "--rounds", "2", "--warmup", "0",
                "--kill-runs", "40", "--kill-ms", "50", "--kill-rounds", "1", "--delivery-messages", "500",
                "--delivery-windows", "8", "--delivery-variants", "direct,work-pulling", "--out", out.toString());
        assertThat(o.parts()).isEqualTo(Set.of("fanout", "kill"));
        assertThat(o.runs()).containsExactly(100, 1000);
        assertThat(o.workers()).isEqualTo(2);
        assertThat(o.ms()).containsExactly(0);
        assertThat(o.rounds()).isEqualTo(2);
        assertThat(o.warmup()).isZero();
        assertThat(o.killRuns()).isEqualTo(40);
        assertThat(o.killMs()).isEqualTo(50);
        assertThat(o.killRounds()).isEqualTo(1);
        assertThat(o.deliveryMessages()).isEqualTo(500);
        assertThat(o.deliveryWindows()).containsExactly(8);
        assertThat(o.deliveryVariants()).containsExactly(DeliveryBench.Variant.DIRECT,
                DeliveryBench.Variant.WORK_PULLING);
        assertThat(o.out()).isEqualTo(out);
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() {
        ClusterReport.Options d = ClusterReport.Options.defaults();
        assertThatThrownBy(() -> ClusterReport.Options.parse(d, "--nodes", "3"))
                .hasMessageContaining("unknown option '--nodes'");
        assertThatThrownBy(() -> ClusterReport.Options.parse(d, "--rounds"))
                .hasMessageContaining("--rounds needs a value");
        assertThatThrownBy(() -> ClusterReport.Options.parse(d, "--rounds", "0"))
                .hasMessageContaining("--rounds must be 1..100, got 0");
        assertThatThrownBy(() -> ClusterReport.Options.parse(d, "--workers", "9"))
                .hasMessageContaining("--workers must be 1..8");
        assertThatThrownBy(() -> ClusterReport.Options.parse(d, "--runs", "10,x"))
                .hasMessageContaining("--runs needs a whole number, got 'x'");
        assertThatThrownBy(() -> ClusterReport.Options.parse(d, "--ms", "1,1"))
                .hasMessageContaining("--ms names a value twice");
        assertThatThrownBy(() -> ClusterReport.Options.parse(d, "--parts", "fanout,speed"))
                .hasMessageContaining("--parts: unknown part 'speed'");
        assertThatThrownBy(() -> ClusterReport.Options.parse(d, "--delivery-variants", "carrier-pigeon"))
                .hasMessageContaining("--delivery-variants: unknown delivery variant 'carrier-pigeon'")
                .hasMessageContaining("work-pulling+reply");
        assertThatThrownBy(() -> ClusterReport.Options.parse(d, "--out", " "))
                .hasMessageContaining("--out needs a folder");
    }

    @Test
    void theHelpNamesEveryOption() {
        assertThat(ClusterReport.usage()).contains("--parts", "--runs", "--ms", "--workers", "--warmup", "--rounds",
                "--kill-runs", "--kill-ms", "--kill-rounds", "--delivery-messages", "--delivery-windows",
                "--delivery-variants", "--out", "target/cluster-report");
    }

    @Test
    void timingsGiveTheMeasuredMedianAndTheMinimum() {
        Timings t = new Timings(List.of(40L, 10L, 30L, 20L));
        assertThat(t.median()).isEqualTo(20);
        assertThat(t.min()).isEqualTo(10);
        assertThat(t.max()).isEqualTo(40);
        assertThat(t.perSecond(1000)).isEqualTo(1000 * 1e9 / 20);
        assertThatThrownBy(() -> new Timings(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLocalPeerRunsEveryItemOncePerRound() {
        FanOutRow r = FanOutBench.cell(0, 200, 0, 1, 3, FanOut.flow(FanOut.IO, 0), null);
        assertThat(r.where()).isEqualTo("local (1 JVM)");
        assertThat(r.timings().nanos()).hasSize(3).allMatch(n -> n > 0);
        assertThat(r.perWorker()).isEmpty();
    }

    @Test
    void theFindingsSayWhetherTheGoalsWereMetAndTheOverheadPerRun() {
        ClusterReport.Options o = ClusterReport.Options.parse(ClusterReport.Options.defaults(), "--runs", "10000",
                "--ms", "0", "--workers", "2", "--delivery-windows", "50", "--out", out.toString());
        List<FanOutRow> fanOut = List.of(
                new FanOutRow(0, 10_000, 0, 2, new Timings(List.of(100_000_000L)), List.of()),
                new FanOutRow(1, 10_000, 0, 2, new Timings(List.of(2_100_000_000L)), List.of(10_001L)),
                new FanOutRow(2, 10_000, 0, 2, new Timings(List.of(900_000_000L, 800_000_000L, 700_000_000L)), List.of(5000L,
                        5001L)));
        List<KillRow> kills = List.of(
                new KillRow(true, 1, 400, 200, 80, 100, 400, 0, 0, 0, true, 1_100_000_000L, 1_500_000_000L, -1, ""),
                new KillRow(false, 1, 400, 200, 80, 100, 300, 100, 100, 0, true, 2_400_000_000L, 2_600_000_000L,
                        2_500_000_000L, ""));
        List<DeliveryRow> delivery = List.of(
                new DeliveryRow(DeliveryBench.Variant.DIRECT, 50, 1000, 1, new Timings(List.of(50_000_000L))),
                new DeliveryRow(DeliveryBench.Variant.WORK_PULLING, 50, 1000, 1, new Timings(List.of(100_000_000L))));
        var results = new ClusterReport.Results(o, fanOut, kills, delivery, 2, "1.00, 1.00, 1.00",
                "2.00, 2.00, 2.00", Instant.EPOCH, 60);
        String findings = ClusterReportFiles.findings(results);
        // 2 workers: 10,000 runs in 0.8 s (the median of three) = 12,500/s, over the goal
        assertThat(findings).contains("at most 12,500", "on 2 worker JVMs: the goal of 10,000 is met");
        // (2.1 s - 0.1 s) / 10,000 = 200 µs per remote run over local
        assertThat(findings).contains("1: 4,762/s (200 µs per run over local; fastest rounds: 200 µs)");
        // medians: (0.8 s - 0.1 s) / 10,000 = 70 µs; fastest rounds: (0.7 s - 0.1 s) / 10,000 = 60 µs
        assertThat(findings).contains("2: 12,500/s (70 µs per run over local; fastest rounds: 60 µs)");
        assertThat(findings).contains("400 of 400 runs done (100.0%)", "taken as lost a median 1100 ms after the kill",
                "all complete within 2 s) is met");
        assertThat(findings).contains("300 done, 100 reported (100 with a MemberLostException naming the victim)",
                "kill to the last failure reported: median 2500 ms", "(the rest reported within 2 s) is MISSED");
        assertThat(findings).contains("direct tell with the reply as acknowledgement 20,000 msg/s",
                "work-pulling 10,000/s (direct is 2.0x)");
    }

    @Test
    void theReportWritesItsMarkdownCsvAndPlot() throws Exception {
        ClusterReport.Options o = ClusterReport.Options.parse(ClusterReport.Options.defaults(), "--runs", "100",
                "--ms", "0", "--workers", "1", "--out", out.toString());
        List<FanOutRow> fanOut = List.of(
                new FanOutRow(0, 100, 0, 0, new Timings(List.of(1_000_000L, 2_000_000L)), List.of()),
                new FanOutRow(1, 100, 0, 0, new Timings(List.of(10_000_000L, 20_000_000L)), List.of(202L)));
        var results = new ClusterReport.Results(o, fanOut, List.of(), List.of(), 2, "n/a", "n/a", Instant.EPOCH, 1);
        String md = ClusterReportFiles.write(results);
        assertThat(out.resolve("report.md")).hasContent(md);
        assertThat(md).contains("| local (1 JVM) | 100 | 0 ms | 1.0 | 1.0 | 100,000 | 100,000 |  |  |",
                "| 1 worker JVM | 100 | 0 ms | 10.0 | 10.0 | 10,000 | 10,000 | 90.0 / 90.0 | [202] |");
        assertThat(Files.readAllLines(out.resolve("results.csv"))).first().isEqualTo(ClusterReportFiles.CSV_HEADER);
        assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(5)
                .contains("fanout,cluster,1,100,0,,2,20000000,100,0,,,,,");
        assertThat(Files.size(out.resolve("fanout.png"))).isPositive();
    }

    @Test
    void everyDeliveryMechanismMovesEveryMessageBetweenTwoActorSystems() throws Exception {
        ClusterReport.Options o = ClusterReport.Options.parse(ClusterReport.Options.defaults(), "--parts",
                "delivery", "--delivery-messages", "300", "--delivery-windows", "16", "--warmup", "0", "--rounds",
                "1", "--out", out.toString());
        // the consumers' registrations spread faster than Pekko's 2 s gossip: the work-pulling producers find them
        List<DeliveryRow> rows = DeliveryBench.run(o, new PrintStream(OutputStream.nullOutputStream()),
                "pekko.cluster.typed.receptionist.distributed-data.gossip-interval = 200 ms\n");
        assertThat(rows).extracting(DeliveryRow::variant).containsExactly(DeliveryBench.Variant.values());
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.messages()).isEqualTo(300);
            assertThat(r.window()).isEqualTo(16);
            assertThat(r.timings().nanos()).hasSize(1);
        });
    }
}
