package dev.weft.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Seed 001's comparison as a runnable report: the downloader (fetch each page from the embedded HTTP server, parse
 * its HTML, store the counts) run in eight ways at every requested size, each measured for start-to-finish time,
 * throughput, peak memory of every process it used, and how it handled the pages the server failed. Writes
 * {@code downloader.csv}, {@code time.png}, {@code memory.png} and {@code summary.md} into the output folder.
 *
 * <p>Run it with {@code ./weft bench downloader --requests 100,1000,10000 [--out DIR] [--error-rate F]}; the
 * launcher turns on Native Memory Tracking (thread stacks) and headless AWT (the plots). The variants, in the seed's
 * order, are in {@link Variants}.
 */
public final class DownloaderReport {
    static final String USAGE = """
            usage: ./weft bench downloader [options]
              --requests N[,N...]  sizes to run every variant at, each 1..1000000 (default 100,1000)
              --out DIR            where the CSV, the plots and the summary go (default target/downloader-report)
              --error-rate F       fraction of pages the server answers with HTTP 500, 0 <= F < 1 (default 0)
              --delay-ms N         server delay per page in milliseconds, 0..60000 (default 50)
              --cap N              bounded variants (serial, the 2 x cores pool, the process pool) fetch at most
                                   N pages per thread or process; the rest of the time is extrapolated (default 50)
              --workers N          worker processes of the process pool, 1..256 (default: the number of cores)
              --max-in-flight N    requests at once in the unbounded variants, 1..100000 (default 1000)
              --no-progress        no progress bar (it is only shown on a terminal anyway)""";

    /** Held so the level set in {@link #main} stays: java.util.logging keeps loggers weakly. */
    private static final java.util.logging.Logger FLOW_LOGGER = java.util.logging.Logger.getLogger("dev.weft.flow");

    private DownloaderReport() {
    }

    /**
     * The report's settings.
     *
     * @param requests    the sizes, each a number of pages every variant downloads
     * @param out         the output folder
     * @param errorRate   the fraction of pages the server fails ({@link Pages#fails})
     * @param delayMs     the server's delay per page
     * @param cap         pages per thread or process at most for the bounded variants; the rest is extrapolated
     * @param workers     worker processes in the process pool
     * @param maxInFlight requests at once in the async, event, scope and data flow variants
     * @param progress    whether to show a progress bar when standard error is a terminal
     */
    public record Options(List<Integer> requests, Path out, double errorRate, int delayMs, int cap, int workers,
                          int maxInFlight, boolean progress) {
        /** Checks every value, naming the option. */
        public Options {
            requests = List.copyOf(requests);
            if (requests.isEmpty()) {
                throw new IllegalArgumentException("--requests needs at least one size");
            }
            for (int n : requests) {
                if (n < 1 || n > 1_000_000) {
                    throw new IllegalArgumentException("--requests: each size must be between 1 and 1000000, got " + n);
                }
            }
            if (out == null) {
                throw new IllegalArgumentException("--out needs a folder");
            }
            if (!(errorRate >= 0 && errorRate < 1)) {
                throw new IllegalArgumentException("--error-rate must be at least 0 and below 1, got " + errorRate);
            }
            if (delayMs < 0 || delayMs > 60_000) {
                throw new IllegalArgumentException("--delay-ms must be between 0 and 60000, got " + delayMs);
            }
            if (cap < 1) {
                throw new IllegalArgumentException("--cap must be at least 1, got " + cap);
            }
            if (workers < 1 || workers > 256) {
                throw new IllegalArgumentException("--workers must be between 1 and 256, got " + workers);
            }
            if (maxInFlight < 1 || maxInFlight > 100_000) {
                throw new IllegalArgumentException("--max-in-flight must be between 1 and 100000, got " + maxInFlight);
            }
        }

        /** Sizes 100 and 1000, {@code target/downloader-report}, no errors, 50 ms, cap 50, a worker per core. */
        public static Options defaults() {
            return new Options(List.of(100, 1000), Path.of("target", "downloader-report"), 0, 50, 50,
                    Runtime.getRuntime().availableProcessors(), 1000, true);
        }

        /** These options with other sizes. */
        public Options withRequests(List<Integer> sizes) {
            return new Options(sizes, out, errorRate, delayMs, cap, workers, maxInFlight, progress);
        }

        /** These options with another output folder. */
        public Options withOut(Path dir) {
            return new Options(requests, dir, errorRate, delayMs, cap, workers, maxInFlight, progress);
        }

        /** These options with another error rate. */
        public Options withErrorRate(double rate) {
            return new Options(requests, out, rate, delayMs, cap, workers, maxInFlight, progress);
        }

        /**
         * Parses the command line over the defaults.
         *
         * @throws IllegalArgumentException for an unknown option or a missing, malformed or out-of-range value,
         *                                  naming the option
         */
        public static Options parse(String... args) {
            Options d = defaults();
            List<Integer> requests = d.requests;
            Path out = d.out;
            double errorRate = d.errorRate;
            int delayMs = d.delayMs, cap = d.cap, workers = d.workers, maxInFlight = d.maxInFlight;
            boolean progress = d.progress;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--no-progress")) {
                    progress = false;
                    continue;
                }
                if (!List.of("--requests", "--out", "--error-rate", "--delay-ms", "--cap", "--workers",
                        "--max-in-flight").contains(arg)) {
                    throw new IllegalArgumentException("unknown argument '" + arg + "'");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                String value = args[++i];
                switch (arg) {
                    case "--requests" -> {
                        List<Integer> sizes = new ArrayList<>();
                        for (String part : value.split(",", -1)) {
                            sizes.add(whole(arg, part.strip()));
                        }
                        requests = sizes;
                    }
                    case "--out" -> {
                        if (value.isBlank()) {
                            throw new IllegalArgumentException("--out needs a folder, got ''");
                        }
                        out = Path.of(value);
                    }
                    case "--error-rate" -> {
                        try {
                            errorRate = Double.parseDouble(value);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--error-rate needs a number, got '" + value + "'");
                        }
                    }
                    case "--delay-ms" -> delayMs = whole(arg, value);
                    case "--cap" -> cap = whole(arg, value);
                    case "--workers" -> workers = whole(arg, value);
                    default -> maxInFlight = whole(arg, value);
                }
            }
            return new Options(requests, out, errorRate, delayMs, cap, workers, maxInFlight, progress);
        }

