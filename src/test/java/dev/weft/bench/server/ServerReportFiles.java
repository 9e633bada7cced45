package dev.weft.bench.server;

import dev.weft.demo.LogPlot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The server report's files: {@code server.csv} (a row per run), four plots with log axes ({@link LogPlot}: echoes
 * per second, p99 latency, memory per connection, platform threads, each against connections) and
 * {@code summary.md}, whose first section says in words what the figures show ({@link #findings}).
 */
final class ServerReportFiles {
    /** The CSV's header line. */
    static final String CSV_HEADER = "variant,connections,slow_clients,think_ms,seconds,completed,throughput_per_s,"
            + "ideal_per_s,p50_ms,p99_ms,max_ms,peak_platform_threads,kept_bytes_per_connection,"
            + "rss_bytes_per_connection,rss_idle_bytes,rss_loaded_bytes,heap_idle_bytes,heap_loaded_bytes,"
            + "stacks_idle_bytes,stacks_loaded_bytes,direct_loaded_bytes,connected,connect_failed,ready_s,not_ready,"
            + "io_errors,"
            + "mismatches,server_errors,slow_echoes,failure";
    /** Ratios the issue asks of Weft against Netty: throughput, p99 latency, memory per connection. */
    static final double THROUGHPUT_GOAL = 1.5, P99_GOAL = 2.0, MEMORY_GOAL = 2.0;

    private ServerReportFiles() {
    }

    /** Writes the CSV, the plots and the summary into {@code options.out()}. */
    static void write(ServerReport.Options options, List<ServerRow> rows) throws IOException {
        Path dir = options.out();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("server.csv"), csv(rows));
        List<ServerRow> plain = rows.stream().filter(r -> r.slowClients() == 0).toList();
        plot(plain, "Echoes per second vs connections (think " + options.thinkMs() + " ms)", "echoes/s (log)",
                ServerRow::throughput, List.of("ideal: connections x 1000 / think ms", "(dashed grey line)"), true)
                .write(dir.resolve("throughput.png"));
        plot(plain, "p99 latency vs connections (send to echo; think " + options.thinkMs() + " ms)", "ms (log)",
                r -> r.p99Nanos() / 1e6, List.of("the think time is the floor"), false)
                .write(dir.resolve("p99.png"));
        plot(plain, "Server memory per open connection vs connections", "KiB per connection (log)",
                r -> r.keptPerConnection() / 1024.0, List.of("heap after a forced collection", "+ thread stacks",
                        "+ direct buffers,", "loaded minus idle,", "over the connections"), false)
                .write(dir.resolve("memory.png"));
        plot(plain, "Server platform threads vs connections", "peak platform threads (log)",
                r -> (double) r.peakThreads(), List.of("live OS threads of the server JVM", "(JVM's own included);",
                        "virtual threads not counted"), false)
                .write(dir.resolve("threads.png"));
        Files.writeString(dir.resolve("summary.md"), markdown(options, rows));
    }

    static String csv(List<ServerRow> rows) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (ServerRow r : rows) {
            sb.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%.6f,%d,%.1f,%.1f,%.3f,%.3f,%.3f,%d,%d,%d,%d,%d,%d,%d,"
                            + "%d,%d,%d,%d,%d,%.3f,%d,%d,%d,%d,%d,\"%s\"%n", r.variant(), r.connections(),
                    r.slowClients(),
                    r.thinkMs(), r.seconds(), r.completed(), r.throughput(), r.ideal(), r.p50Nanos() / 1e6,
                    r.p99Nanos() / 1e6, r.maxNanos() / 1e6, r.peakThreads(), r.keptPerConnection(),
                    r.rssPerConnection(), r.rssIdle(), r.rssLoaded(), r.heapIdle(), r.heapLoaded(), r.stacksIdle(),
                    r.stacksLoaded(), r.directLoaded(), r.connected(), r.connectFailed(), r.readySeconds(),
                    r.notReady(),
                    r.ioErrors(),
                    r.mismatches(), r.serverErrors(), r.slowEchoes(), r.failure().replace("\"", "\"\"")));
        }
        return sb.toString();
    }

    /** One line per variant; a point only where the value is above 0 (a failed run has none). */
    static LogPlot plot(List<ServerRow> rows, String title, String yTitle, ToDoubleFunction<ServerRow> y,
                        List<String> notes, boolean ideal) {
        Map<String, List<ServerRow>> byVariant = new LinkedHashMap<>();
        for (ServerRow r : rows) {
            if (!r.failed() && y.applyAsDouble(r) > 0) {
                byVariant.computeIfAbsent(r.variant(), k -> new ArrayList<>()).add(r);
            }
        }
        List<LogPlot.Series> series = new ArrayList<>();
        LogPlot.Marker[] markers = LogPlot.Marker.values();
        double lo = Double.MAX_VALUE, hi = 0;
        int i = 0;
        for (var e : byVariant.entrySet()) {
            double[] xs = e.getValue().stream().mapToDouble(ServerRow::connections).toArray();
            double[] ys = e.getValue().stream().mapToDouble(y).toArray();
            for (double v : ys) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            series.add(new LogPlot.Series(e.getKey(), xs, ys, new boolean[xs.length],
                    LogPlot.PALETTE.get(i % (LogPlot.PALETTE.size() - 1)), markers[i % markers.length], false));
            i++;
        }
        if (ideal && !rows.isEmpty()) {
            List<ServerRow> one = rows.stream().collect(LinkedHashMap<Integer, ServerRow>::new,
                    (m, r) -> m.putIfAbsent(r.connections(), r), Map::putAll).values().stream().toList();
            double[] xs = one.stream().mapToDouble(ServerRow::connections).toArray();
            double[] ys = one.stream().mapToDouble(ServerRow::ideal).toArray();
            for (double v : ys) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            series.add(new LogPlot.Series("ideal", xs, ys, new boolean[xs.length],
                    LogPlot.PALETTE.get(LogPlot.PALETTE.size() - 1), markers[i % markers.length], true));
        }
        if (hi == 0) {
            lo = hi = 1;
        }
        return new LogPlot(title, "concurrent connections (log)", yTitle,
                LogPlot.sizeAxis(rows.stream().map(ServerRow::connections).toList()), LogPlot.valueAxis(lo, hi),
                series, notes);
    }

    static Optional<ServerRow> find(List<ServerRow> rows, String variant, int connections, boolean slow) {
        return rows.stream().filter(r -> r.variant().equals(variant) && r.connections() == connections
                && (r.slowClients() > 0) == slow).findFirst();
    }

    /**
     * What the figures show, in sentences decided from them: per size, who kept up with the ideal and who fell
     * behind; Weft against Netty against the goals; thread per connection on platform threads at the
     * largest size; what the slow clients changed.
     */
    static String findings(ServerReport.Options options, List<ServerRow> rows) {
        StringBuilder sb = new StringBuilder();
        List<Integer> sizes = options.connections();
        for (int n : sizes) {
            List<ServerRow> at = rows.stream().filter(r -> r.connections() == n && r.slowClients() == 0).toList();
            if (at.isEmpty()) {
                continue;
            }
            List<String> kept = new ArrayList<>(), behind = new ArrayList<>();
            for (ServerRow r : at) {
                double share = r.throughput() / r.ideal();
                if (!r.failed() && share >= 0.9 && r.errors() == 0) {
                    kept.add(r.variant());
                } else {
                    behind.add(String.format(Locale.ROOT, "%s (%s)", r.variant(), r.failed() ? "failed: "
                            + firstWords(r.failure()) : String.format(Locale.ROOT, "%.0f%% of ideal%s", 100 * share,
                            r.errors() > 0 ? ", " + r.errors() + " errors" : "")));
                }
            }
            ServerRow best = at.stream().filter(r -> !r.failed()).max((a, b) -> Double.compare(a.throughput(),
                    b.throughput())).orElse(at.get(0));
            ServerRow fastest = at.stream().filter(r -> !r.failed() && r.p99Nanos() > 0)
                    .min((a, b) -> Long.compare(a.p99Nanos(), b.p99Nanos())).orElse(best);
            sb.append(String.format(Locale.ROOT, "- **%,d connections** (ideal %,.0f echoes/s): ", n,
                    at.get(0).ideal()));
            if (behind.isEmpty()) {
                sb.append("every server kept up (at least 90% of the ideal, no errors). ");
            } else if (kept.isEmpty()) {
                sb.append("no server kept up with the ideal (90% of it): ").append(String.join(", ", behind))
                        .append(". ");
            } else {
                sb.append(String.join(", ", kept)).append(" kept up (at least 90% of the ideal, no errors); ")
                        .append(String.join(", ", behind)).append(" did not. ");
            }
            sb.append(String.format(Locale.ROOT, "Most echoes: %s (%,.0f/s); lowest p99: %s (%.1f ms, think %d ms)."
                    + "%n", best.variant(), best.throughput(), fastest.variant(), fastest.p99Nanos() / 1e6,
                    options.thinkMs()));
        }
        for (int n : sizes) {
            Optional<ServerRow> weft = find(rows, "weft", n, false), netty = find(rows, "netty", n, false);
            if (weft.isEmpty() || netty.isEmpty()) {
                continue;
            }
            ServerRow w = weft.get(), k = netty.get();
            if (w.failed() || k.failed() || w.throughput() == 0 || k.p99Nanos() <= 0) {
                sb.append(String.format(Locale.ROOT, "- **Weft against Netty at %,d**: cannot compare, a run failed."
                        + "%n", n));
                continue;
            }
            double tput = k.throughput() / w.throughput();
            double p99 = (double) w.p99Nanos() / k.p99Nanos();
            double mem = k.keptPerConnection() > 0 ? (double) w.keptPerConnection() / k.keptPerConnection() : -1;
            sb.append(String.format(Locale.ROOT, "- **Weft against Netty at %,d**: Netty served %.2fx Weft's echoes "
                            + "(goal: at most %.1fx, %s); Weft's p99 is %.2fx Netty's (%.1f vs %.1f ms; goal: at most "
                            + "%.0fx, %s); Weft holds %s per connection against Netty's %s (%s; goal: at most %.0fx, "
                            + "%s).%n", n, tput, THROUGHPUT_GOAL, tput <= THROUGHPUT_GOAL ? "met" : "MISSED", p99,
                    w.p99Nanos() / 1e6, k.p99Nanos() / 1e6, P99_GOAL, p99 <= P99_GOAL ? "met" : "MISSED",
                    kib(w.keptPerConnection()), kib(k.keptPerConnection()),
                    mem < 0 ? "no ratio" : String.format(Locale.ROOT, "%.1fx", mem), MEMORY_GOAL,
                    mem < 0 ? "unknown" : mem <= MEMORY_GOAL ? "met" : "MISSED"));
        }
        int largest = sizes.stream().max(Integer::compare).orElseThrow();
        Optional<ServerRow> threads = find(rows, "threads", largest, false);
        Optional<ServerRow> virtual = find(rows, "virtual", largest, false);
        if (threads.isPresent()) {
            ServerRow t = threads.get();
            sb.append(String.format(Locale.ROOT, "- **Thread per connection on platform threads at %,d**: ", largest));
            if (t.failed()) {
                sb.append("the run failed (").append(firstWords(t.failure())).append(").");
            } else {
                sb.append(String.format(Locale.ROOT, "%,d platform threads, %,.0f echoes/s (%.0f%% of the ideal), "
                                + "p99 %.1f ms, %s per connection kept (mostly thread stacks), %d errors.",
                        t.peakThreads(), t.throughput(), 100 * t.throughput() / t.ideal(), t.p99Nanos() / 1e6,
                        kib(t.keptPerConnection()), t.errors()));
                if (virtual.isPresent() && !virtual.get().failed()) {
                    ServerRow v = virtual.get();
                    sb.append(String.format(Locale.ROOT, " The same code on virtual threads: %,d platform threads, "
                                    + "%,.0f echoes/s, p99 %.1f ms, %s per connection.", v.peakThreads(),
                            v.throughput(), v.p99Nanos() / 1e6, kib(v.keptPerConnection())));
                }
            }
            sb.append('\n');
        }
        int slowSize = options.slowSize();
        if (slowSize > 0) {
            List<String> held = new ArrayList<>(), hurt = new ArrayList<>();
            for (ServerVariant v : options.variants()) {
                Optional<ServerRow> slow = find(rows, v.id(), slowSize, true), plain = find(rows, v.id(), slowSize,
                        false);
                if (slow.isEmpty() || plain.isEmpty() || slow.get().failed() || plain.get().failed()) {
                    continue;
                }
                ServerRow s = slow.get(), p = plain.get();
                double share = s.throughput() / s.ideal(), before = p.throughput() / p.ideal();
                String line = String.format(Locale.ROOT, "%s %.0f%% of ideal (%.0f%% without), p99 %.1f ms, %d "
                                + "threads", v.id(), 100 * share, 100 * before, s.p99Nanos() / 1e6,
                        s.peakThreads());
                (share >= 0.9 * before ? held : hurt).add(line);
            }
            sb.append(String.format(Locale.ROOT, "- **Slow clients** (%,d connections, %d of them sending a byte a "
                            + "second): ", slowSize, Math.round(slowSize * options.slowFraction())));
            if (hurt.isEmpty()) {
                sb.append("no server let them slow the others down (fast clients' echoes within 10% of the run "
                        + "without them): ");
            } else {
                sb.append("they slowed the others down on ").append(String.join("; ", hurt))
                        .append(". The rest held up: ");
            }
            sb.append(String.join("; ", held)).append(". A slow client holds what a connection holds (a blocked "
                    + "thread on the thread-per-connection servers), nothing more.\n");
        }
        return sb.toString();
    }

    private static String firstWords(String s) {
        return s.length() > 140 ? s.substring(0, 140) + "..." : s;
    }

    static String kib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }

    static String markdown(ServerReport.Options options, List<ServerRow> rows) {
        StringBuilder sb = new StringBuilder("# Seed 003: threads vs events, an echo server with a think time\n\n");
        sb.append(String.format(Locale.ROOT, "Every client sends a line and waits for its echo; the server waits %d "
                        + "ms (its think time: a sleep on the thread-per-connection servers, a timer on the "
                        + "event-driven ones) and sends the line back. Connections %s, %d s timed per run after 1 s "
                        + "of warm-up, each server in a JVM of its own and the clients in another, on 127.0.0.1; "
                        + "%d cores shared with other work, Java %s, %s; load average (1, 5, 15 min) at the end: "
                        + "%s.%n%n", options.thinkMs(), options.connections(), options.seconds(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Instant.now().truncatedTo(ChronoUnit.SECONDS), loadAverage()));
        sb.append("## What the numbers show\n\n").append(findings(options, rows)).append('\n');
        sb.append("## Servers\n\n| id | what |\n|---|---|\n");
        for (ServerVariant v : options.variants()) {
            sb.append("| ").append(v.id()).append(" | ").append(v.description()).append(" |\n");
        }
        sb.append("\n## Runs\n\n");
        sb.append("| server | connections | slow | echoes/s | of ideal | p50 (ms) | p99 (ms) | max (ms) "
                + "| platform threads | kept/conn | RSS/conn | all served once after (s) | errors | note |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (ServerRow r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %,d | %d | %,.0f | %.0f%% | %.1f | %.1f | %.1f | %,d | %s "
                            + "| %s | %.1f | %d | %s |%n", r.variant(), r.connections(), r.slowClients(),
                    r.throughput(),
                    100 * r.throughput() / r.ideal(), r.p50Nanos() / 1e6, r.p99Nanos() / 1e6, r.maxNanos() / 1e6,
                    r.peakThreads(), kib(r.keptPerConnection()), kib(r.rssPerConnection()), r.readySeconds(),
                    r.errors(),
                    note(r)));
        }
        sb.append("""

                ## How it was measured

                - For each run the report starts a server JVM (`ServerProcess`, `-Xmx2g`, Native Memory Tracking
                  on) and a load JVM (`LoadClient`, two selector threads) on the same class path. The clients
                  connect (at most 200 connects in flight per thread) and each sends its first line; when every
                  connection has had its first echo (30 s at most: "all served once after"), they run 1 s
                  untimed, then the echoes that arrive in the timed window are counted (echoes/s) and their
                  latencies, send to echo, give p50, p99 and max. Each connection is a closed loop: the next
                  line goes out when the echo is in, so no server can do more than connections x 1000 / think ms
                  echoes a second (the ideal).
                - Slow clients send their line one byte a second, so they never finish one in the window; they
                  are left out of the echoes and latencies: the question is whether they hurt the others.
                - Server memory: after the window, with every connection still open, the server collects garbage
                  and reports heap used, committed thread stacks (NMT) and direct buffers; the same was read when
                  it listened with no connection. Kept/conn is the growth of their sum over the connections
                  established: what an open connection costs that server. RSS/conn is the growth of the resident
                  set (`VmRSS`) over the connections: it includes heap the JVM grew for garbage, so it is coarser.
                - Platform threads: the most live threads of the server JVM during the run (the JVM's own, about
                  ten, included). Virtual threads are not OS threads and are not counted.
                - Errors: connects that failed or timed out, connections reset or closed by the server, echoes
                  that were not the line sent, connections the server could not serve (a thread it could not
                  start). Clients close with SO_LINGER 0 (a reset), so no TIME_WAIT piles up across runs.
                - The machine's 2 cores are shared by the server, the clients and other work: figures move by
                  10-20% between runs; the ratios in the findings come from one run each.

                ![echoes per second](throughput.png)

                ![p99 latency](p99.png)

                ![memory per connection](memory.png)

                ![platform threads](threads.png)
                """);
        return sb.toString();
    }

    private static String note(ServerRow r) {
        if (r.failed()) {
            return "FAILED: " + firstWords(r.failure()).replace("|", "\\|");
        }
        List<String> parts = new ArrayList<>();
        if (r.notReady() > 0) {
            parts.add(r.notReady() + " never answered in 30 s");
        }
        if (r.connectFailed() > 0) {
            parts.add(r.connectFailed() + " connects failed");
        }
        if (r.ioErrors() > 0) {
            parts.add(r.ioErrors() + " connections broken");
        }
        if (r.mismatches() > 0) {
            parts.add(r.mismatches() + " wrong echoes");
        }
        if (r.serverErrors() > 0) {
            parts.add(r.serverErrors() + " not served by the server");
        }
        return String.join(", ", parts);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
