package dev.weft.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;

/**
 * Seed 001's comparison as a runnable report: the downloader (fetch each page from the embedded HTTP server, parse
 * its HTML, store the counts) run in every chosen way ({@link Variants}) at every requested size, each measured for
 * start-to-finish time (median and range of its rounds), peak memory of every process it used, what it kept with
 * half its pages done, and how it handled the pages the server failed. Prints a table and what the figures show
 * ({@link ReportTable}) for each size, and writes {@code downloader.csv}, {@code failures.csv}, the plots and
 * {@code summary.md} into the output folder ({@link ReportFiles}).
 *
 * <p>{@code ./weft bench downloader} runs it with {@link Options#report()}'s defaults, {@code ./weft demo} with
 * {@link Options#demo()}'s ({@link Demo}); both take the same options ({@link Options#parse}). The launcher turns on
 * Native Memory Tracking (thread stacks) and headless AWT (the plots).
 */
public final class DownloaderReport {
    /** Held so the level set in {@link #main} stays: java.util.logging keeps loggers weakly. */
    private static final java.util.logging.Logger FLOW_LOGGER = java.util.logging.Logger.getLogger("dev.weft.flow");

    private DownloaderReport() {
    }

    /**
     * The settings of a run, of the report and of the demo alike.
     *
     * @param requests    the sizes, each a number of pages every variant downloads
     * @param out         the output folder, or null to write no files
     * @param errorRate   the fraction of pages the server fails ({@link Pages#fails})
     * @param delayMs     the server's delay per page
     * @param cap         pages per thread or process at most for the bounded variants; the rest is extrapolated
     * @param workers     worker processes in the process pool
     * @param maxInFlight requests at once in the async, event, scope and data flow variants without a {@code -N}
     * @param rounds      timed rounds of each variant (one for serial and extrapolated ones); the median is reported
     * @param variants    the variant ids ({@link Variants#parse}), in the order they run and are listed
     * @param progress    whether to show a progress bar when standard error is a terminal
     */
    public record Options(List<Integer> requests, Path out, double errorRate, int delayMs, int cap, int workers,
                          int maxInFlight, int rounds, List<String> variants, boolean progress) {
        /** Checks every value, naming the option. */
        public Options {
            requests = List.copyOf(requests);
            variants = List.copyOf(variants);
            if (requests.isEmpty()) {
                throw new IllegalArgumentException("--requests needs at least one size");
            }
            for (int n : requests) {
                if (n < 1 || n > 1_000_000) {
                    throw new IllegalArgumentException("--requests: each size must be between 1 and 1000000, got " + n);
                }
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
            if (rounds < 1 || rounds > 20) {
                throw new IllegalArgumentException("--rounds must be between 1 and 20, got " + rounds);
            }
            if (variants.isEmpty()) {
                throw new IllegalArgumentException("--variants needs at least one variant");
            }
            Variants.checkPlan(variants, workers, maxInFlight);
        }

        /** The report's variants, in seed 001's story order. */
        public static final List<String> REPORT_VARIANTS = List.of("serial", "thread-pool-2xcores",
                "thread-pool-200", "process-pool", "async-callbacks", "weft-events", "weft-scope", "weft-dataflow");

        /**
         * The demo's variants: serial, a platform pool and a Weft scope at 64 and at 1000 requests at a time, the data
         * flow at 1000.
         */
        public static final List<String> DEMO_VARIANTS = List.of("serial", "thread-pool-64", "weft-scope-64",
                "thread-pool-1000", "weft-scope-1000", "weft-dataflow-1000");

        /**
         * {@code ./weft bench downloader}: sizes 100 and 1000 of the report's variants, one round, files into
         * {@code target/downloader-report}, no errors, 50 ms, cap 50, a worker per core, 1000 in flight.
         */
        public static Options report() {
            return new Options(List.of(100, 1000), Path.of("target", "downloader-report"), 0, 50, 50,
                    Runtime.getRuntime().availableProcessors(), 1000, 1, REPORT_VARIANTS, true);
        }

        /** {@code ./weft demo}: 1000 pages of the demo's variants, 3 rounds, no files; otherwise the report's. */
        public static Options demo() {
            Options r = report();
            return new Options(List.of(1000), null, r.errorRate, r.delayMs, r.cap, r.workers, r.maxInFlight, 3,
                    DEMO_VARIANTS, r.progress);
        }

        /**
         * The adaptive orchestrator's variants (issue 17): the fixed data flow at 500, 1000, 2000 and 4000 contexts at
         * once, then the speed goal, then the memory goal with a quarter of the speed row's peak live as its budget.
         */
        public static final List<String> ADAPTIVE_VARIANTS = List.of("weft-dataflow-500", "weft-dataflow-1000",
                "weft-dataflow-2000", "weft-dataflow-4000", "weft-dataflow-speed", "weft-dataflow-memory");

        /**
         * {@code ./weft bench downloader --adaptive}: {@link #ADAPTIVE_VARIANTS} at 1000 and 10000 pages, 3 rounds,
         * files into {@code target/adaptive-report}; otherwise {@code over}'s.
         */
        public static Options adaptive(Options over) {
            return new Options(List.of(1000, 10_000), Path.of("target", "adaptive-report"), over.errorRate,
                    over.delayMs, over.cap, over.workers, over.maxInFlight, 3, ADAPTIVE_VARIANTS, over.progress);
        }

        /** These options with other sizes. */
        public Options withRequests(List<Integer> sizes) {
            return new Options(sizes, out, errorRate, delayMs, cap, workers, maxInFlight, rounds, variants, progress);
        }

        /** These options with another output folder (null: no files). */
        public Options withOut(Path dir) {
            return new Options(requests, dir, errorRate, delayMs, cap, workers, maxInFlight, rounds, variants,
                    progress);
        }

        /**
         * The command line's options over {@code defaults}, the one parser of {@code ./weft demo} and
         * {@code ./weft bench downloader}.
         *
         * @throws IllegalArgumentException for an unknown option or a missing, malformed or out-of-range value,
         *                                  naming the option in a one-line message
         */
        public static Options parse(Options defaults, String... args) {
            // --adaptive is a preset: it replaces the defaults, and the other options given still apply over it
            Options d = Arrays.asList(args).contains("--adaptive") ? adaptive(defaults) : defaults;
            List<Integer> requests = d.requests;
            List<String> variants = d.variants;
            Path out = d.out;
            double errorRate = d.errorRate;
            int delayMs = d.delayMs, cap = d.cap, workers = d.workers, maxInFlight = d.maxInFlight, rounds = d.rounds;
            boolean progress = d.progress;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--no-progress")) {
                    progress = false;
                    continue;
                }
                if (arg.equals("--adaptive")) {
                    continue;
                }
                if (arg.equals("--no-files")) {
                    out = null;
                    continue;
                }
                if (!List.of("--requests", "--out", "--error-rate", "--delay-ms", "--cap", "--workers",
                        "--max-in-flight", "--rounds", "--variants").contains(arg)) {
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
                    case "--variants" -> variants = Arrays.stream(value.split(",", -1)).map(String::strip).toList();
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
                    case "--rounds" -> rounds = whole(arg, value);
                    default -> maxInFlight = whole(arg, value);
                }
            }
            return new Options(requests, out, errorRate, delayMs, cap, workers, maxInFlight, rounds, variants,
                    progress);
        }

