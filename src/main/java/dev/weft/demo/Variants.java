package dev.weft.demo;

import dev.weft.event.Event;
import dev.weft.event.EventOptions;
import dev.weft.event.EventStatus;
import dev.weft.flow.ContextResult;
import dev.weft.flow.DataFlow;
import dev.weft.flow.Definition;
import dev.weft.flow.Input;
import dev.weft.flow.Lineage;
import dev.weft.flow.Operation;
import dev.weft.flow.Orchestrator;
import dev.weft.scope.Outcome;
import dev.weft.scope.Scope;
import dev.weft.scope.ScopeOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The downloader's variants, the one set both {@code ./weft bench downloader} and {@code ./weft demo} run: in series;
 * a fixed {@link ThreadPoolExecutor} of platform threads; worker JVM processes; async callbacks on
 * {@link HttpClient#sendAsync}; Weft events with a director keeping every request's state; a Weft scope on virtual
 * threads in blocking style; the Weft data flow fetch → parse → store, checking each stored result's lineage. Each one
 * fetches pages {@code 0..n-1}, parses each and stores its counts, and counts what arrived and which failures reached
 * it. {@link #measure} runs a list of them at one size and measures each.
 */
final class Variants {
    private static final Logger LOG = LoggerFactory.getLogger(Variants.class);
    /** The variant ids {@link #parse} knows; {@code -N} sets the requests at a time (a pool's threads). */
    static final String KNOWN = "serial, thread-pool-2xcores, thread-pool-N, process-pool, async-callbacks[-N], "
            + "weft-events[-N], weft-scope[-N], weft-dataflow[-N], weft-dataflow-speed, weft-dataflow-memory[-MiB]";
    private static final Pattern SIZED = Pattern.compile(
            "(thread-pool|async-callbacks|weft-events|weft-scope|weft-dataflow)(?:-(\\d{1,6}))?");
    private static final Pattern ADAPTIVE = Pattern.compile("weft-dataflow-(speed|memory)(?:-(.*))?");
    /**
     * The most contexts at once the adaptive rows may reach: generous on purpose, above every size the report's
     * sweep found best (2000 at 10,000 pages on 2 cores) and the size of the largest run, so the orchestrator finds
     * its own level without being told the size, which is what the speed goal asks.
     * {@code --max-in-flight} (1000 by default) would cap it below the best fixed level at 10,000 pages.
     */
    static final int ADAPTIVE_CEILING = 10_000;
    /** The largest memory budget a {@code weft-dataflow-memory-N} takes, in MiB (1 TiB). */
    static final int MAX_BUDGET_MIB = 1 << 20;
    private static final long MIB = 1024L * 1024;
    private final PageServer server;
    private final MemoryProbe probe;
    private final DownloaderReport.Options options;
    private final String command;
    private final AtomicBoolean loggedPage3 = new AtomicBoolean();
    private volatile String dump;

    /**
     * One way of downloading.
     *
     * @param id          the identifier in the CSV, the plots and {@code --variants}
     * @param kind        the implementation: {@code serial}, {@code thread-pool}, {@code process-pool},
     *                    {@code async-callbacks}, {@code weft-events}, {@code weft-scope} or {@code weft-dataflow}
     * @param concurrency how many pages it fetches at once at most (threads, processes or requests in flight)
     * @param capped      whether it fetches at most {@code cap × concurrency} pages, the rest extrapolated
     * @param goal        what an adaptive data flow optimises for, or {@link Goal#NONE} for a fixed concurrency
     *                    (then {@code concurrency} is the ceiling its limit may reach)
     * @param budgetMiB   the memory goal's budget in MiB, or 0: a quarter of an earlier row's peak live
     *                    ({@link #autoBudget})
     */
    record Variant(String id, String kind, int concurrency, boolean capped, Goal goal, int budgetMiB) {
        /** A variant of fixed concurrency. */
        Variant(String id, String kind, int concurrency, boolean capped) {
            this(id, kind, concurrency, capped, Goal.NONE, 0);
        }

        /** Whether the orchestrator adapts its concurrency (a goal is set). */
        boolean adaptive() {
            return goal != Goal.NONE;
        }

        /** Pages it fetches of {@code n}. */
        int measured(int n, int cap) {
            return capped ? (int) Math.min(n, (long) cap * concurrency) : n;
        }
    }

    /** An adaptive data flow row's goal ({@code dev.weft.adapt.Goal}'s, kept apart so parsing needs no library). */
    enum Goal {
        /** A fixed concurrency, no goal. */
        NONE,
        /** {@code Goal.SPEED}: grow while throughput grows, back off when latency rises. */
        SPEED,
        /** {@code Goal.MEMORY}: keep the run's live heap under a budget, queueing contexts instead. */
        MEMORY
    }

    /**
     * The variant named {@code id}: {@code serial}; {@code thread-pool-2xcores} or {@code thread-pool-N} (N threads);
     * {@code process-pool} ({@code workers} processes); {@code async-callbacks}, {@code weft-events},
     * {@code weft-scope}, {@code weft-dataflow}, {@code maxInFlight} requests at a time, or N with a {@code -N};
     * {@code weft-dataflow-speed} (the adaptive orchestrator's speed goal, up to {@link #ADAPTIVE_CEILING} at once);
     * {@code weft-dataflow-memory-N} (its memory goal, a budget of N MiB) or {@code weft-dataflow-memory} (a quarter
     * of an earlier row's peak live, {@link #autoBudget}).
     *
     * @throws IllegalArgumentException for an unknown id, N outside 1..100000, or a budget outside
     *                                  1..{@value #MAX_BUDGET_MIB} MiB, in one line naming {@code --variants}
     */
    static Variant parse(String id, int workers, int maxInFlight) {
        int cores = Runtime.getRuntime().availableProcessors();
        switch (id) {
            case "serial" -> {
                return new Variant(id, "serial", 1, true);
            }
            case "thread-pool-2xcores" -> {
                return new Variant(id, "thread-pool", 2 * cores, true);
            }
            case "process-pool" -> {
                return new Variant(id, "process-pool", workers, true);
            }
            default -> {
            }
        }
        Matcher a = ADAPTIVE.matcher(id);
        if (a.matches()) {
            return adaptive(id, a.group(1), a.group(2));
        }
        Matcher m = SIZED.matcher(id);
        if (!m.matches() || (m.group(1).equals("thread-pool") && m.group(2) == null)) {
            throw new IllegalArgumentException("--variants: unknown variant '" + id + "' (known: " + KNOWN + ")");
        }
        int n = m.group(2) == null ? maxInFlight : Integer.parseInt(m.group(2));
        if (n < 1 || n > 100_000) {
            throw new IllegalArgumentException("--variants: '" + id + "' must run 1..100000 at a time, got " + n);
        }
        return new Variant(id, m.group(1), n, m.group(1).equals("thread-pool"));
    }

    private static Variant adaptive(String id, String goal, String suffix) {
        if (goal.equals("speed")) {
            if (suffix != null) {
                throw new IllegalArgumentException("--variants: '" + id + "' takes no number: the speed goal finds its "
                        + "own level, up to " + ADAPTIVE_CEILING + " at once (use weft-dataflow-N for a fixed one)");
            }
            return new Variant(id, "weft-dataflow", ADAPTIVE_CEILING, false, Goal.SPEED, 0);
        }
        int mib = 0;
        if (suffix != null) {
            if (!suffix.matches("\\d{1,7}") || Integer.parseInt(suffix) < 1
                    || Integer.parseInt(suffix) > MAX_BUDGET_MIB) {
                throw new IllegalArgumentException("--variants: '" + id + "' needs a memory budget in MiB, 1.."
                        + MAX_BUDGET_MIB + ", after weft-dataflow-memory-, got '" + suffix + "'");
            }
            mib = Integer.parseInt(suffix);
        }
        return new Variant(id, "weft-dataflow", ADAPTIVE_CEILING, false, Goal.MEMORY, mib);
    }

    /**
     * Checks a whole {@code --variants} list: each id ({@link #parse}), and that every {@code weft-dataflow-memory}
     * without a budget has a row to take it from: a {@code weft-dataflow-speed} before it, or a fixed
     * {@code weft-dataflow[-N]} anywhere (the fixed rows are measured before the adaptive ones at every size).
     *
     * @throws IllegalArgumentException naming {@code --variants}, in one line
     */
    static void checkPlan(List<String> ids, int workers, int maxInFlight) {
        boolean speedBefore = false, fixedFlow = false;
        List<Variant> all = new ArrayList<>();
        for (String id : ids) {
            all.add(parse(id, workers, maxInFlight));
        }
        for (Variant v : all) {
            fixedFlow |= v.kind().equals("weft-dataflow") && !v.adaptive();
        }
        for (Variant v : all) {
            if (v.goal() == Goal.MEMORY && v.budgetMiB() == 0 && !speedBefore && !fixedFlow) {
                throw new IllegalArgumentException("--variants: '" + v.id() + "' takes a quarter of the peak live "
                        + "heap of a weft-dataflow-speed row before it or of a fixed weft-dataflow[-N] row, and there "
                        + "is neither: add one, or give the budget as weft-dataflow-memory-N (MiB)");
            }
            speedBefore |= v.goal() == Goal.SPEED;
        }
    }

    /**
     * A memory row's budget when none was given, and where it came from.
     *
     * @param mib            the budget, whole MiB (at least 1)
     * @param source         the variant id whose peak live it is a quarter of
     * @param sourcePeakLive that row's peak live, bytes
     */
    record Budget(int mib, String source, long sourcePeakLive) {
        /** The budget in bytes. */
        long bytes() {
            return mib * MIB;
        }
    }

    /**
     * A row measured earlier at the same size: its variant and peak live ({@code -1} when unmeasured).
     *
     * @param variant  the variant
     * @param peakLive its peak live, bytes
     */
    record Measured(Variant variant, long peakLive) {
    }

    /**
     * The budget of a {@code weft-dataflow-memory} without one: a quarter of the peak live of the last
     * {@code weft-dataflow-speed} row in {@code before} (rows of this size in the order measured), else of the last
     * fixed {@code weft-dataflow[-N]} row, rounded to whole MiB (at least 1); empty when neither was measured. A
     * quarter of the unconstrained run's peak is the memory goal.
     */
    static java.util.Optional<Budget> autoBudget(List<Measured> before) {
        Measured from = null;
        for (Measured m : before) {
            if (m.variant().goal() == Goal.SPEED && m.peakLive() >= 0) {
                from = m;
            }
        }
        if (from == null) {
            for (Measured m : before) {
                if (m.variant().kind().equals("weft-dataflow") && !m.variant().adaptive() && m.peakLive() >= 0) {
                    from = m;
                }
            }
        }
        if (from == null) {
            return java.util.Optional.empty();
        }
        int mib = (int) Math.max(1, Math.min(MAX_BUDGET_MIB, Math.round(from.peakLive() / 4.0 / MIB)));
        return java.util.Optional.of(new Budget(mib, from.variant().id(), from.peakLive()));
    }

    /**
     * A row's label where its goal matters (the summary's tables, the plots): {@code weft-dataflow (speed)},
     * {@code weft-dataflow (memory ≤ N MiB)} ({@code budget} in bytes; without one, "≤ ¼ of speed's peak live"),
     * else the id.
     */
    static String label(String id, long budget) {
        Matcher a = ADAPTIVE.matcher(id);
        if (!a.matches()) {
            return id;
        }
        if (a.group(1).equals("speed")) {
            return "weft-dataflow (speed)";
        }
        return "weft-dataflow (memory ≤ " + (budget > 0 ? mibText(budget) + " MiB)"
                : "¼ of the speed row's peak live)");
    }

    /** The label of a variant's line in a plot over sizes: {@link #label}, one for every size. */
    static String seriesLabel(String id) {
        Matcher a = ADAPTIVE.matcher(id);
        boolean sized = a.matches() && a.group(2) != null;
        return label(id, sized ? Long.parseLong(a.group(2)) * MIB : -1);
    }

    private static String mibText(long bytes) {
        return bytes % MIB == 0 ? Long.toString(bytes / MIB) : String.format(Locale.ROOT, "%.1f", bytes / (double) MIB);
    }

    /** What a run counted, and why each failed page failed. */
    private record Counts(int measured, int ok, int failed, FailureCauses causes) {
    }

    Variants(PageServer server, MemoryProbe probe, DownloaderReport.Options options, String command) {
        this.server = server;
        this.probe = probe;
        this.options = options;
        this.command = command;
    }

    /** The options' variants, in their order. */
    List<Variant> all() {
        return options.variants().stream().map(id -> parse(id, options.workers(), options.maxInFlight())).toList();
    }

    /** What {@link Scope#dump()} returned half way through the first Weft scope run, or null before one. */
    String dump() {
        return dump;
    }

    /** The name of a variant's row in the table: serial, platform pool of N, Weft scope, ... */
    static String approach(String id, int atOnce, int measured, int requests) {
        return approach(id, atOnce, measured, requests, -1);
    }

    /**
     * {@link #approach(String, int, int, int)}, with an adaptive row's goal: Weft data flow (speed), Weft data flow
     * (memory ≤ N MiB) for its {@code budget} in bytes.
     */
    static String approach(String id, int atOnce, int measured, int requests, long budget) {
        if (ADAPTIVE.matcher(id).matches()) {
            return label(id, budget).replace("weft-dataflow", "Weft data flow");
        }
        String kind = id.startsWith("thread-pool") ? "thread-pool" : SIZED.matcher(id).matches()
                ? id.replaceFirst("-\\d+$", "") : id;
        String name = switch (kind) {
            case "thread-pool" -> "platform pool of " + atOnce;
            case "process-pool" -> "process pool of " + atOnce;
            case "async-callbacks" -> "async callbacks";
            case "weft-events" -> "Weft events";
            case "weft-scope" -> "Weft scope";
            case "weft-dataflow" -> "Weft data flow";
            default -> kind;
        };
        return measured < requests ? name + " (estimated from " + measured + ")" : name;
    }

    /** What a variant's downloads run on, in words. */
    static String threads(String id, int atOnce) {
        if (id.equals("serial")) {
            return "1 platform";
        }
        if (id.startsWith("thread-pool")) {
            return atOnce + " platform";
        }
        if (id.equals("process-pool")) {
            return atOnce + " processes";
        }
        if (id.startsWith("async-callbacks")) {
            return "callbacks";
        }
        return id.startsWith("weft-dataflow") ? "virtual/context" : "virtual/page";
    }

    /**
     * Warms up the server, the HTTP client and the parse step (JIT compilation, the first connections), so the first
     * variant measured does not pay for them: fetches a few pages in series and a few in a scope, measuring nothing.
     */
    void warmUp() throws InterruptedException {
        ExecutorService clientThreads = Executors.newVirtualThreadPerTaskExecutor();
        try (ReportProgress none = ReportProgress.create("warm-up", 1, false);
             HttpClient client = client(clientThreads)) {
            serial(client, 5, none);
            scope(client, 20, 20, none);
        } finally {
            clientThreads.close();
            server.awaitNoConnections(Duration.ofSeconds(10));
        }
    }

    /** One variant being measured at one size: what its runs gave so far. */
    private final class Measuring {
        final Variant v;
        final int requests, measured, atOnce;
        final List<Long> walls = new ArrayList<>();
        long heap, stacks = -1, children, total, kept = -1, keptStacks = -1, peakLive = -1, budget = -1;
        int connections;
        Counts worst;
        /** Each timed round's decisions (adaptive rows), in round order. */
        final List<List<LimitPoint>> traces = new ArrayList<>();

        Measuring(Variant v, int requests) {
            this.v = v;
            this.requests = requests;
            this.measured = v.measured(requests, options.cap());
            this.atOnce = Math.min(v.concurrency(), measured);
        }

        String approach() {
            return Variants.approach(v.id(), atOnce, measured, requests, budget);
        }

        /** Its requests at a time in the round lines: a number, or "adapts" with the ceiling. */
        String atOnceText() {
            return v.adaptive() ? "adapts, ≤" + atOnce : Integer.toString(atOnce);
        }

        void counted(Counts c) {
            if (worst == null || c.ok() < worst.ok()) {
                worst = c;
            }
        }

        DownloaderReport.Row row() {
            long median = DownloaderReport.median(walls);
            long estimated = measured == requests ? median : (long) ((double) median * requests / measured);
            List<LimitPoint> trace = traces.isEmpty() ? List.of() : traces.get(medianRound(walls));
            // an adaptive row's "at once" is the highest limit it set in its timed rounds (the ceiling without any)
            int most = traces.stream().flatMap(List::stream).mapToInt(LimitPoint::limit).max().orElse(atOnce);
            return new DownloaderReport.Row(v.id(), requests, measured, median, estimated, heap, stacks, children,
                    total, kept, connections, worst.ok(), worst.failed(),
                    Pages.expectedFailures(measured, options.errorRate()), worst.causes().counts(),
                    Math.min(most, measured), keptStacks, walls, peakLive, budget, trace);
        }
    }

    /** The index of the round whose time is the median (the lower middle one of an even count). */
    static int medianRound(List<Long> walls) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < walls.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> Long.compare(walls.get(a), walls.get(b)));
        return order.isEmpty() ? 0 : order.get((order.size() - 1) / 2);
    }

    /**
     * The pages done at which the untimed run takes its forced-collection checkpoints: a quarter, half and three
     * quarters of {@code n} (at least 1 each; fewer when they coincide), ascending.
     */
    static List<Integer> checkpointSteps(int n) {
        return java.util.stream.IntStream.of(n / 4, n / 2, 3 * n / 4).map(s -> Math.max(1, s)).distinct().boxed()
                .toList();
    }

    /**
     * Runs every variant at size {@code n} and returns a row for each, in their order, printing a line per timed
     * round to {@code out}. The variants run in groups of the same requests at a time (the process pool in one of
     * its own), each group on one HTTP client whose connections, as many as the group's level, are opened and kept
     * alive (by both ends) before anything is measured; what they hold is put into {@code connectionHeap} by level.
     * The adaptive rows ({@code weft-dataflow-speed}, {@code -memory}) come last, in a group of their own whose
     * connections are opened by an unmeasured run of each (their level is theirs to find). Each variant then runs
     * once untimed, which warms it up and measures what it keeps (forced collections with a quarter, half and three
     * quarters of its pages done, {@link MemoryProbe#checkpoint}: kept is the half-way one, peak live the largest),
     * then {@link DownloaderReport.Options#rounds()} timed
     * rounds, interleaved with the others of its group so that a slow spell of the machine hits all of them; a
     * serial or extrapolated variant runs one timed round. A row's counts and failure causes are its worst run's;
     * its time the median round. Afterwards each group waits for the server to close its ends of the connections.
     */
    List<DownloaderReport.Row> measure(int n, PrintStream out, Map<Integer, Long> connectionHeap)
            throws IOException, InterruptedException {
        List<Measuring> all = all().stream().map(v -> new Measuring(v, n)).toList();
        Map<String, List<Measuring>> groups = new LinkedHashMap<>();
        for (Measuring m : all) {
            groups.computeIfAbsent(m.v.adaptive() ? ADAPTIVE_GROUP : m.v.kind().equals("process-pool") ? "processes"
                    : "level " + m.atOnce, k -> new ArrayList<>()).add(m);
        }
        // the adaptive rows last: a memory row's budget can come from any fixed data flow row of this size
        List<Measuring> adaptive = groups.remove(ADAPTIVE_GROUP);
        if (adaptive != null) {
            groups.put(ADAPTIVE_GROUP, adaptive);
        }
        List<Measured> measuredSoFar = new ArrayList<>();
        for (List<Measuring> group : groups.values()) {
            measureGroup(group, out, connectionHeap, measuredSoFar);
        }
        return all.stream().map(Measuring::row).toList();
    }

    private static final String ADAPTIVE_GROUP = "adaptive";

    private void measureGroup(List<Measuring> group, PrintStream out, Map<Integer, Long> connectionHeap,
                              List<Measured> measuredSoFar) throws IOException, InterruptedException {
        ExecutorService clientThreads = Executors.newVirtualThreadPerTaskExecutor();
        try (HttpClient client = client(clientThreads)) {
            boolean adaptiveGroup = group.getFirst().v.adaptive();
            if (!group.getFirst().v.kind().equals("process-pool") && !adaptiveGroup) {
                int level = group.getFirst().atOnce;
                connectionHeap.put(level, openConnections(client, level, out));
            }
            // An untimed run of each: warms it up and measures what it keeps (a quarter, half, three quarters done).
            for (Measuring m : group) {
                if (m.v.goal() == Goal.MEMORY) {
                    m.budget = budgetOf(m, measuredSoFar, out);
                }
                if (adaptiveGroup) {
                    // opens the connections this row will use, as the fixed rows' are opened before they run
                    try (ReportProgress bar = ReportProgress.create(m.v.id() + " " + m.requests + " (warm-up)",
                            m.measured, options.progress())) {
                        variant(m, null, client, bar);
                    }
                }
                boolean takeDump = dump == null && m.v.kind().equals("weft-scope");
                int half = Math.max(1, m.measured / 2);
                try (ReportProgress bar = ReportProgress.create(m.v.id() + " " + m.requests + " (untimed)",
                        m.measured, options.progress())) {
                    probe.begin();
                    m.counted(variant(m, null, client, ReportProgress.withCheckpoints(bar,
                            checkpointSteps(m.measured), step -> {
                                if (takeDump && step == half) {
                                    dump = Scope.dump();
                                }
                                probe.checkpoint(step == half);
                            })));
                    MemoryProbe.Peaks peaks = probe.end();
                    m.kept = peaks.kept();
                    m.keptStacks = peaks.keptStacks();
                    m.peakLive = peaks.peakLive();
                }
                measuredSoFar.add(new Measured(m.v, m.peakLive));
                if (takeDump && dump != null) {
                    out.print("--- Scope.dump() with " + Math.max(1, m.measured / 2) + " of " + m.measured
                            + " pages done, " + m.atOnce + " at a time ---\n" + dump + "--- end of dump ---\n");
                }
            }
            // The timed rounds, interleaved so that a slow spell of the machine hits every variant of the group.
            for (int round = 1; round <= options.rounds(); round++) {
                for (Measuring m : group) {
                    boolean oneRound = m.atOnce == 1 || m.measured < m.requests;
                    if (oneRound && round > 1) {
                        continue;
                    }
                    try (ReportProgress bar = ReportProgress.create(m.v.id() + " " + m.requests + " (round " + round
                            + ")", m.measured, options.progress())) {
                        server.resetConnections();
                        Adaptive.Recorder recorder = m.v.adaptive() ? new Adaptive.Recorder() : null;
                        probe.begin();
                        long start = System.nanoTime();
                        Counts c = variant(m, recorder, client, bar);
                        long wall = System.nanoTime() - start;
                        if (recorder != null) {
                            m.traces.add(recorder.points(start));
                        }
                        MemoryProbe.Peaks peaks = probe.end();
                        m.counted(c);
                        m.walls.add(wall);
                        m.heap = Math.max(m.heap, peaks.heap());
                        m.stacks = Math.max(m.stacks, peaks.stacks());
                        m.children = Math.max(m.children, peaks.children());
                        m.total = Math.max(m.total, peaks.total());
                        m.connections = Math.max(m.connections, server.connections());
                        out.printf(Locale.ROOT, "  %-28s %4s at a time  round %d/%d  %7.3f s  %d/%d pages%s%n",
                                m.approach(), m.atOnceText(), round, oneRound ? 1 : options.rounds(), wall / 1e9,
                                c.ok(), m.measured, c.failed() == 0 ? "" : ", " + c.failed() + " failed");
                        c.causes().counts().forEach((cause, pages) ->
                                out.printf(Locale.ROOT, "      %d x %s%n", pages, cause));
                    }
                }
            }
        } finally {
            clientThreads.close();
            // the next group starts with none of this client's connections left open at the server's end
            server.awaitNoConnections(Duration.ofSeconds(10));
        }
    }

    /** An HTTP/1.1 client whose own async work runs on {@code threads} (virtual: no pool growing with the load). */
    private static HttpClient client(ExecutorService threads) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(threads)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    /**
     * Opens {@code level} connections (that many requests at once, twice) and returns the heap they hold after a
     * collection: both ends, the client's and the server's, are in this JVM.
     */
    private long openConnections(HttpClient client, int level, PrintStream out) throws InterruptedException {
        probe.begin();
        server.resetConnections();
        for (int pass = 0; pass < 2; pass++) {
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < level; i++) {
                    int page = i;
                    threads.submit(() -> DownloadWorker.Fetch.fetchAndParse(client, base(), page));
                }
            }
        }
        probe.checkpoint();
        long held = Math.max(0, probe.end().kept());
        out.printf(Locale.ROOT, "%s: %d at a time: %d connection%s opened and kept alive (holding %.1f MiB of heap "
                        + "in this JVM, both ends); warm-up done%n", command, level, server.connections(),
                server.connections() == 1 ? "" : "s", held / (1024.0 * 1024.0));
        return held;
    }

    /**
     * A memory row's budget in bytes: its own, or {@link #autoBudget} of the rows measured before it at this size
     * (said in a line to {@code out}).
     */
    private long budgetOf(Measuring m, List<Measured> measuredSoFar, PrintStream out) {
        if (m.v.budgetMiB() > 0) {
            return m.v.budgetMiB() * MIB;
        }
        Budget b = autoBudget(measuredSoFar).orElseThrow(() -> new IllegalStateException("--variants: '" + m.v.id()
                + "' at " + m.requests + " pages: no weft-dataflow-speed or weft-dataflow[-N] row measured before it "
                + "to take a quarter of the peak live heap of"));
        out.printf(Locale.ROOT, "%s: %s at %d pages: budget %d MiB, a quarter of %s's peak live %.1f MiB%n", command,
                m.v.id(), m.requests, b.mib(), b.source(), b.sourcePeakLive() / (double) MIB);
        return b.bytes();
    }

    private Counts variant(Measuring m, Adaptive.Recorder recorder, HttpClient client, ReportProgress progress)
            throws IOException, InterruptedException {
        Variant v = m.v;
        int measured = m.measured;
        if (v.adaptive()) {
            return dataflow(client, measured, v, m.budget, recorder == null ? new Adaptive.Recorder() : recorder,
                    progress);
        }
        return switch (v.kind()) {
            case "serial" -> serial(client, measured, progress);
            case "thread-pool" -> pool(client, measured, v.concurrency(), progress);
            case "process-pool" -> processes(measured, v.concurrency(), progress);
            case "async-callbacks" -> async(client, measured, v.concurrency(), progress);
            case "weft-events" -> events(client, measured, v.concurrency(), progress);
            case "weft-scope" -> scope(client, measured, v.concurrency(), progress);
            case "weft-dataflow" -> dataflow(client, measured, v, -1, null, progress);
            default -> throw new IllegalStateException("unknown variant " + v.id());
        };
    }

    /**
     * Runs the data flow for page 3 alone, keeping its inputs, and says where its stored result came from: the
     * operations that produced it and the seed input it goes back to.
     */
    String lineageOfPage3() {
        ExecutorService clientThreads = Executors.newVirtualThreadPerTaskExecutor();
        try (HttpClient client = client(clientThreads)) {
            ContextResult r = Orchestrator.of(Orchestrator.Options.defaults().withStrict(false).withKeepInputs(true))
                    .run(flow(client, base(), new ConcurrentHashMap<>()), Map.of("page-3", List.of(Input.of(3, PAGE))))
                    .getFirst();
            List<Input> stored = r.inputs(STORED.name());
            if (stored.isEmpty()) {
                return "\nlineage: page 3 was not stored (" + r.failures() + ")\n";
            }
            Lineage lineage = Lineage.of(stored.getFirst());
            StringBuilder sb = new StringBuilder("\nlineage of '").append(stored.getFirst().value())
                    .append("' (context page-3):\n");
            sb.append("  produced by operations (nearest first): ").append(lineage.operations()).append('\n');
            for (Input root : lineage.roots()) {
                sb.append("  from ").append(root.origin()).append(" input ").append(root.definition().name())
                        .append('=').append(root.value()).append('\n');
            }
            return sb.toString();
        } finally {
            clientThreads.close();
        }
    }

    private URI base() {
        return server.base();
    }

    // 1. In series: one page after another on the calling thread.
    private Counts serial(HttpClient client, int n, ReportProgress progress) throws InterruptedException {
        int ok = 0, failed = 0;
        FailureCauses causes = new FailureCauses();
        for (int page = 0; page < n; page++) {
            try {
                DownloadWorker.Fetch.fetchAndParse(client, base(), page);
                ok++;
            } catch (IOException e) {
                failed++;
                causes.add(page, e);
            }
            progress.step();
        }
        return new Counts(n, ok, failed, causes);
    }

    // 2. A fixed pool of platform threads; each page a Future, and every Future's get() tells success or failure.
    private Counts pool(HttpClient client, int n, int threads, ReportProgress progress) throws InterruptedException {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>());
        int ok = 0, failed = 0;
        FailureCauses causes = new FailureCauses();
        try (pool) {
            List<Future<Pages.Parsed>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int page = i;
                futures.add(pool.submit(() -> {
                    try {
                        return DownloadWorker.Fetch.fetchAndParse(client, base(), page);
                    } finally {
                        progress.step();
                    }
                }));
            }
            for (int page = 0; page < n; page++) {
                try {
                    futures.get(page).get();
                    ok++;
                } catch (ExecutionException e) {
                    failed++;
                    causes.add(page, e.getCause());
                }
            }
        }
        return new Counts(n, ok, failed, causes);
    }

    // 3. Worker JVM processes on the same JDK and class path, fed page numbers one at a time over stdin/stdout.
    private Counts processes(int n, int workers, ReportProgress progress) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IOException("cannot tell this JVM's java command"));
        List<String> command = List.of(java, "--enable-preview", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), DownloadWorker.class.getName(), base().toString());
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger(), failed = new AtomicInteger();
        FailureCauses causes = new FailureCauses();
        List<Process> started = new ArrayList<>();
        List<Thread> feeders = new ArrayList<>();
        try {
            for (int w = 0; w < Math.min(workers, n); w++) {
                Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                started.add(p);
                probe.addChild(p.pid());
                feeders.add(Thread.ofPlatform().name("weft-report-feeder-" + w).start(() ->
                        feed(p, n, next, ok, failed, causes, progress)));
            }
            for (Thread t : feeders) {
                t.join();
            }
        } finally {
            for (Process p : started) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        return new Counts(n, ok.get(), failed.get(), causes);
    }

    /** Hands worker {@code p} the next page until none is left, then reads its peak memory and closes its input. */
    private void feed(Process p, int n, AtomicInteger next, AtomicInteger ok, AtomicInteger failed,
                      FailureCauses causes, ReportProgress progress) {
        try (Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.US_ASCII);
             BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                     StandardCharsets.US_ASCII))) {
            int page;
            while ((page = next.getAndIncrement()) < n) {
                String reply;
                IOException broken = null;
                try {
                    in.write(page + "\n");
                    in.flush();
                    reply = out.readLine();
                } catch (IOException e) {
                    reply = null;
                    broken = e;
                }
                if (reply != null && reply.startsWith("ok " + page + " ")) {
                    ok.incrementAndGet();
                } else {
                    // an "err PAGE CAUSE" line, or the worker died: either way the page's failure is reported here
                    failed.incrementAndGet();
                    String errPrefix = "err " + page + " ";
                    causes.add(page, reply != null && reply.startsWith(errPrefix)
                            ? reply.substring(errPrefix.length())
                            : reply != null ? "worker process answered '" + reply + "'"
                            : "worker process " + p.pid() + " gone (" + (broken != null
                            ? FailureCauses.describe(broken) : "end of its output") + ")");
                }
                progress.step();
                if (reply == null) {
                    // the worker is gone: count the rest of its share as failed when no other worker is left
                    break;
                }
            }
            probe.childDone(p.pid());
        } catch (IOException e) {
            probe.childDone(p.pid());
        }
    }

    // 4. The event-loop analogue: sendAsync with callbacks, at most maxInFlight requests outstanding.
    private Counts async(HttpClient client, int n, int limit, ReportProgress progress) throws InterruptedException {
        Semaphore inFlight = new Semaphore(limit);
        AtomicInteger ok = new AtomicInteger(), failed = new AtomicInteger();
        FailureCauses causes = new FailureCauses();
        List<CompletableFuture<Void>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int page = i;
            inFlight.acquire();
            CompletableFuture<Void> done = client.sendAsync(DownloadWorker.Fetch.request(base(), page),
                            HttpResponse.BodyHandlers.ofString())
                    .thenApply(response -> {
                        try {
                            return DownloadWorker.Fetch.check(page, response);
                        } catch (IOException e) {
                            throw new CompletionException(e);
                        }
                    })
                    .handle((parsed, error) -> {
                        if (error == null) {
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            causes.add(page, error);
                        }
                        inFlight.release();
                        progress.step();
                        return null;
                    });
            all.add(done);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return new Counts(n, ok.get(), failed.get(), causes);
    }

    /** A request's state in the director's table. */
    enum RequestState { QUEUED, FETCHING, PARSING, STORED, FAILED }

    /**
     * The events variant's director: every request is an {@link Event} it created and recorded, and it keeps a
     * table of each request's state (queued, fetching, parsing, stored, failed), updated by the workers as they go
     * and by each event's completion callback, so any thread can see where every request stands.
     */
    static final class Director {
        private final Map<Integer, RequestState> table = new ConcurrentHashMap<>();
        private final List<Event> events;
        private final Map<Integer, Pages.Parsed> store = new ConcurrentHashMap<>();

        Director(int n, ReportProgress progress) {
            events = new ArrayList<>(n);
            for (int page = 0; page < n; page++) {
                Event e = Event.cpu(EventOptions.named("page-" + page));
                int p = page;
                table.put(page, RequestState.QUEUED);
                e.onComplete(done -> {
                    table.put(p, done.query() == EventStatus.SUCCESS ? RequestState.STORED : RequestState.FAILED);
                    progress.step();
                });
                e.record();
                events.add(e);
            }
        }

        void moved(int page, RequestState state) {
            table.put(page, state);
        }

        Event event(int page) {
            return events.get(page);
        }

        /** How many requests are in each state now. */
        Map<RequestState, Integer> counts() {
            Map<RequestState, Integer> c = new EnumMap<>(RequestState.class);
            for (RequestState s : RequestState.values()) {
                c.put(s, 0);
            }
            table.values().forEach(s -> c.merge(s, 1, Integer::sum));
            return c;
        }
    }

    // 5. Weft events with a director tracking each request's state.
    private Counts events(HttpClient client, int n, int limit, ReportProgress progress) throws InterruptedException {
        Director director = new Director(n, progress);
        FailureCauses causes = new FailureCauses();
        try (var scope = Scope.open(ScopeOptions.named("events").withMaxConcurrency(limit))) {
            for (int i = 0; i < n; i++) {
                int page = i;
                scope.fork("page-" + page, () -> {
                    Event event = director.event(page);
                    try {
                        director.moved(page, RequestState.FETCHING);
                        HttpResponse<String> response = client.send(DownloadWorker.Fetch.request(base(), page),
                                HttpResponse.BodyHandlers.ofString());
                        director.moved(page, RequestState.PARSING);
                        director.store.put(page, DownloadWorker.Fetch.check(page, response));
                        event.setFinished();
                    } catch (IOException e) {
                        causes.add(page, e);
                        event.setFinished(e);
                    }
                    return null;
                });
            }
            scope.join();
        }
        int ok = 0, failed = 0;
        for (int page = 0; page < n; page++) {
            Event e = director.event(page);
            e.await();
            if (e.query() == EventStatus.SUCCESS && director.store.containsKey(page)) {
                ok++;
            } else if (e.query() == EventStatus.FAILED && e.errorMessage().isPresent()) {
                failed++;
            }
        }
        Map<RequestState, Integer> table = director.counts();
        if (table.get(RequestState.STORED) != ok || table.get(RequestState.FAILED) != failed) {
            throw new IllegalStateException("the director's table " + table + " disagrees with the events: "
                    + ok + " stored, " + failed + " failed");
        }
        return new Counts(n, ok, failed, causes);
    }

    // 6. A Weft scope on virtual threads, plain blocking code; settle() hands back every page's outcome.
    // Page 3's fetch is logged once, showing the Weft context path (downloader/page-3) in the log line.
    private Counts scope(HttpClient client, int n, int limit, ReportProgress progress) throws InterruptedException {
        List<Outcome<Pages.Parsed>> outcomes;
        try (var scope = Scope.<Pages.Parsed>settle(ScopeOptions.named("downloader").withMaxConcurrency(limit))) {
            for (int i = 0; i < n; i++) {
                int page = i;
                scope.fork("page-" + page, () -> {
                    try {
                        Pages.Parsed parsed = DownloadWorker.Fetch.fetchAndParse(client, base(), page);
                        if (page == 3 && loggedPage3.compareAndSet(false, true)) {
                            LOG.info("fetched page {} ('{}', {} words)", page, parsed.title(), parsed.words());
                        }
                        return parsed;
                    } finally {
                        progress.step();
                    }
                });
            }
            outcomes = scope.join();
        }
        int ok = 0, failed = 0;
        FailureCauses causes = new FailureCauses();
        for (Outcome<Pages.Parsed> o : outcomes) {
            switch (o) {
                case Outcome.Success<Pages.Parsed> s -> ok++;
                case Outcome.Failure<Pages.Parsed> f -> {
                    failed++;
                    causes.add(pageOf(f.taskName()), f.exception());
                }
                case Outcome.Cancelled<Pages.Parsed> c -> {
                    failed++;
                    causes.add(pageOf(c.taskName()), c.cause() == null ? "cancelled"
                            : "cancelled: " + FailureCauses.describe(c.cause()));
                }
            }
        }
        return new Counts(n, ok, failed, causes);
    }

    /** The page number of task {@code page-N}. */
    private static int pageOf(String taskName) {
        return Integer.parseInt(taskName.substring(taskName.lastIndexOf('-') + 1));
    }

    static final Definition<Integer> PAGE = Definition.of("page", "int");
    static final Definition<String> HTML = Definition.of("html", "str");
    static final Definition<Pages.Parsed> PARSED = Definition.of("parsed", "map");
    static final Definition<String> STORED = Definition.of("stored", "str");

    /** Fetch → parse → store, one context per page; store puts each page's counts into {@code store}. */
    static DataFlow flow(HttpClient client, URI base, Map<Integer, Pages.Parsed> store) {
        return DataFlow.builder()
                .operation(Operation.builder("fetch").input("page", PAGE).output("html", HTML).build(), (ctx, in) -> {
                    int page = (Integer) in.get("page");
                    HttpResponse<String> r = client.send(DownloadWorker.Fetch.request(base, page),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IOException("page " + page + ": HTTP status " + r.statusCode());
                    }
                    return Map.of("html", r.body());
                })
                .operation(Operation.builder("parse").input("html", HTML).output("parsed", PARSED).build(),
                        (ctx, in) -> Map.of("parsed", Pages.parse((String) in.get("html"))))
                .operation(Operation.builder("store").input("page", PAGE).input("parsed", PARSED)
                        .output("stored", STORED).build(), (ctx, in) -> {
                            int page = (Integer) in.get("page");
                            Pages.Parsed parsed = (Pages.Parsed) in.get("parsed");
                            if (!parsed.isPage(page)) {
                                throw new IOException("page " + page + ": wrong page (title '" + parsed.title()
                                        + "')");
                            }
                            store.put(page, parsed);
                            return Map.of("stored", "page " + page + ": " + parsed.words() + " words");
                        })
                .build();
    }

    // 7. The Weft data flow, non-strict (each failure listed in its context's result), keeping inputs for lineage.
    // The adaptive rows: the same flow, the orchestrator given a goal (speed, or memory under a budget) and the
    // variant's concurrency as the ceiling its limit may reach; its decisions go to the recorder.
    private Counts dataflow(HttpClient client, int n, Variant v, long budget, Adaptive.Recorder recorder,
                            ReportProgress progress) {
        Map<Integer, Pages.Parsed> store = new ConcurrentHashMap<>();
        DataFlow flow = flow(client, base(), store);
        Map<String, List<Input>> contexts = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            contexts.put(Integer.toString(i), List.of(Input.of(i, PAGE)));
        }
        AtomicInteger ok = new AtomicInteger(), failed = new AtomicInteger();
        FailureCauses causes = new FailureCauses();
        Orchestrator.Options run = Orchestrator.Options.defaults().withStrict(false).withKeepInputs(true)
                .withMaxContexts(v.concurrency());
        if (v.adaptive()) {
            recorder.counting(n, () -> ok.get() + failed.get());
            run = Adaptive.options(run, v, budget, recorder);
        }
        Orchestrator.of(run).run(flow, contexts, r -> {
                    int page = Integer.parseInt(r.context());
                    if (!r.failures().isEmpty()) {
                        failed.incrementAndGet();
                        causes.add(page, r.failures().getFirst());
                    } else if (store.containsKey(page) && storedFrom(r, page)) {
                        ok.incrementAndGet();
                    }
                    progress.step();
                });
        return new Counts(n, ok.get(), failed.get(), causes);
    }

    /** Whether the context stored one result whose lineage goes back to its page number through all three steps. */
    private static boolean storedFrom(ContextResult r, int page) {
        List<Input> stored = r.inputs(STORED.name());
        if (stored.size() != 1) {
            return false;
        }
        Lineage lineage = Lineage.of(stored.get(0));
        return lineage.operations().containsAll(List.of("fetch", "parse", "store"))
                && lineage.roots().stream().anyMatch(root -> Integer.valueOf(page).equals(root.value()));
    }
}
