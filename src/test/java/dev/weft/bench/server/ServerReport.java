package dev.weft.bench.server;

import dev.weft.bench.ReportMain;
import dev.weft.demo.ReportProgress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Seed 003's lecture as a runnable report ({@code ./weft bench server}): one echo protocol with a think time, served
 * by thread per connection (platform and virtual threads), a selector loop, NIO.2 completion handlers, future chains,
 * Weft's {@code TcpServer} and Netty ({@link ServerVariant}), each in a server JVM of its own, loaded from a second
 * JVM at each number of connections, plus a run with slow clients. Prints a line per run, writes
 * {@code server.csv}, four plots and {@code summary.md} ({@link ServerReportFiles}).
 */
public final class ServerReport {
    private ServerReport() {
    }

    /**
     * The settings of a run.
     *
     * @param connections  the sizes, each a number of concurrent connections
     * @param variants     the variants, in the order they run
     * @param seconds      the timed window of each run
     * @param thinkMs      the server's think time per request
     * @param slowFraction the fraction of slow clients in the extra slow-client run (0: no such run)
     * @param out          the output folder
     * @param progress     whether to show a progress bar on a terminal
     */
    public record Options(List<Integer> connections, List<ServerVariant> variants, int seconds, long thinkMs,
                          double slowFraction, Path out, boolean progress) {
        /** The most connections a run may ask for: each process may open 20,000 files here. */
        public static final int MAX_CONNECTIONS = 15_000;

        /** Checks every value, naming the option. */
        public Options {
            connections = List.copyOf(connections);
            variants = List.copyOf(variants);
            if (connections.isEmpty()) {
                throw new IllegalArgumentException("--connections needs at least one size");
            }
            for (int n : connections) {
                if (n < 1 || n > MAX_CONNECTIONS) {
                    throw new IllegalArgumentException("--connections must each be 1.." + MAX_CONNECTIONS + ", got "
                            + n);
                }
            }
            if (variants.isEmpty()) {
                throw new IllegalArgumentException("--variants needs at least one variant");
            }
            if (new HashSet<>(variants).size() != variants.size()) {
                throw new IllegalArgumentException("--variants names a variant twice: " + variants);
            }
            if (seconds < 1 || seconds > 60) {
                throw new IllegalArgumentException("--seconds must be 1..60, got " + seconds);
            }
            if (thinkMs < 0 || thinkMs > 10_000) {
                throw new IllegalArgumentException("--think-ms must be 0..10000, got " + thinkMs);
            }
            if (!(slowFraction >= 0 && slowFraction < 1)) {
                throw new IllegalArgumentException("--slow-fraction must be 0 <= F < 1, got " + slowFraction);
            }
        }

        /** The defaults: 100, 1,000 and 10,000 connections, every variant, 3 s, 100 ms, 10% slow clients. */
        public static Options defaults() {
            return new Options(List.of(100, 1000, 10_000), ServerVariant.all(), 3, 100, 0.1,
                    Path.of("target", "server-report"), true);
        }

        /**
         * The size of the slow-client run: the largest size up to 1,000, else the smallest; -1 without one.
         */
        public int slowSize() {
            if (slowFraction == 0) {
                return -1;
            }
            return connections.stream().filter(n -> n <= 1000).max(Integer::compare)
                    .orElse(connections.stream().min(Integer::compare).orElseThrow());
        }

        /** Parses {@code args} over {@code defaults}; throws IllegalArgumentException naming the bad option. */
        public static Options parse(Options d, String... args) {
            List<Integer> connections = d.connections;
            List<ServerVariant> variants = d.variants;
            int seconds = d.seconds;
            long thinkMs = d.thinkMs;
            double slow = d.slowFraction;
            Path out = d.out;
            boolean progress = d.progress;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--no-progress")) {
                    progress = false;
                    continue;
                }
                if (!List.of("--connections", "--variants", "--seconds", "--think-ms", "--slow-fraction", "--out")
                        .contains(arg)) {
                    throw new IllegalArgumentException("unknown option '" + arg + "'");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                String value = args[++i];
                switch (arg) {
                    case "--connections" -> {
                        List<Integer> sizes = new ArrayList<>();
                        for (String part : value.split(",", -1)) {
                            sizes.add(whole(arg, part.strip()));
                        }
                        connections = sizes;
                    }
                    case "--variants" -> {
                        List<ServerVariant> vs = new ArrayList<>();
                        for (String part : value.split(",", -1)) {
                            try {
                                vs.add(ServerVariant.of(part.strip()));
                            } catch (IllegalArgumentException e) {
                                throw new IllegalArgumentException("--variants: " + e.getMessage(), e);
                            }
                        }
                        variants = vs;
                    }
                    case "--seconds" -> seconds = whole(arg, value);
                    case "--think-ms" -> thinkMs = whole(arg, value);
                    case "--slow-fraction" -> {
                        try {
                            slow = Double.parseDouble(value);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--slow-fraction needs a number, got '" + value
                                    + "'");
                        }
                    }
                    default -> {
                        if (value.isBlank()) {
                            throw new IllegalArgumentException("--out needs a folder, got ''");
                        }
                        out = Path.of(value);
                    }
                }
            }
            return new Options(connections, variants, seconds, thinkMs, slow, out, progress);
        }

        private static int whole(String option, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a whole number, got '" + value + "'");
            }
        }
    }

    /** The options' help. */
    static String usage() {
        Options d = Options.defaults();
        return String.format(Locale.ROOT, """
                usage: ./weft bench server [options]
                  --connections N[,N]  concurrent connections of each run, each 1..%d (default %s)
                  --variants ID[,ID]   which servers, in order (default all: %s)
                  --seconds N          timed window of each run, 1..60, after every connection had an echo
                                       and 1 s of warm-up (default %d)
                  --think-ms N         the server's think time per request, 0..10000 (default %d)
                  --slow-fraction F    one more run per variant with this fraction of slow clients (one byte a
                                       second), at the largest size up to 1000; 0: none (default %s)
                  --out DIR            where server.csv, the plots and summary.md go (default %s)
                  --no-progress        no progress bar (it is only shown on a terminal anyway)""",
                Options.MAX_CONNECTIONS, d.connections().toString().replaceAll("[\\[\\] ]", ""), ServerVariant.known(),
                d.seconds(), d.thinkMs(), d.slowFraction(), d.out());
    }

    /** {@code ./weft bench server}: exits 2 for bad arguments (one line), 1 if the report could not be made. */
    public static void main(String[] args) {
        ReportMain.main("bench server", args, ServerReport::usage, a -> Options.parse(Options.defaults(), a),
                options -> run(options, System.out));
    }

    /**
     * Runs every variant at every size (sizes outermost, so the variants of one size run close together), then the
     * slow-client runs, printing a line per run to {@code out}; writes the files into {@link Options#out()}.
     */
    public static List<ServerRow> run(Options options, PrintStream out) throws IOException, InterruptedException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        int slowSize = options.slowSize();
        int cells = options.connections().size() * options.variants().size()
                + (slowSize > 0 ? options.variants().size() : 0);
        out.printf(Locale.ROOT, "bench server: %s connections, variants %s, think %d ms, %d s per run (after 1 s "
                        + "warm-up), slow-client run: %s; %d cores, 127.0.0.1%n", options.connections(),
                options.variants().stream().map(ServerVariant::id).toList(), options.thinkMs(), options.seconds(),
                slowSize > 0 ? slowSize + " connections, " + options.slowFraction() + " slow" : "none",
                Runtime.getRuntime().availableProcessors());
        List<ServerRow> rows = new ArrayList<>();
        Set<String> failed = new HashSet<>();
        try (ReportProgress bar = ReportProgress.create("bench server", cells, options.progress(), " runs")) {
            for (int n : options.connections()) {
                for (ServerVariant v : options.variants()) {
                    rows.add(print(out, ServerCell.run(v, n, 0, options.thinkMs(), options.seconds())));
                    bar.step();
                }
            }
            if (slowSize > 0) {
                for (ServerVariant v : options.variants()) {
                    rows.add(print(out, ServerCell.run(v, slowSize, options.slowFraction(), options.thinkMs(),
                            options.seconds())));
                    bar.step();
                }
            }
        }
        rows.stream().filter(ServerRow::failed).forEach(r -> failed.add(r.variant()));
        ServerReportFiles.write(options, rows);
        out.println("bench server: wrote " + options.out().resolve("server.csv") + ", the plots and "
                + options.out().resolve("summary.md") + (failed.isEmpty() ? "" : "; runs that failed: " + failed));
        out.flush();
        return rows;
    }

    private static ServerRow print(PrintStream out, ServerRow r) {
        out.printf(Locale.ROOT, "  %-8s %6d conns%s: %9.0f echo/s (%3.0f%% of ideal), p50 %7.1f ms, p99 %7.1f ms, "
                        + "%5d threads, %7.1f KiB/conn kept, %7.1f KiB/conn RSS, errors %d%s%n", r.variant(),
                r.connections(), r.slowClients() > 0 ? " (" + r.slowClients() + " slow)" : "", r.throughput(),
                100 * r.throughput() / r.ideal(), r.p50Nanos() / 1e6, r.p99Nanos() / 1e6, r.peakThreads(),
                r.keptPerConnection() / 1024.0, r.rssPerConnection() / 1024.0, r.errors(),
                r.failed() ? " FAILED: " + r.failure() : "");
        out.flush();
        return r;
    }
}
