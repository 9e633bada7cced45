package dev.weft.bench.cluster;

import dev.weft.bench.ReportMain;
import dev.weft.cli.LocalWorkers;
import dev.weft.cluster.Cluster;
import dev.weft.cluster.ClusterOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Issue 18's goals measured side by side in one run ({@code ./weft bench cluster}): the fan-out flow on 1, 2 and 3
 * worker JVMs against the same flow in this JVM ({@link FanOutBench}), a worker killed mid-run
 * ({@link KillBench}), and the delivery mechanism, Pekko's work pulling against Weft's own acknowledgements
 * ({@link DeliveryBench}). Prints a line per configuration and a Markdown report; writes {@code report.md},
 * {@code results.csv} and {@code fanout.png} ({@link ClusterReportFiles}). Every worker JVM it starts (on 127.0.0.1)
 * is stopped before it returns, and each has a lifetime and leaves when this JVM dies.
 */
public final class ClusterReport {
    /** The parts of the report. */
    static final List<String> PARTS = List.of("fanout", "kill", "delivery");
    /** The kill part's fixed workers besides the victim. */
    static final int KILL_WORKERS = 3;

    private ClusterReport() {
    }

    /**
     * The settings of a run.
     *
     * @param parts             which parts run ({@link #PARTS})
     * @param runs              fan-out sizes: operation runs per round
     * @param workers           the most worker JVMs: the fan-out runs on 1, 2 ... this many
     * @param ms                simulated I/O per run, milliseconds (0: pure overhead)
     * @param warmup            untimed rounds before each configuration's timed ones
     * @param rounds            timed rounds per configuration
     * @param killRuns          runs in each kill round
     * @param killMs            simulated I/O of each run in the kill rounds
     * @param killRounds        kill rounds per operation (idempotent, not)
     * @param deliveryMessages  messages per delivery round
     * @param deliveryWindows   windows (messages outstanding) of the delivery part
     * @param deliveryVariants  the delivery mechanisms compared
     * @param out               the output folder
     */
    public record Options(Set<String> parts, List<Integer> runs, int workers, List<Integer> ms, int warmup,
                          int rounds, int killRuns, int killMs, int killRounds, int deliveryMessages,
                          List<Integer> deliveryWindows, List<DeliveryBench.Variant> deliveryVariants, Path out) {
        /** Checks every value, naming the option. */
        public Options {
            parts = Set.copyOf(parts);
            runs = List.copyOf(runs);
            ms = List.copyOf(ms);
            deliveryWindows = List.copyOf(deliveryWindows);
            deliveryVariants = List.copyOf(deliveryVariants);
            if (parts.isEmpty()) {
                throw new IllegalArgumentException("--parts needs at least one of " + PARTS);
            }
            for (String p : parts) {
                if (!PARTS.contains(p)) {
                    throw new IllegalArgumentException("--parts: unknown part '" + p + "', known: " + PARTS);
                }
            }
            each("--runs", runs, 1, 1_000_000);
            range("--workers", workers, 1, 8);
            each("--ms", ms, 0, 10_000);
            range("--warmup", warmup, 0, 100);
            range("--rounds", rounds, 1, 100);
            range("--kill-runs", killRuns, 4, 100_000);
            range("--kill-ms", killMs, 1, 60_000);
            range("--kill-rounds", killRounds, 1, 100);
            range("--delivery-messages", deliveryMessages, 1, 10_000_000);
            each("--delivery-windows", deliveryWindows, 1, 100_000);
            if (deliveryVariants.isEmpty()) {
                throw new IllegalArgumentException("--delivery-variants needs at least one variant");
            }
            Objects.requireNonNull(out, "out");
        }

        private static void range(String option, int value, int lo, int hi) {
            if (value < lo || value > hi) {
                throw new IllegalArgumentException(option + " must be " + lo + ".." + hi + ", got " + value);
            }
        }

        private static void each(String option, List<Integer> values, int lo, int hi) {
            if (values.isEmpty()) {
                throw new IllegalArgumentException(option + " needs at least one value");
            }
            if (new LinkedHashSet<>(values).size() != values.size()) {
                throw new IllegalArgumentException(option + " names a value twice: " + values);
            }
            for (int v : values) {
                range(option, v, lo, hi);
            }
        }

        /**
         * The defaults: every part; 1,000 and 10,000 runs of 1 ms and of 0 ms on 1 to 3 workers and locally, 2
         * warm-up and 5 timed rounds; 3 kill rounds of 400 runs of 200 ms per operation; 20,000 messages with
         * windows of 50 (Pekko's default flow-control window) and 1,000 (about a worker's advertised concurrency).
         */
        public static Options defaults() {
            return new Options(new LinkedHashSet<>(PARTS), List.of(1000, 10_000), 3, List.of(1, 0), 2, 5, 400, 200,
                    3, 20_000, List.of(50, 1000), List.of(DeliveryBench.Variant.values()),
                    Path.of("target", "cluster-report"));
        }

        /** Parses {@code args} over {@code d}; throws IllegalArgumentException naming the bad option. */
        public static Options parse(Options d, String... args) {
            Set<String> parts = d.parts;
            List<Integer> runs = d.runs, ms = d.ms, windows = d.deliveryWindows;
            List<DeliveryBench.Variant> variants = d.deliveryVariants;
            int workers = d.workers, warmup = d.warmup, rounds = d.rounds, killRuns = d.killRuns, killMs = d.killMs,
                    killRounds = d.killRounds, messages = d.deliveryMessages;
            Path out = d.out;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (!OPTIONS.contains(arg)) {
                    throw new IllegalArgumentException("unknown option '" + arg + "'");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                String value = args[++i];
                switch (arg) {
                    case "--parts" -> {
                        parts = new LinkedHashSet<>();
                        for (String p : value.split(",", -1)) {
                            parts.add(p.strip());
                        }
                    }
                    case "--runs" -> runs = wholes(arg, value);
                    case "--workers" -> workers = whole(arg, value);
                    case "--ms" -> ms = wholes(arg, value);
                    case "--warmup" -> warmup = whole(arg, value);
                    case "--rounds" -> rounds = whole(arg, value);
                    case "--kill-runs" -> killRuns = whole(arg, value);
                    case "--kill-ms" -> killMs = whole(arg, value);
                    case "--kill-rounds" -> killRounds = whole(arg, value);
                    case "--delivery-messages" -> messages = whole(arg, value);
                    case "--delivery-windows" -> windows = wholes(arg, value);
                    case "--delivery-variants" -> {
                        variants = new ArrayList<>();
                        for (String v : value.split(",", -1)) {
                            try {
                                variants.add(DeliveryBench.Variant.of(v.strip()));
                            } catch (IllegalArgumentException e) {
                                throw new IllegalArgumentException("--delivery-variants: " + e.getMessage()
                                        + ", known: " + Arrays.stream(DeliveryBench.Variant.values())
                                        .map(DeliveryBench.Variant::id).toList(), e);
                            }
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
            return new Options(parts, runs, workers, ms, warmup, rounds, killRuns, killMs, killRounds, messages,
                    windows, variants, out);
        }

        private static final List<String> OPTIONS = List.of("--parts", "--runs", "--workers", "--ms", "--warmup",
                "--rounds", "--kill-runs", "--kill-ms", "--kill-rounds", "--delivery-messages", "--delivery-windows",
                "--delivery-variants", "--out");

        private static int whole(String option, String value) {
            try {
                return Integer.parseInt(value.strip().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a whole number, got '" + value + "'");
            }
        }

        private static List<Integer> wholes(String option, String value) {
            List<Integer> out = new ArrayList<>();
            for (String part : value.split(",", -1)) {
                out.add(whole(option, part));
            }
            return out;
        }
    }

    /** The options' help. */
    static String usage() {
        Options d = Options.defaults();
        return String.format(Locale.ROOT, """
                usage: ./weft bench cluster [options]
                  --parts P[,P]            which parts, of %s (default all)
                  fan-out throughput: seed 001's fan-out flow, its runs of fanout.io on 1..N worker JVMs and in
                  this JVM (no cluster), side by side
                  --runs N[,N]             operation runs per round (default %s)
                  --ms N[,N]               simulated I/O per run in ms; 0 measures pure overhead (default %s)
                  --workers N              the most worker JVMs, 1..8: runs on 1, 2, ... N (default %d)
                  --warmup N               untimed rounds before each configuration (default %d)
                  --rounds N               timed rounds per configuration: median and minimum (default %d)
                  worker kill: %d workers and a victim, killed (destroyForcibly) with runs in flight
                  --kill-runs N            runs per round (default %d)
                  --kill-ms N              simulated I/O per run in ms (default %d)
                  --kill-rounds N          rounds of each operation, idempotent and not (default %d)
                  delivery: two Pekko actor systems in this JVM over Artery TCP, own acks vs work pulling
                  --delivery-messages N    messages per round (default %d)
                  --delivery-windows N[,N] messages outstanding at most (default %s)
                  --delivery-variants V,.. of %s (default all)
                  --out DIR                where report.md, results.csv and fanout.png go (default %s)""",
                PARTS, join(d.runs()), join(d.ms()), d.workers(), d.warmup(), d.rounds(), KILL_WORKERS, d.killRuns(),
                d.killMs(), d.killRounds(), d.deliveryMessages(), join(d.deliveryWindows()),
                Arrays.stream(DeliveryBench.Variant.values()).map(DeliveryBench.Variant::id).toList(), d.out());
    }

    private static String join(List<Integer> values) {
        return values.toString().replaceAll("[\\[\\] ]", "");
    }

    /** {@code ./weft bench cluster}: exits 2 for bad arguments (one line), 1 if the report could not be made. */
    public static void main(String[] args) {
        ReportMain.main("bench cluster", args, ClusterReport::usage, a -> Options.parse(Options.defaults(), a),
                options -> {
                    logTo(options.out().resolve("driver.log"));
                    run(options, System.out);
                });
    }

    /** What one run measured, and under what load. */
    record Results(Options options, List<FanOutRow> fanOut, List<KillRow> kills, List<DeliveryRow> delivery,
                   int cores, String loadAtStart, String loadAtEnd, Instant started, long seconds) {
    }

    /** Runs the parts asked for, printing a line per configuration to {@code out}; writes the files. */
    public static Results run(Options o, PrintStream out) throws IOException, InterruptedException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long t0 = System.nanoTime();
        String loadAtStart = loadAverage();
        int cores = Runtime.getRuntime().availableProcessors();
        out.printf(Locale.ROOT, "bench cluster: parts %s; %d cores, load average %s; Java %s; 127.0.0.1%n",
                PARTS.stream().filter(o.parts()::contains).toList(), cores, loadAtStart,
                System.getProperty("java.version"));
        Files.createDirectories(o.out());
        List<FanOutRow> fanOut = new ArrayList<>();
        List<KillRow> kills = new ArrayList<>();
        List<DeliveryRow> delivery = new ArrayList<>();
        try (PrintWriter workerLog = new PrintWriter(Files.newBufferedWriter(o.out().resolve("workers.log"),
                StandardCharsets.UTF_8), true)) {
            Consumer<String> log = line -> {
                synchronized (workerLog) {
                    workerLog.println(line);
                }
            };
            if (o.parts().contains("fanout")) {
                out.println("fan-out, in this JVM (no cluster, no worker JVM running yet):");
                fanOut.addAll(FanOutBench.local(o, out));
            }
            if (o.parts().contains("fanout") || o.parts().contains("kill")) {
                onCluster(o, out, log, fanOut, kills);
            }
        }
        if (o.parts().contains("delivery")) {
            out.println("delivery: two actor systems in this JVM, Artery TCP on 127.0.0.1:");
            delivery.addAll(DeliveryBench.run(o, out));
        }
        Results results = new Results(o, fanOut, kills, delivery, cores, loadAtStart, loadAverage(), started,
                (System.nanoTime() - t0) / 1_000_000_000L);
        String markdown = ClusterReportFiles.write(results);
        out.println();
        out.print(markdown);
        out.println();
        out.println("bench cluster: wrote " + o.out().resolve("report.md") + ", " + o.out().resolve("results.csv")
                + (fanOut.isEmpty() ? "" : ", " + o.out().resolve("fanout.png")) + " (the workers' output in "
                + o.out().resolve("workers.log") + ", this JVM's log in " + o.out().resolve("driver.log") + ")");
        out.flush();
        return results;
    }

    /**
     * The parts that need workers: one worker JVM, a driver joining it, one more worker at a time up to
     * {@link Options#workers()} for the fan-out, then {@link #KILL_WORKERS} for the kill rounds. Stops them all.
     */
    private static void onCluster(Options o, PrintStream out, Consumer<String> log, List<FanOutRow> fanOut,
                                  List<KillRow> kills) throws IOException, InterruptedException {
        Duration lifetime = Duration.ofMinutes(30);
        List<LocalWorkers> more = new ArrayList<>();
        LocalWorkers first = null;
        Cluster cluster = null;
        try {
            out.println("starting a worker JVM and joining it as a driver...");
            first = LocalWorkers.start(1, 0, lifetime, List.of(), log);
            cluster = Cluster.join(ClusterOptions.defaults().withSeeds(first.seed()));
            cluster.awaitWorkers(1, Duration.ofSeconds(60));
            int running = 1;
            if (o.parts().contains("fanout")) {
                for (int n = 1; n <= o.workers(); n++) {
                    while (running < n) {
                        more.add(LocalWorkers.start(1, 0, lifetime, List.of("--seed", first.seed()), log));
                        running++;
                    }
                    cluster.awaitWorkers(n, Duration.ofSeconds(60));
                    out.println("fan-out, on " + n + " worker JVM" + (n == 1 ? "" : "s") + ":");
                    fanOut.addAll(FanOutBench.onCluster(cluster, n, o, out));
                }
            }
            if (o.parts().contains("kill")) {
                while (running < KILL_WORKERS) {
                    more.add(LocalWorkers.start(1, 0, lifetime, List.of("--seed", first.seed()), log));
                    running++;
                }
                cluster.awaitWorkers(KILL_WORKERS, Duration.ofSeconds(60));
                if (running > KILL_WORKERS) {
                    out.println("(the kill rounds run with " + running + " workers and a victim: the fan-out's)");
                }
                out.println("worker kill: " + running + " workers and a victim, " + o.killRuns() + " runs of "
                        + o.killMs() + " ms:");
                kills.addAll(KillBench.run(cluster, first, o, out, log));
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            for (LocalWorkers w : more) {
                w.close();
            }
            if (first != null) {
                first.close();
            }
        }
    }

    /**
     * Sends this JVM's java.util.logging (Weft's and, through slf4j-jdk14, Pekko's) to {@code file}, so that the
     * progress lines and the report are not lost among heartbeat warnings and the stack traces of the runs the kill
     * rounds fail on purpose.
     */
    static void logTo(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        FileHandler handler = new FileHandler(file.toString());
        handler.setFormatter(new SimpleFormatter());
        root.addHandler(handler);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
