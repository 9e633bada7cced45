package dev.weft.demo;

import dev.weft.flow.ContextResult;
import dev.weft.flow.DataFlow;
import dev.weft.flow.Definition;
import dev.weft.flow.Input;
import dev.weft.flow.Lineage;
import dev.weft.flow.Operation;
import dev.weft.flow.Orchestrator;
import dev.weft.scope.Scope;
import dev.weft.scope.ScopeOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seed 001's concurrent downloader: fetches {@code N} pages from an embedded HTTP server in series, on a fixed pool
 * of platform threads, in a Weft scope (a virtual thread per page) and as a Weft data flow, and prints a table of
 * wall time and memory for each.
 *
 * <p>The comparison is kept fair so that only the concurrency model differs. The concurrent ways run at the same
 * number of requests at a time (a <em>level</em>): the pool's size, and one request per page (at most
 * {@value #WIDE_MAX}); at each level they share one HTTP client whose connections, as many as the level, are opened
 * and kept alive before anything is measured (the server keeps them open too, see {@link PageServer}). Each way runs
 * once untimed, which warms it up and measures what it keeps (a forced collection with half its pages done, see
 * {@link MemoryProbe#checkpoint}), then {@link Options#rounds()} timed rounds, interleaved with the other ways of its
 * level; the table gives the median and the range. The closing lines say what the figures show, decided from them
 * ({@link #compare}): medians within 10% of each other are called the same, since a shared 2-core machine moves
 * them more than that.
 *
 * <p>Run it with {@code ./weft demo [--requests N] [--delay-ms N] [--rounds N]}; the launcher turns on Native Memory
 * Tracking, without which the stacks column reads {@code n/a}. The server runs in the same JVM, so its own (virtual)
 * threads and buffers are part of every measurement alike.
 */
public final class Demo {
    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
    /** Size of every page body in bytes. */
    static final int PAGE_BYTES = 4096;
    /** The most requests at a time of the wide level (one per page up to this). */
    static final int WIDE_MAX = 1000;
    private static final String USAGE = "usage: ./weft demo [--requests N] [--delay-ms N] [--rounds N]\n"
            + "  --requests N   pages to download, 1..1000000 (default 1000)\n"
            + "  --delay-ms N   server delay per page in milliseconds, 0..60000 (default 50)\n"
            + "  --rounds N     timed rounds of each concurrent way, 1..20 (default 3); the table gives the median";

    private Demo() {
    }

    /**
     * The demo's settings.
     *
     * @param requests   pages to download in each approach
     * @param delayMs    the server's artificial delay per page
     * @param serialCap  at most this many pages are fetched in series; the rest is estimated linearly
     * @param poolSize   threads in the fixed platform pool, and requests at a time of the narrow level
     * @param rounds     timed rounds of each concurrent approach
     */
    public record Options(int requests, int delayMs, int serialCap, int poolSize, int rounds) {
        /** Checks every value, naming the option. */
        public Options {
            if (requests < 1 || requests > 1_000_000) {
                throw new IllegalArgumentException("--requests must be between 1 and 1000000, got " + requests);
            }
            if (delayMs < 0 || delayMs > 60_000) {
                throw new IllegalArgumentException("--delay-ms must be between 0 and 60000, got " + delayMs);
            }
            if (serialCap < 1) {
                throw new IllegalArgumentException("serial cap must be at least 1, got " + serialCap);
            }
            if (poolSize < 1) {
                throw new IllegalArgumentException("pool size must be at least 1, got " + poolSize);
            }
            if (rounds < 1 || rounds > 20) {
                throw new IllegalArgumentException("--rounds must be between 1 and 20, got " + rounds);
            }
        }

        /** These settings with 3 rounds. */
        public Options(int requests, int delayMs, int serialCap, int poolSize) {
            this(requests, delayMs, serialCap, poolSize, 3);
        }

        /** 1000 requests, 50 ms delay, 50 serial requests, a pool of 64, 3 rounds. */
        public static Options defaults() {
            return new Options(1000, 50, 50, 64, 3);
        }

        /** The levels, in requests at a time: the pool's size, then one per page up to {@link #WIDE_MAX}. */
        public List<Integer> levels() {
            int narrow = Math.min(poolSize, requests), wide = Math.min(requests, WIDE_MAX);
            return wide > narrow ? List.of(narrow, wide) : List.of(narrow);
        }

        /**
         * Parses {@code --requests N}, {@code --delay-ms N} and {@code --rounds N} over the defaults.
         *
         * @throws IllegalArgumentException for an unknown option, a missing or non-numeric value, or one out of range
         */
        public static Options parse(String... args) {
            Options o = defaults();
            int requests = o.requests, delayMs = o.delayMs, rounds = o.rounds;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--requests", "--delay-ms", "--rounds" -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(arg + " needs a number");
                        }
                        String value = args[++i];
                        int n;
                        try {
                            n = Integer.parseInt(value);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException(arg + " needs a whole number, got '" + value + "'");
                        }
                        switch (arg) {
                            case "--requests" -> requests = n;
                            case "--delay-ms" -> delayMs = n;
                            default -> rounds = n;
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
                }
            }
            return new Options(requests, delayMs, o.serialCap, o.poolSize, rounds);
        }
    }

    /**
     * What one approach did and used.
     *
     * @param approach    its name, as in the table
     * @param threads     the threads it ran the downloads on, in words
     * @param atOnce      requests at a time (its level; 1 in series)
     * @param requests    pages the row stands for
     * @param attempted   pages it fetched in each run (fewer than {@code requests} for the capped serial run)
     * @param ok          pages that arrived whole (status 200, the full body for that page) in its worst run
     * @param lost        pages that did not arrive, over all its runs (the untimed one too)
     * @param wallNanos   the measured wall time of each timed round
     * @param estimatedNanos the median round, or for the capped serial run its time extrapolated to all pages
     * @param peakHeap    peak heap used (garbage included) over the timed rounds, in bytes
     * @param peakStacks  peak committed thread-stack memory in bytes, or -1 without Native Memory Tracking
     * @param kept        heap after a forced collection plus committed stacks, above those before the run, with
     *                    half the pages done (the untimed run), in bytes
     * @param keptStacks  the part of {@code kept} that is committed thread stacks (0 without Native Memory Tracking)
     * @param connections most distinct connections the server saw in one timed round
     */
    public record PhaseResult(String approach, String threads, int atOnce, int requests, int attempted, int ok,
                              int lost, List<Long> wallNanos, long estimatedNanos, long peakHeap, long peakStacks,
                              long kept, long keptStacks, int connections) {
        /** Copies the rounds. */
        public PhaseResult {
            wallNanos = List.copyOf(wallNanos);
        }

        /** Whether every run fetched every page it attempted. */
        public boolean complete() {
            return lost == 0 && ok == attempted;
        }

        /** Whether the wall time for all pages was extrapolated from fewer. */
        public boolean estimated() {
            return attempted < requests;
        }

        /** The median timed round. */
        public long median() {
            return Demo.median(wallNanos);
        }

        /** The fastest timed round. */
        public long fastest() {
            return wallNanos.stream().mapToLong(Long::longValue).min().orElse(0);
        }

        /** The slowest timed round. */
        public long slowest() {
            return wallNanos.stream().mapToLong(Long::longValue).max().orElse(0);
        }
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n == 0 ? 0 : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * The demo's outcome.
     *
     * @param phases  serial, then at each level the pool and the Weft scope, and the data flow at the widest level
     * @param table   the printed table and the closing lines
     * @param dump    what {@link Scope#dump()} returned half way through a Weft run, or {@code null} if it never ran
     * @param lineage the printed lineage of page 3's stored word count, from a one-page run of the data flow
     */
    public record Result(List<PhaseResult> phases, String table, String dump, String lineage) {
        /** Whether every approach fetched every page it attempted. */
        public boolean allComplete() {
            return phases.stream().allMatch(PhaseResult::complete);
        }
    }

    /** Runs the demo with the arguments; exits 2 for bad arguments and 1 when a page was lost. */
    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Result result;
        try {
            result = run(options, System.out);
        } catch (Exception e) {
            System.err.println("demo failed: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        if (!result.allComplete()) {
            System.err.println("demo: FAILED, some pages were lost (see the pages ok column)");
            System.exit(1);
        }
    }

    /** One way of downloading at one level, run once per call. */
    private interface Way {
        /** Fetches pages {@code 0..n-1} at most {@code atOnce} at a time; returns how many arrived whole. */
        int run(Fetcher fetcher, int n, int atOnce, Progress progress) throws InterruptedException;
    }

    /** An approach being measured: its way, its level and what its runs gave so far. */
    private static final class Measured {
        final String approach, threads;
        final int atOnce, attempted;
        final Way way;
        final List<Long> walls = new ArrayList<>();
        int worstOk = Integer.MAX_VALUE, lost, connections;
        long peakHeap, peakStacks = -1, kept = -1, keptStacks = -1;

        Measured(String approach, String threads, int atOnce, int attempted, Way way) {
            this.approach = approach;
            this.threads = threads;
            this.atOnce = atOnce;
            this.attempted = attempted;
            this.way = way;
        }

        void counted(int ok) {
            worstOk = Math.min(worstOk, ok);
            lost += attempted - ok;
        }

        PhaseResult result(int requests) {
            long median = median(walls);
            long estimated = attempted == requests ? median : (long) ((double) median * requests / attempted);
            return new PhaseResult(approach, threads, atOnce, requests, attempted,
                    worstOk == Integer.MAX_VALUE ? 0 : worstOk, lost, walls, estimated, peakHeap, peakStacks, kept,
                    keptStacks, connections);
        }
    }

    /**
     * Runs every approach against a fresh embedded server and prints what it does, the half-way scope dump, the
     * table, the closing lines and a lineage to {@code out}.
     *
     * @throws IOException          if the server cannot start
     * @throws InterruptedException if the calling thread is interrupted
     */
    public static Result run(Options options, PrintStream out) throws IOException, InterruptedException {
        try (PageServer server = new PageServer(options.delayMs(), page -> false, Demo::pageBody,
                "text/plain; charset=utf-8");
             MemoryProbe probe = new MemoryProbe()) {
            out.printf(Locale.ROOT, "demo: %d pages of %d bytes, server delay %d ms, on http://127.0.0.1:%d; "
                            + "%d cores, load average %s at the start%n", options.requests(), PAGE_BYTES,
                    options.delayMs(), server.port(), Runtime.getRuntime().availableProcessors(), loadAverage());
            if (!probe.nmtAvailable()) {
                out.println("demo: Native Memory Tracking is off, so stacks: n/a (run via ./weft demo)");
            }
            List<Integer> levels = new ArrayList<>(List.of(1));  // serial first, on a client of its own
            levels.addAll(options.levels());
            List<PhaseResult> phases = new ArrayList<>();
            Map<Integer, Long> connectionHeap = new LinkedHashMap<>();
            String[] dump = new String[1];
            String lineage = "";
            // page 3's fetch is logged once, showing the Weft context path in the log line
            java.util.concurrent.atomic.AtomicBoolean logPage3 = new java.util.concurrent.atomic.AtomicBoolean();
            for (int li = 0; li < levels.size(); li++) {
                int level = levels.get(li);
                boolean serialLevel = li == 0, first = li == 1, widest = li == levels.size() - 1;
                // The client's own async work runs on virtual threads, so its default cached pool of platform
                // threads does not grow with the requests in flight and blur the stacks column.
                ExecutorService clientThreads = Executors.newVirtualThreadPerTaskExecutor();
                try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .executor(clientThreads).connectTimeout(Duration.ofSeconds(30)).build()) {
                    Fetcher fetcher = new Fetcher(client, server.base());
                    connectionHeap.put(level, openConnections(fetcher, level, server, probe, out));
                    List<Measured> ways = new ArrayList<>();
                    if (serialLevel) {
                        int cap = Math.min(options.requests(), options.serialCap());
                        ways.add(new Measured(cap < options.requests() ? "serial (estimated from " + cap + ")"
                                : "serial", "1 platform", 1, cap, (f, n, atOnce, p) -> serial(f, n, p, out)));
                    } else {
                        ways.add(new Measured("platform pool of " + level, level + " platform", level,
                                options.requests(), (f, n, atOnce, p) -> pool(f, n, atOnce, p, out)));
                        ways.add(new Measured("Weft scope", "virtual/page", level, options.requests(),
                                (f, n, atOnce, p) -> weft(f, n, atOnce, p, out, logPage3)));
                    }
                    if (widest && !serialLevel) {
                        ways.add(new Measured("Weft data flow", "virtual/context", level, options.requests(),
                                (f, n, atOnce, p) -> dataflow(f, n, atOnce, p, out)));
                    }
                    // An untimed run of each: warms it up and measures what it keeps with half its pages done.
                    for (Measured m : ways) {
                        boolean takeDump = first && m.approach.equals("Weft scope");
                        probe.begin();
                        Progress progress = new Progress(m.attempted, () -> {
                            if (takeDump) {
                                dump[0] = Scope.dump();
                            }
                            probe.checkpoint();
                        });
                        m.counted(m.way.run(fetcher, m.attempted, m.atOnce, progress));
                        MemoryProbe.Peaks peaks = probe.end();
                        m.kept = peaks.kept();
                        m.keptStacks = peaks.keptStacks();
                        if (takeDump && dump[0] != null) {
                            out.print("--- Scope.dump() with " + (m.attempted / 2) + " of " + m.attempted
                                    + " pages done, " + level + " at a time ---\n" + dump[0] + "--- end of dump ---\n");
                        }
                    }
                    // The timed rounds, interleaved so that a slow spell of the machine hits every approach.
                    for (int round = 1; round <= options.rounds(); round++) {
                        for (Measured m : ways) {
                            if (m.atOnce == 1 && round > 1) {
                                continue;  // serial: one round is long enough
                            }
                            server.resetConnections();
                            probe.begin();
                            long start = System.nanoTime();
                            int ok = m.way.run(fetcher, m.attempted, m.atOnce, new Progress(m.attempted, null));
                            long wall = System.nanoTime() - start;
                            MemoryProbe.Peaks peaks = probe.end();
                            m.counted(ok);
                            m.walls.add(wall);
                            m.peakHeap = Math.max(m.peakHeap, peaks.heap());
                            m.peakStacks = Math.max(m.peakStacks, peaks.stacks());
                            m.connections = Math.max(m.connections, server.connections());
                            out.printf(Locale.ROOT, "  %-28s %4d at a time  round %d/%d  %7.3f s  %d/%d pages%n",
                                    m.approach, m.atOnce, round, m.atOnce == 1 ? 1 : options.rounds(), wall / 1e9,
                                    ok, m.attempted);
                        }
                    }
                    for (Measured m : ways) {
                        phases.add(m.result(options.requests()));
                    }
                    if (widest) {
                        lineage = lineageOfPage3(fetcher);
                    }
                } finally {
                    clientThreads.close();
                    // the next level starts with none of this client's connections left open at the server's end
                    server.awaitNoConnections(Duration.ofSeconds(10));
                }
            }
            String table = table(phases, probe.nmtAvailable()) + conclusions(phases, options, connectionHeap);
            out.print(table);
            out.print(lineage);
            out.flush();
            return new Result(List.copyOf(phases), table, dump[0], lineage);
        }
    }

    /**
     * Opens {@code level} connections (that many requests at once, twice) and returns the heap they hold after a
     * collection: both ends, the client's and the server's, are in this JVM.
     */
    private static long openConnections(Fetcher fetcher, int level, PageServer server, MemoryProbe probe,
                                        PrintStream out) throws InterruptedException {
        probe.begin();
        server.resetConnections();
        for (int pass = 0; pass < 2; pass++) {
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < level; i++) {
                    int page = i;
                    threads.submit(() -> fetcher.fetch(page));
                }
            }
        }
        probe.checkpoint();
        long held = Math.max(0, probe.end().kept());
        out.printf(Locale.ROOT, "demo: %d at a time: %d connection%s opened and kept alive (holding %s of heap in "
                + "this JVM, both ends); warm-up done%n", level, server.connections(),
                server.connections() == 1 ? "" : "s", mib(held));
        return held;
    }

    /** The system's 1-minute load average, or "n/a". */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** The body of page {@code i}: its header line, padded to {@link #PAGE_BYTES}. */
    static byte[] pageBody(int i) {
        byte[] body = new byte[PAGE_BYTES];
        Arrays.fill(body, (byte) '.');
        body[PAGE_BYTES - 1] = '\n';
        byte[] header = ("page " + i + "\n").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(header, 0, body, 0, header.length);
        return body;
    }

    /** Blocking fetches with the one shared client. */
    private record Fetcher(HttpClient client, URI base) {
        /** Fetches page {@code i} and returns its size; throws unless it is exactly the page served. */
        int fetch(int i) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(base.resolve(Integer.toString(i)))
                    .timeout(Duration.ofSeconds(60)).GET().build();
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException("page " + i + ": HTTP status " + response.statusCode());
            }
            if (!Arrays.equals(response.body(), pageBody(i))) {
                throw new IOException("page " + i + ": wrong body of " + response.body().length + " bytes");
            }
            return response.body().length;
        }

        /** Fetches page {@code i} and returns its body as text (ASCII). */
        String body(int i) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(base.resolve(Integer.toString(i)))
                    .timeout(Duration.ofSeconds(60)).GET().build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("page " + i + ": HTTP status " + response.statusCode());
            }
            return response.body();
        }
    }

    private static int serial(Fetcher fetcher, int n, Progress progress, PrintStream out) {
        int ok = 0;
        for (int i = 0; i < n; i++) {
            try {
                fetcher.fetch(i);
                ok++;
            } catch (IOException e) {
                out.println("  serial: page " + i + ": " + FailureCauses.describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            progress.done();
        }
        return ok;
    }

    private static int pool(Fetcher fetcher, int n, int threads, Progress progress, PrintStream out)
            throws InterruptedException {
        int ok = 0;
        // The pool's threads are joined after it closes, so that the next run does not count their stacks.
        List<Thread> started = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread t = Thread.ofPlatform().name("demo-pool-", started.size()).unstarted(task);
            started.add(t);
            return t;
        })) {
            List<Future<Integer>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int page = i;
                futures.add(pool.submit(() -> {
                    try {
                        return fetcher.fetch(page);
                    } finally {
                        progress.done();
                    }
                }));
            }
            for (int page = 0; page < n; page++) {
                try {
                    futures.get(page).get();
                    ok++;
                } catch (ExecutionException e) {
                    out.println("  pool: page " + page + ": " + FailureCauses.describe(e));
                }
            }
        }
        for (Thread t : List.copyOf(started)) {
            t.join();
        }
        return ok;
    }

    /** Weft: a scope "demo" whose task "download" opens a scope of one task per page, {@code atOnce} at a time. */
    private static int weft(Fetcher fetcher, int n, int atOnce, Progress progress, PrintStream out,
                            java.util.concurrent.atomic.AtomicBoolean logPage3) throws InterruptedException {
        AtomicInteger ok = new AtomicInteger();
        try (var scope = Scope.open(ScopeOptions.named("demo"))) {
            scope.fork("download", () -> {
                try (var pages = Scope.open(ScopeOptions.defaults().withMaxConcurrency(atOnce))) {
                    for (int i = 0; i < n; i++) {
                        int page = i;
                        pages.fork("page-" + page, () -> {
                            int bytes = fetcher.fetch(page);
                            if (page == 3 && logPage3.compareAndSet(false, true)) {
                                LOG.info("fetched page {} ({} bytes)", page, bytes);
                            }
                            ok.incrementAndGet();
                            progress.done();
                            return bytes;
                        });
                    }
                    pages.join();
                }
                return null;
            });
            scope.join();
        } catch (RuntimeException e) {
            out.println("  weft: " + FailureCauses.describe(e));
        }
        return ok.get();
    }

    // The downloader as a data flow: fetch -> parse -> store, one context per page.
    static final Definition<Integer> PAGE = Definition.of("page", "int");
    static final Definition<String> BODY = Definition.of("body", "str");
    static final Definition<Integer> WORDS = Definition.of("words", "int");
    static final Definition<String> STORED = Definition.of("stored", "str");

    static DataFlow downloaderFlow(Fetcher fetcher, java.util.Map<Integer, Integer> store) {
        return DataFlow.builder()
                .operation(Operation.builder("fetch").input("page", PAGE).output("body", BODY).build(), (ctx, in) -> {
                    int page = (Integer) in.get("page");
                    return java.util.Map.of("body", fetcher.body(page));
                })
                .operation(Operation.builder("parse").input("body", BODY).output("words", WORDS).build(),
                        (ctx, in) -> java.util.Map.of("words", ((String) in.get("body")).split("\\s+").length))
                .operation(Operation.builder("store").input("page", PAGE).input("words", WORDS)
                        .output("stored", STORED).build(), (ctx, in) -> {
                            store.put((Integer) in.get("page"), (Integer) in.get("words"));
                            return java.util.Map.of("stored", "page " + in.get("page") + ": " + in.get("words")
                                    + " words");
                        })
                .build();
    }

    private static int dataflow(Fetcher fetcher, int n, int atOnce, Progress progress, PrintStream out) {
        Map<Integer, Integer> store = new ConcurrentHashMap<>();
        DataFlow flow = downloaderFlow(fetcher, store);
        Map<String, List<Input>> contexts = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            contexts.put("page-" + i, List.of(Input.of(i, PAGE)));
        }
        try {
            Orchestrator.of(Orchestrator.Options.defaults().withMaxContexts(atOnce))
                    .run(flow, contexts, r -> progress.done());
        } catch (RuntimeException e) {
            out.println("  flow: " + FailureCauses.describe(e));
        }
        return store.size();
    }

    /** Runs the flow for page 3 alone, keeping its inputs, and prints where its stored result came from. */
    private static String lineageOfPage3(Fetcher fetcher) {
        DataFlow flow = downloaderFlow(fetcher, new java.util.concurrent.ConcurrentHashMap<>());
        ContextResult r = Orchestrator.of(Orchestrator.Options.defaults().withKeepInputs(true))
                .run(flow, java.util.Map.of("page-3", List.of(Input.of(3, PAGE)))).get(0);
        Input stored = r.inputs(STORED.name()).get(0);
        Lineage lineage = Lineage.of(stored);
        StringBuilder sb = new StringBuilder("\nlineage of '").append(stored.value()).append("' (context page-3):\n");
        sb.append("  produced by operations (nearest first): ").append(lineage.operations()).append('\n');
        for (Input root : lineage.roots()) {
            sb.append("  from ").append(root.origin()).append(" input ").append(root.definition().name()).append('=')
                    .append(root.value()).append('\n');
        }
        return sb.toString();
    }

    /** The table: one row per approach, every column as wide as its widest cell. */
    static String table(List<PhaseResult> phases, boolean nmt) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"approach", "threads", "at once", "conns", "wall time", "rounds", "peak heap",
            "kept", "stacks", "pages ok"});
        for (PhaseResult p : phases) {
            rows.add(new String[] {p.approach(), p.threads(), Integer.toString(p.atOnce()),
                Integer.toString(p.connections()), seconds(p.estimatedNanos()) + (p.estimated() ? " (est.)" : ""),
                p.wallNanos().size() == 1 ? "1: " + seconds(p.fastest()) + (p.estimated() ? " for " + p.attempted()
                        : "") : p.wallNanos().size() + ": " + range(p),
                mib(p.peakHeap()), mib(p.kept()), nmt ? mib(p.peakStacks()) : "n/a",
                p.ok() + "/" + p.attempted() + (p.complete() ? "" : " LOST " + p.lost())});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        StringBuilder t = new StringBuilder("\n");
        for (int k = 0; k < rows.size(); k++) {
            String[] r = rows.get(k);
            for (int i = 0; i < r.length; i++) {
                t.append(i == 0 ? "" : " | ").append(r[i]).append(" ".repeat(widths[i] - r[i].length()));
            }
            t.append('\n');
            if (k == 0) {
                for (int i = 0; i < widths.length; i++) {
                    t.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
                }
                t.append('\n');
            }
        }
        return t.toString();
    }

    /**
     * What the figures show, in words decided from them: for each level the pool against the Weft scope (the same
     * when their rounds' ranges overlap), what each kept, what the open connections hold, the data flow against the
     * scope and the serial estimate; then how memory was measured.
     */
    static String conclusions(List<PhaseResult> phases, Options options, Map<Integer, Long> connectionHeap) {
        StringBuilder t = new StringBuilder("\n");
        PhaseResult serial = phases.getFirst(), widestWeft = null;
        for (int level : options.levels()) {
            PhaseResult pool = find(phases, "platform pool of " + level, level);
            PhaseResult weft = find(phases, "Weft scope", level);
            widestWeft = weft;
            double bound = Math.ceil((double) options.requests() / level) * options.delayMs() / 1000.0;
            t.append(String.format(Locale.ROOT, "%d at a time, each over the same %d kept-alive connection%s (the "
                            + "server's delay alone: %.2f s): platform pool of %d %s, Weft scope %s (medians of %d "
                            + "rounds): %s.%n", level, level, level == 1 ? "" : "s", bound, level,
                    seconds(pool.median()), seconds(weft.median()), options.rounds(),
                    compare("the pool", pool, "Weft", weft)));
            t.append(String.format(Locale.ROOT, "  kept with half the pages done: pool %s (%s of it thread stacks), "
                            + "Weft %s (%s of it thread stacks); the %d open connections themselves hold %s, before the run, in both.%n",
                    mib(pool.kept()), mib(pool.keptStacks()), mib(weft.kept()), mib(weft.keptStacks()), level,
                    mib(connectionHeap.getOrDefault(level, -1L))));
        }
        PhaseResult flow = find(phases, "Weft data flow", options.levels().getLast());
        t.append(String.format(Locale.ROOT, "Weft data flow against Weft scope at %d at a time: %s.%n",
                flow.atOnce(), compare("the data flow", flow, "the scope", widestWeft)));
        t.append(String.format(Locale.ROOT, "Serial%s: %s, %.0fx the Weft scope at %d at a time.%n",
                serial.estimated() ? " (estimated from " + serial.attempted() + " pages)" : "",
                seconds(serial.estimatedNanos()), (double) serial.estimatedNanos() / widestWeft.median(),
                widestWeft.atOnce()));
        t.append("""
                at once: requests in flight at most; conns: distinct connections the server saw in a timed round.
                wall time: median of the timed rounds (rounds: how many, and their range), each run after an \
                untimed one of its own and the connections' warm-up.
                kept: heap after a forced collection plus committed thread stacks, above the JVM's before the run, \
                with half the pages done (in the untimed run); virtual thread stacks live in the heap.
                peak heap: heap used, sampled every 20 ms in the timed rounds; it counts garbage not yet collected, so \
                it mostly says when the collector ran. stacks: peak committed thread stacks (Native Memory Tracking).
                The server and the HTTP client share this JVM and are counted in every row.
                """);
        return t.toString();
    }

    private static PhaseResult find(List<PhaseResult> phases, String approach, int level) {
        return phases.stream().filter(p -> p.approach().equals(approach) && p.atOnce() == level).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + approach + " at " + level + " at a time"));
    }

    /** Medians closer than this ratio are called the same: a shared 2-core machine moves them more than that. */
    static final double SAME_WITHIN = 1.10;

    /**
     * The verdict on two approaches' timed rounds: "within 10% of each other" when their medians are closer than
     * {@link #SAME_WITHIN}; else which is faster by the medians, and whether the rounds' ranges are apart or overlap;
     * with a single round either way, says there is no spread to judge by.
     */
    static String compare(String aName, PhaseResult a, String bName, PhaseResult b) {
        String ranges = String.format(Locale.ROOT, "%s %s, %s %s", aName, range(a), bName, range(b));
        boolean aFaster = a.median() < b.median();
        double ratio = aFaster ? (double) b.median() / a.median() : (double) a.median() / b.median();
        String faster = aFaster ? aName : bName;
        if (a.wallNanos().size() < 2 || b.wallNanos().size() < 2) {
            return String.format(Locale.ROOT, "%s %.2fx faster in one round each, no spread to judge by (%s)",
                    faster, ratio, ranges);
        }
        if (ratio < SAME_WITHIN) {
            return String.format(Locale.ROOT, "within %.0f%% of each other, the same here (%s %.0f%% faster by the "
                    + "medians; %s)", (SAME_WITHIN - 1) * 100, faster, (ratio - 1) * 100, ranges);
        }
        boolean overlap = a.fastest() <= b.slowest() && b.fastest() <= a.slowest();
        return String.format(Locale.ROOT, "%s %.2fx faster by the medians, %s (%s)", faster, ratio,
                overlap ? "but the rounds' ranges overlap" : "the ranges apart", ranges);
    }

    private static String range(PhaseResult p) {
        return String.format(Locale.ROOT, "%.2f-%.2f s", p.fastest() / 1e9, p.slowest() / 1e9);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    /** Counts finished pages and runs {@code atHalf}, if any, once at half way, on the thread of that page. */
    private static final class Progress {
        private final int total;
        private final Runnable atHalf;
        private final AtomicInteger done = new AtomicInteger();

        Progress(int total, Runnable atHalf) {
            this.total = total;
            this.atHalf = atHalf;
        }

        void done() {
            if (done.incrementAndGet() == Math.max(1, total / 2) && atHalf != null) {
                atHalf.run();
            }
        }
    }
}
