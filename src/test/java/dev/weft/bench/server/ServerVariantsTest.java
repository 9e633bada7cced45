package dev.weft.bench.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The threads-vs-events report ({@code ./weft bench server}): every server variant echoes what it is sent, the
 * options reject bad values naming the option, and the report at a tiny size (10 connections, Weft and Netty, 1 s)
 * writes its CSV, plots and summary; the summary's findings, decided from the figures, say what they show.
 */
@Timeout(120)
class ServerVariantsTest {
    @TempDir
    Path out;

    @ParameterizedTest
    @EnumSource(ServerVariant.class)
    void everyVariantEchoesEachLineAfterItsThinkTime(ServerVariant variant) throws Exception {
        try (EchoServer server = variant.start(5);
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<String>>> sessions = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int id = c;
                sessions.add(clients.submit((Callable<List<String>>) () -> session(server.port(), id)));
            }
            for (int c = 0; c < 4; c++) {
                assertThat(sessions.get(c).get()).as(variant.id() + " client " + c)
                        .containsExactly("client " + c + " line 0", "client " + c + " line 1",
                                "client " + c + " line 2 in two writes");
            }
        }
    }

    /** Three requests, the third written in two pieces (a line split across reads). */
    private static List<String> session(int port, int id) throws Exception {
        List<String> got = new ArrayList<>();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream o = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            for (int k = 0; k < 2; k++) {
                o.write(("client " + id + " line " + k + "\n").getBytes(StandardCharsets.UTF_8));
                o.flush();
                got.add(in.readLine());
            }
            o.write(("client " + id + " line 2").getBytes(StandardCharsets.UTF_8));
            o.flush();
            o.write(" in two writes\n".getBytes(StandardCharsets.UTF_8));
            o.flush();
            got.add(in.readLine());
        }
        return got;
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() {
        ServerReport.Options d = ServerReport.Options.defaults();
        assertThatThrownBy(() -> ServerReport.Options.parse(d, "--connections", "0"))
                .hasMessageContaining("--connections");
        assertThatThrownBy(() -> ServerReport.Options.parse(d, "--connections", "20000"))
                .hasMessageContaining("--connections");
        assertThatThrownBy(() -> ServerReport.Options.parse(d, "--connections", "ten"))
                .hasMessageContaining("--connections needs a whole number");
        assertThatThrownBy(() -> ServerReport.Options.parse(d, "--variants", "weft,nope"))
                .hasMessageContaining("--variants").hasMessageContaining("nope");
        assertThatThrownBy(() -> ServerReport.Options.parse(d, "--variants", "weft,weft"))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> ServerReport.Options.parse(d, "--seconds", "0")).hasMessageContaining("--seconds");
        assertThatThrownBy(() -> ServerReport.Options.parse(d, "--think-ms", "-1")).hasMessageContaining("--think-ms");
        assertThatThrownBy(() -> ServerReport.Options.parse(d, "--slow-fraction", "1"))
                .hasMessageContaining("--slow-fraction");
        assertThatThrownBy(() -> ServerReport.Options.parse(d, "--out")).hasMessageContaining("--out needs a value");
        assertThatThrownBy(() -> ServerReport.Options.parse(d, "--frobnicate", "1"))
                .hasMessageContaining("unknown option '--frobnicate'");
        ServerReport.Options o = ServerReport.Options.parse(d, "--connections", "5,50", "--variants", "netty,weft",
                "--seconds", "2", "--think-ms", "7", "--slow-fraction", "0.25", "--out", "x");
        assertThat(o.connections()).containsExactly(5, 50);
        assertThat(o.variants()).containsExactly(ServerVariant.NETTY, ServerVariant.WEFT);
        assertThat(o.slowSize()).isEqualTo(50);
        assertThat(ServerReport.Options.parse(d, "--slow-fraction", "0").slowSize()).isEqualTo(-1);
    }

    @Test
    void aTinyReportWritesItsCsvPlotsAndSummary() throws Exception {
        ServerReport.Options options = new ServerReport.Options(List.of(10), List.of(ServerVariant.WEFT,
                ServerVariant.NETTY), 1, 10, 0, out, false);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<ServerRow> rows = ServerReport.run(options, new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(rows).hasSize(2);
        for (ServerRow r : rows) {
            assertThat(r.failure()).as(r.variant()).isEmpty();
            assertThat(r.connected()).isEqualTo(10);
            assertThat(r.completed()).as(r.variant()).isPositive();
            assertThat(r.errors()).isZero();
            assertThat(r.p50Nanos()).isGreaterThanOrEqualTo(10_000_000L); // the think time is the floor
        }
        List<String> csv = Files.readAllLines(out.resolve("server.csv"));
        assertThat(csv.get(0)).isEqualTo(ServerReportFiles.CSV_HEADER);
        assertThat(csv).hasSize(3);
        for (String png : List.of("throughput.png", "p99.png", "memory.png", "threads.png")) {
            byte[] bytes = Files.readAllBytes(out.resolve(png));
            assertThat(bytes.length).as(png).isGreaterThan(1000);
            assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).as(png).isEqualTo("PNG");
        }
        String summary = Files.readString(out.resolve("summary.md"));
        assertThat(summary).contains("## What the numbers show", "**10 connections**", "Weft against Netty at 10",
                "![echoes per second](throughput.png)");
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("weft", "netty", "wrote");
    }

    @Test
    void theFindingsSayWhoFellBehindWhatTheGoalsSayAndWhatSlowClientsDid() {
        ServerReport.Options options = new ServerReport.Options(List.of(100, 1000), List.of(ServerVariant.THREADS,
                ServerVariant.WEFT, ServerVariant.NETTY), 1, 100, 0.1, out, false);
        List<ServerRow> rows = List.of(
                row("threads", 100, 0, 990, 110, 100_000), row("weft", 100, 0, 1000, 120, 40_000),
                row("netty", 100, 0, 1000, 105, 3_000),
                row("threads", 1000, 0, 2000, 900, 100_000), row("weft", 1000, 0, 9000, 150, 40_000),
                row("netty", 1000, 0, 9900, 120, 3_000),
                row("threads", 1000, 100, 1000, 950, 100_000), row("weft", 1000, 100, 8000, 160, 40_000),
                row("netty", 1000, 100, 8900, 125, 3_000));
        String findings = ServerReportFiles.findings(options, rows);
        assertThat(findings).contains("**100 connections** (ideal 1,000 echoes/s): every server kept up");
        assertThat(findings).contains("weft, netty kept up", "threads (20% of ideal) did not");
        assertThat(findings).contains("Netty served 1.10x Weft's echoes (goal: at most 1.5x, met)",
                "Weft's p99 is 1.25x Netty's", "(13.3x; goal: at most 2x, MISSED)");
        assertThat(findings).contains("**Thread per connection on platform threads at 1,000**");
        assertThat(findings).contains("they slowed the others down on threads 11% of ideal (20% without)",
                "The rest held up: weft 89% of ideal (90% without)");
    }

    private static ServerRow row(String variant, int connections, int slow, long completed, long p99Ms,
                                 long keptPerConnection) {
        return new ServerRow(variant, connections, slow, 100, 1.0, completed, 100_000_000L, p99Ms * 1_000_000L,
                p99Ms * 1_000_000L, connections, 0, 0.5, 0, 0, 0, 0, 0, 10, 0, 0, 0, keptPerConnection * connections,
                0, 0, 0, "");
    }

    @Test
    void processLinesAndPercentilesAreRead() {
        assertThat(ServerCell.fields("completed=12 seconds=1.5 p50=3")).containsEntry("completed", 12L)
                .containsEntry("seconds_micros", 1_500_000L).containsEntry("p50", 3L);
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertThat(LoadClient.percentile(sorted, 0.5)).isEqualTo(50);
        assertThat(LoadClient.percentile(sorted, 0.99)).isEqualTo(99);
        assertThat(LoadClient.percentile(new long[0], 0.99)).isEqualTo(-1);
    }
}