        private static int whole(String option, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a whole number, got '" + value + "'");
            }
        }
    }

    /** The options' help, for {@code command} ({@code demo} or {@code bench downloader}) with its defaults. */
    static String usage(String command, Options d) {
        return String.format(Locale.ROOT, """
                usage: ./weft %s [options]
                  --requests N[,N...]  sizes to run every variant at, each 1..1000000 (default %s)
                  --variants ID[,ID]   which variants, in order (default %s);
                                       known: %s
                  --rounds N           timed rounds of each variant, 1..20, the median reported (default %d)
                  --delay-ms N         server delay per page in milliseconds, 0..60000 (default %d)
                  --error-rate F       fraction of pages the server answers with HTTP 500, 0 <= F < 1 (default 0)
                  --cap N              bounded variants (serial, the thread pools, the process pool) fetch at most
                                       N pages per thread or process; the rest of the time is extrapolated (default %d)
                  --workers N          worker processes of the process pool, 1..256 (default: the number of cores)
                  --max-in-flight N    requests at once of async-callbacks, weft-* without -N, 1..100000 (default %d)
                  --out DIR            write the CSVs, the plots and summary.md there (default %s)
                  --no-files           write no files
                  --no-progress        no progress bar (it is only shown on a terminal anyway)
                  --adaptive           the adaptive orchestrator's preset (issue 17): sizes 1000,10000, variants
                                       %s,
                                       3 rounds, into target/adaptive-report; options after it still apply

                weft-dataflow-speed: the orchestrator's SPEED goal, its limit adapting up to %d contexts at once
                (a ceiling, not a hint: it is not told the size). weft-dataflow-memory-N: the MEMORY goal with a
                budget of N MiB of live heap; weft-dataflow-memory: a quarter of the peak live heap of the
                weft-dataflow-speed row before it at the same size, else of the last fixed weft-dataflow[-N] row.""",
                command,
                d.requests().toString().replaceAll("[\\[\\] ]", ""), String.join(",", d.variants()), Variants.KNOWN,
                d.rounds(), d.delayMs(), d.cap(), d.maxInFlight(), d.out() == null ? "none" : d.out(),
                String.join(",", Options.ADAPTIVE_VARIANTS), Variants.ADAPTIVE_CEILING);
    }

    /**
     * One variant at one size.
     *
     * @param variant            the variant's identifier ({@link Variants})
     * @param requests           the size: pages the row stands for
     * @param measured           pages actually fetched (fewer than {@code requests} for a capped variant)
     * @param measuredNanos      the measured start-to-finish time, worker start-up included: the median round
     * @param wallNanos          the time for all {@code requests}: measured, or extrapolated linearly
     * @param heap               peak heap used of this JVM, bytes
     * @param stacks             peak committed thread stacks of this JVM, bytes, or -1 without Native Memory Tracking
     * @param children           peak resident set of the worker processes, summed, bytes (0 without workers)
     * @param total              peak heap plus stacks plus the workers' resident sets, bytes
     * @param kept               what the run held with half its pages done, bytes: heap after a forced collection
     *                           plus committed stacks, above those before the run, plus the workers' resident sets
     *                           ({@link MemoryProbe#checkpoint}; measured in the untimed run), or -1
     * @param connections        most distinct connections the server saw requests on in one timed round
     * @param ok                 pages fetched, parsed and stored (of {@code measured}) in its worst run
     * @param failedReported     pages whose failure reached the caller, naming the page, in that run
     * @param expectedFailures   pages of the measured ones the server fails
     * @param failureCauses      why the reported pages failed: exception class and message (page number as N) and
     *                           how many pages, most first; the counts add up to {@code failedReported}
     * @param atOnce             requests in flight at most (its concurrency, at most {@code measured})
     * @param keptStacks         the part of {@code kept} that is committed thread stacks (-1 if unmeasured)
     * @param rounds             the measured time of each timed round
     * @param peakLive           the most the run held at any of three forced collections, a quarter, half and three
     *                           quarters of the pages done (measured like {@code kept}), or -1
     * @param budget             an adaptive memory row's budget, bytes, or -1
     * @param limits             an adaptive row's decisions in its median timed round, else empty
     */
    public record Row(String variant, int requests, int measured, long measuredNanos, long wallNanos, long heap,
                      long stacks, long children, long total, long kept, int connections, int ok,
                      int failedReported, int expectedFailures, Map<String, Integer> failureCauses, int atOnce,
                      long keptStacks, List<Long> rounds, long peakLive, long budget, List<LimitPoint> limits) {
        /** Copies the causes, keeping their order, the rounds and the limits. */
        public Row {
            failureCauses = Collections.unmodifiableMap(new LinkedHashMap<>(failureCauses));
            rounds = List.copyOf(rounds);
            limits = List.copyOf(limits);
        }

        /** A row of a fixed variant: no peak live measured, no budget, no limits. */
        public Row(String variant, int requests, int measured, long measuredNanos, long wallNanos, long heap,
                   long stacks, long children, long total, long kept, int connections, int ok, int failedReported,
                   int expectedFailures, Map<String, Integer> failureCauses, int atOnce, long keptStacks,
                   List<Long> rounds) {
            this(variant, requests, measured, measuredNanos, wallNanos, heap, stacks, children, total, kept,
                    connections, ok, failedReported, expectedFailures, failureCauses, atOnce, keptStacks, rounds, -1,
                    -1, List.of());
        }

        /** Its label: the id, or {@code weft-dataflow (speed)}, {@code weft-dataflow (memory ≤ N MiB)}. */
        public String label() {
            return Variants.label(variant, budget);
        }

        /** Whether it is an adaptive row (a goal set). */
        public boolean adaptive() {
            return !label().equals(variant);
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

        /** Whether every page it fetched arrived whole in every run. */
        public boolean complete() {
            return ok == measured;
        }

        /** The fastest timed round. */
        public long fastest() {
            return rounds.stream().mapToLong(Long::longValue).min().orElse(0);
        }

        /** The slowest timed round. */
        public long slowest() {
            return rounds.stream().mapToLong(Long::longValue).max().orElse(0);
        }
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n == 0 ? 0 : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * A run's outcome.
     *
     * @param rows       one per variant and size, sizes in the order given, variants in the options' order
     * @param table      the printed tables and what the figures show, size by size
     * @param dump       what {@link dev.weft.scope.Scope#dump()} returned half way through the first Weft scope run,
     *                   or null without one
     * @param lineage    the printed lineage of page 3's stored result, or "" without a data flow variant
     * @param csv        the CSV file, or null without {@link Options#out()}
     * @param timePlot   the time-vs-requests plot, or null
     * @param memoryPlot the memory-vs-requests plot, or null
     * @param summary    the Markdown summary, or null
     */
    public record Result(List<Row> rows, String table, String dump, String lineage, Path csv, Path timePlot,
                         Path memoryPlot, Path summary) {
        /** These with the files written. */
        Result withFiles(Path csv, Path timePlot, Path memoryPlot, Path summary) {
            return new Result(rows, table, dump, lineage, csv, timePlot, memoryPlot, summary);
        }

        /**
         * Whether the run failed: a Weft variant lost a page or a failure, or any variant missed a page although the
         * server failed none.
         */
        public boolean failed(double errorRate) {
            return rows.stream().anyMatch(r -> (r.variant().startsWith("weft-")
                    && (r.lost() != 0 || r.unreportedFailures() != 0)) || (errorRate == 0 && !r.complete()));
        }
    }

    /** {@code ./weft bench downloader}. */
    public static void main(String[] args) {
        main("bench downloader", Options.report(), args);
    }

    /**
     * Runs with {@code args} over {@code defaults}, as {@code command} says in its messages; exits 2 for bad
     * arguments (one line naming the option) and 1 when {@link Result#failed} or a run could not be made.
     */
    static void main(String command, Options defaults, String[] args) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(usage(command, defaults));
            return;
        }
        Options options;
        try {
            options = Options.parse(defaults, args);
        } catch (IllegalArgumentException e) {
            System.err.println(badArguments(command, e));
            System.exit(2);
            return;
        }
        // Non-strict data flows log every failed operation with its stack trace; with --error-rate that is one
        // per failed page. The rows count them instead, so only severe records are printed.
        FLOW_LOGGER.setLevel(Level.SEVERE);
        Result result;
        try {
            result = run(command, options, System.out);
        } catch (Exception e) {
            System.err.println(command + " failed: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        if (result.failed(options.errorRate())) {
            System.err.println(command + ": FAILED, pages were lost (see the pages ok column)");
            System.exit(1);
        }
    }

    /** The one line {@link #main} prints for bad arguments: the command, what is wrong, where the options are. */
    static String badArguments(String command, IllegalArgumentException e) {
        return command + ": " + e.getMessage() + " (./weft " + command + " --help lists the options)";
    }

    /** {@link #run(String, Options, PrintStream)} as {@code bench downloader}. */
    public static Result run(Options options, PrintStream out) throws IOException, InterruptedException {
        return run("bench downloader", options, out);
    }

    /**
     * Runs every variant at every size against a fresh embedded server, prints a line per timed round, the half-way
     * scope dump, a table and what it shows for each size, and page 3's lineage to {@code out}, and writes the files
     * into {@link Options#out()} unless it is null.
     *
     * @throws IOException          if the server cannot start or the files cannot be written
     * @throws InterruptedException if the calling thread is interrupted
     */
    public static Result run(String command, Options options, PrintStream out)
            throws IOException, InterruptedException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        List<Row> rows = new ArrayList<>();
        StringBuilder tables = new StringBuilder();
        String dump, lineage = "";
        try (PageServer server = new PageServer(options.delayMs(), options.errorRate());
             MemoryProbe probe = new MemoryProbe()) {
            out.printf(Locale.ROOT, "%s: sizes %s, pages of about %d bytes, server delay %d ms, error rate %s, on "
                            + "%s; %d cores, load average %s at the start%n", command, options.requests(),
                    Pages.PAGE_BYTES, options.delayMs(), options.errorRate(), server.base(),
                    Runtime.getRuntime().availableProcessors(), loadAverage());
            if (!probe.nmtAvailable()) {
                out.println(command + ": Native Memory Tracking is off, so stacks: n/a (run via ./weft " + command
                        + ")");
            }
            Variants variants = new Variants(server, probe, options, command);
            variants.warmUp();
            for (int n : options.requests()) {
                Map<Integer, Long> connectionHeap = new LinkedHashMap<>();
                List<Row> size = variants.measure(n, out, connectionHeap);
                rows.addAll(size);
                String table = (options.requests().size() > 1 ? "\n" + n + " requests:" : "")
                        + ReportTable.table(size, probe.nmtAvailable())
                        + ReportTable.conclusions(size, options, connectionHeap);
                out.print(table);
                tables.append(table);
            }
            dump = variants.dump();
            if (variants.all().stream().anyMatch(v -> v.kind().equals("weft-dataflow"))) {
                lineage = variants.lineageOfPage3();
                out.print(lineage);
            }
        }
        Result result = new Result(List.copyOf(rows), tables.toString(), dump, lineage, null, null, null, null);
        if (options.out() != null) {
            result = ReportFiles.write(options, result);
            out.println(command + ": wrote " + result.csv() + ", " + result.timePlot() + ", " + result.memoryPlot()
                    + ", " + result.summary() + (LimitFiles.traced(rows).isEmpty() ? ""
                    : ", " + options.out().resolve("limit.png") + ", " + options.out().resolve("limits.csv")));
        }
        out.flush();
        return result;
    }

    /** The system's 1-minute load average, or "n/a". */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