        private static int whole(String option, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a whole number, got '" + value + "'");
            }
        }
    }

    /**
     * One variant at one size.
     *
     * @param variant            the variant's identifier ({@link Variants})
     * @param requests           the size: pages the row stands for
     * @param measured           pages actually fetched (fewer than {@code requests} for a capped variant)
     * @param measuredNanos      the measured start-to-finish time, worker start-up included
     * @param wallNanos          the time for all {@code requests}: measured, or extrapolated linearly
     * @param heap               peak heap used of this JVM, bytes
     * @param stacks             peak committed thread stacks of this JVM, bytes, or -1 without Native Memory Tracking
     * @param children           peak resident set of the worker processes, summed, bytes (0 without workers)
     * @param total              peak heap plus stacks plus the workers' resident sets, bytes
     * @param kept               what the run held with half its pages done, bytes: heap after a forced collection
     *                           plus committed stacks, above those before the run, plus the workers' resident sets
     *                           ({@link MemoryProbe#checkpoint}; measured in an untimed run of its own), or -1
     * @param connections        distinct connections the server saw requests on in the timed run
     * @param ok                 pages fetched, parsed and stored (of {@code measured})
     * @param failedReported     pages whose failure reached the caller, naming the page
     * @param expectedFailures   pages of the measured ones the server fails
     * @param failureCauses      why the reported pages failed: exception class and message (page number as N) and
     *                           how many pages, most first; the counts add up to {@code failedReported}
     */
    public record Row(String variant, int requests, int measured, long measuredNanos, long wallNanos, long heap,
                      long stacks, long children, long total, long kept, int connections, int ok,
                      int failedReported, int expectedFailures, Map<String, Integer> failureCauses) {
        /** Copies the causes, keeping their order. */
        public Row {
            failureCauses = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(failureCauses));
        }

        /** Whether the time for all pages was extrapolated from fewer. */
        public boolean extrapolated() {
            return measured < requests;
        }

        /** Pages neither stored nor reported failed. */
        public int lost() {
            return measured - ok - failedReported;
        }

        /** Failures the server produced that were not reported (they were lost, or stored as if they were pages). */
        public int unreportedFailures() {
            return Math.max(0, expectedFailures - failedReported);
        }

        /** Measured pages per second. */
        public double throughput() {
            return measured / (measuredNanos / 1e9);
        }
    }

    /**
     * The report's outcome.
     *
     * @param rows     one per variant and size, sizes in the order given, variants in the seed's order
     * @param csv      the CSV file
     * @param timePlot the time-vs-requests plot
     * @param memoryPlot the memory-vs-requests plot
     * @param summary  the Markdown summary
     */
    public record Result(List<Row> rows, Path csv, Path timePlot, Path memoryPlot, Path summary) {
    }

    /** Runs the report; exits 2 for bad arguments and 1 when a Weft variant lost a page or failed to run. */
    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench downloader: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        // Non-strict data flows log every failed operation with its stack trace; with --error-rate that is one
        // per failed page. The report counts them instead, so only severe records are printed.
        FLOW_LOGGER.setLevel(java.util.logging.Level.SEVERE);
        Result result;
        try {
            result = run(options, System.out);
        } catch (Exception e) {
            System.err.println("bench downloader failed: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        List<Row> bad = result.rows().stream().filter(r -> r.variant().startsWith("weft-")
                && (r.lost() != 0 || r.unreportedFailures() != 0)).toList();
        if (!bad.isEmpty()) {
            System.err.println("bench downloader: FAILED, a Weft variant lost pages or failures: " + bad);
            System.exit(1);
        }
    }

    /**
     * Runs every variant at every size against a fresh embedded server, prints a line per run to {@code out}, and
     * writes the CSV, the plots and the summary into {@link Options#out()}.
     *
     * @throws IOException          if the server cannot start or the files cannot be written
     * @throws InterruptedException if the calling thread is interrupted
     */
    public static Result run(Options options, PrintStream out) throws IOException, InterruptedException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        List<Row> rows = new ArrayList<>();
        try (PageServer server = new PageServer(options.delayMs(), options.errorRate());
             MemoryProbe probe = new MemoryProbe()) {
            out.printf(Locale.ROOT, "bench downloader: sizes %s, pages of ~%d bytes, delay %d ms, error rate %s, "
                            + "%d cores, %d worker processes, at most %d in flight; server %s%n", options.requests(),
                    Pages.PAGE_BYTES, options.delayMs(), options.errorRate(),
                    Runtime.getRuntime().availableProcessors(), options.workers(), options.maxInFlight(),
                    server.base());
            if (!probe.nmtAvailable()) {
                out.println("bench downloader: Native Memory Tracking is off, so thread stacks are not counted "
                        + "(run via ./weft bench downloader)");
            }
            Variants variants = new Variants(server, probe, options);
            variants.warmUp();
            for (int n : options.requests()) {
                for (Variants.Variant v : variants.all()) {
                    Row row = variants.run(v, n);
                    rows.add(row);
                    out.printf(Locale.ROOT, "  %-20s n=%-7d %8.3f s%s  %9.1f req/s  peak %7.1f MiB  kept %7.1f MiB"
                                    + "  %d connections  ok %d  failed %d  lost %d  unreported %d%n", row.variant(), n,
                            row.wallNanos() / 1e9,
                            row.extrapolated() ? " (extrapolated from " + row.measured() + ")" : "",
                            row.throughput(), row.total() / (1024.0 * 1024.0), Math.max(0, row.kept()) / (1024.0 * 1024.0),
                            row.connections(), row.ok(), row.failedReported(), row.lost(), row.unreportedFailures());
                    row.failureCauses().forEach((cause, pages) ->
                            out.printf(Locale.ROOT, "      %d x %s%n", pages, cause));
                }
            }
        }
        Result result = ReportFiles.write(options, rows);
        out.println("bench downloader: wrote " + result.csv() + ", " + result.timePlot() + ", "
                + result.memoryPlot() + ", " + result.summary());
        return result;
    }
}
