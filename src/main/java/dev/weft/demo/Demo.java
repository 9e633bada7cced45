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
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seed 001's concurrent downloader: fetches {@code N} pages from an embedded HTTP server three ways (in series, on
 * a fixed pool of platform threads, and in a Weft scope with one virtual thread per page) and prints a table of wall
 * time and peak memory (heap used plus committed thread stacks, sampled every 20 ms) for each.
 *
 * <p>Run it with {@code ./weft demo [--requests N] [--delay-ms N]}; the launcher turns on Native Memory Tracking,
 * without which the stacks column reads {@code n/a}. The server runs in the same JVM, so its own (virtual) threads
 * and buffers are part of every measurement alike.
 */
public final class Demo {
    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
    /** Size of every page body in bytes. */
    static final int PAGE_BYTES = 4096;
    private static final String USAGE = "usage: ./weft demo [--requests N] [--delay-ms N]\n"
            + "  --requests N   pages to download, 1..1000000 (default 1000)\n"
            + "  --delay-ms N   server delay per page in milliseconds, 0..60000 (default 50)";

    private Demo() {
    }

    /**
     * The demo's settings.
     *
     * @param requests   pages to download in each approach
     * @param delayMs    the server's artificial delay per page
     * @param serialCap  at most this many pages are fetched in series; the rest is estimated linearly
     * @param poolSize   threads in the fixed platform pool
     */
    public record Options(int requests, int delayMs, int serialCap, int poolSize) {
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
        }

        /** 1000 requests, 50 ms delay, 50 serial requests, a pool of 64. */
        public static Options defaults() {
            return new Options(1000, 50, 50, 64);
        }

        /**
         * Parses {@code --requests N} and {@code --delay-ms N} over the defaults.
         *
         * @throws IllegalArgumentException for an unknown option, a missing or non-numeric value, or one out of range
         */
        public static Options parse(String... args) {
            Options o = defaults();
            int requests = o.requests, delayMs = o.delayMs;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--requests", "--delay-ms" -> {
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
                        if (arg.equals("--requests")) {
                            requests = n;
                        } else {
                            delayMs = n;
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
                }
            }
            return new Options(requests, delayMs, o.serialCap, o.poolSize);
        }
    }

    /**
     * What one approach did and used.
     *
     * @param approach   its name, as in the table
     * @param threads    the threads it ran the downloads on, in words
     * @param attempted  pages it tried to fetch
     * @param ok         pages that arrived whole (status 200, the full body for that page)
     * @param wallNanos  measured wall time
     * @param estimatedNanos wall time for all pages: measured, or extrapolated for the capped serial run
     * @param peakHeap   peak heap used, in bytes
     * @param peakStacks peak committed thread-stack memory in bytes, or -1 without Native Memory Tracking
     * @param peakTotal  peak of heap used plus stacks, taken from the same sample
     */
    public record PhaseResult(String approach, String threads, int attempted, int ok, long wallNanos,
                              long estimatedNanos, long peakHeap, long peakStacks, long peakTotal) {
        /** Whether every attempted page arrived. */
        public boolean complete() {
            return ok == attempted;
        }

        /** Whether the wall time for all pages was extrapolated from fewer. */
        public boolean estimated() {
            return estimatedNanos != wallNanos;
        }
    }

    /**
     * The demo's outcome.
     *
     * @param phases serial, pool, Weft scope and Weft data flow, in that order
     * @param table  the printed table and ratios
     * @param dump   what {@link Scope#dump()} returned half way through the Weft run, or {@code null} if it never ran
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
            System.err.println("demo: FAILED, some pages were lost (see the ok column)");
            System.exit(1);
        }
    }

    /**
     * Runs the three approaches against a fresh embedded server and prints progress, the half-way scope dump, the
     * table and the ratios to {@code out}.
     *
     * @throws IOException          if the server cannot start
     * @throws InterruptedException if the calling thread is interrupted
     */
    public static Result run(Options options, PrintStream out) throws IOException, InterruptedException {
        PageServer server = new PageServer(options.delayMs(), page -> false, Demo::pageBody,
                "text/plain; charset=utf-8");
        MemorySampler sampler = new MemorySampler();
        // The client's own async work runs on virtual threads too, so its default cached pool of platform threads
        // does not grow with the number of requests in flight and blur the thread counts of the table.
        ExecutorService clientThreads = Executors.newVirtualThreadPerTaskExecutor();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(clientThreads).connectTimeout(Duration.ofSeconds(30)).build()) {
            URI base = server.base();
            Fetcher fetcher = new Fetcher(client, base);
            out.printf("demo: %d pages of %d bytes, server delay %d ms, on http://127.0.0.1:%d%n",
                    options.requests(), PAGE_BYTES, options.delayMs(), server.port());
            if (!sampler.nmtAvailable()) {
                out.println("demo: Native Memory Tracking is off, so stacks: n/a (run via ./weft demo)");
            }
            sampler.start();
            List<PhaseResult> phases = new ArrayList<>();
            phases.add(serial(options, fetcher, sampler, out));
            phases.add(pool(options, fetcher, sampler, out));
            String[] dump = new String[1];
            phases.add(weft(options, fetcher, sampler, out, dump));
            phases.add(dataflow(options, fetcher, sampler, out));
            String table = table(phases, sampler.nmtAvailable());
            out.print(table);
            String lineage = lineageOfPage3(fetcher);
            out.print(lineage);
            out.flush();
            return new Result(List.copyOf(phases), table, dump[0], lineage);
        } finally {
            sampler.stop();
            server.close();
            clientThreads.close();
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

    private static PhaseResult serial(Options options, Fetcher fetcher, MemorySampler sampler, PrintStream out) {
        int attempted = Math.min(options.requests(), options.serialCap());
        Progress progress = new Progress("serial", attempted, out, null);
        int ok = 0;
        sampler.beginPhase();
        long start = System.nanoTime();
        for (int i = 0; i < attempted; i++) {
            try {
                fetcher.fetch(i);
                ok++;
            } catch (IOException e) {
                out.println("  serial: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            progress.done();
        }
        long wall = System.nanoTime() - start;
        long[] peaks = sampler.endPhase();
        long estimated = attempted == options.requests() ? wall : wall * options.requests() / attempted;
        return new PhaseResult(attempted < options.requests() ? "serial (estimated from " + attempted + ")"
                : "serial", "1 platform", attempted, ok, wall, estimated, peaks[0], peaks[1], peaks[2]);
    }

    private static PhaseResult pool(Options options, Fetcher fetcher, MemorySampler sampler, PrintStream out)
            throws InterruptedException {
        int n = options.requests();
        Progress progress = new Progress("pool", n, out, null);
        sampler.beginPhase();
        long start = System.nanoTime();
        int ok = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(options.poolSize())) {
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
            for (Future<Integer> f : futures) {
                try {
                    f.get();
                    ok++;
                } catch (ExecutionException e) {
                    out.println("  pool: " + e.getCause().getMessage());
                }
            }
        }
        long wall = System.nanoTime() - start;
        long[] peaks = sampler.endPhase();
        return new PhaseResult("platform pool of " + options.poolSize(), options.poolSize() + " platform", n, ok,
                wall, wall, peaks[0], peaks[1], peaks[2]);
    }

    private static PhaseResult weft(Options options, Fetcher fetcher, MemorySampler sampler, PrintStream out,
                                    String[] dumpOut) throws InterruptedException {
        int n = options.requests();
        CompletableFuture<String> dumped = new CompletableFuture<>();
        // At half way a separate virtual thread takes the dump while the page tasks run.
        Progress progress = new Progress("weft", n, out, () -> Thread.ofVirtual().name("weft-demo-dump").start(() -> {
            try {
                String dump = Scope.dump();
                out.print("--- Scope.dump() with " + (n / 2) + " of " + n + " pages done ---\n" + dump
                        + "--- end of dump ---\n");
                dumped.complete(dump);
            } catch (Throwable t) {
                dumped.completeExceptionally(t);
            }
        }));
        AtomicInteger ok = new AtomicInteger();
        sampler.beginPhase();
        long start = System.nanoTime();
        try (var scope = Scope.open(ScopeOptions.named("demo"))) {
            scope.fork("download", () -> {
                try (var pages = Scope.open()) {
                    for (int i = 0; i < n; i++) {
                        int page = i;
                        pages.fork("page-" + page, () -> {
                            int bytes = fetcher.fetch(page);
                            if (page == 3) {
                                LOG.info("fetched page {} ({} bytes)", page, bytes);
                            }
                            ok.incrementAndGet();
                            progress.done();
                            return bytes;
                        });
                    }
                    pages.join();
                }
                // Keep the scope tree alive until the half-way dump has been taken.
                dumped.join();
                return null;
            });
            scope.join();
        } catch (RuntimeException e) {
            out.println("  weft: " + e);
        }
        long wall = System.nanoTime() - start;
        long[] peaks = sampler.endPhase();
        dumpOut[0] = dumped.getNow(null);
        return new PhaseResult("Weft scope, virtual threads", n + " virtual", n, ok.get(), wall, wall,
                peaks[0], peaks[1], peaks[2]);
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

    private static PhaseResult dataflow(Options options, Fetcher fetcher, MemorySampler sampler, PrintStream out) {
        int n = options.requests();
        Progress progress = new Progress("flow", n, out, null);
        java.util.Map<Integer, Integer> store = new java.util.concurrent.ConcurrentHashMap<>();
        DataFlow flow = downloaderFlow(fetcher, store);
        java.util.Map<String, List<Input>> contexts = new java.util.LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            contexts.put("page-" + i, List.of(Input.of(i, PAGE)));
        }
        sampler.beginPhase();
        long start = System.nanoTime();
        try {
            Orchestrator.withDefaults().run(flow, contexts, r -> progress.done());
        } catch (RuntimeException e) {
            out.println("  flow: " + e);
        }
        long wall = System.nanoTime() - start;
        long[] peaks = sampler.endPhase();
        return new PhaseResult("Weft data flow", n + " contexts", n, store.size(), wall, wall,
                peaks[0], peaks[1], peaks[2]);
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

    private static String table(List<PhaseResult> phases, boolean nmt) {
        StringBuilder t = new StringBuilder();
        String row = "%-30s | %-12s | %-10s | %-10s | %-11s | %-10s | %s%n";
        t.append('\n').append(String.format(Locale.ROOT, row, "approach", "threads", "wall time", "peak heap",
                "peak stacks", "peak total", "pages ok"));
        t.append("-".repeat(30)).append("-+-").append("-".repeat(12)).append("-+-").append("-".repeat(10))
                .append("-+-").append("-".repeat(10)).append("-+-").append("-".repeat(11)).append("-+-")
                .append("-".repeat(10)).append("-+-").append("-".repeat(9)).append('\n');
        for (PhaseResult p : phases) {
            t.append(String.format(Locale.ROOT, row, p.approach(), p.threads(), seconds(p.estimatedNanos()),
                    mib(p.peakHeap()), nmt ? mib(p.peakStacks()) : "n/a", mib(p.peakTotal()),
                    p.ok() + "/" + p.attempted() + (p.complete() ? "" : " LOST")));
        }
        PhaseResult serial = phases.get(0), pool = phases.get(1), weft = phases.get(2);
        t.append('\n');
        t.append(String.format(Locale.ROOT, "wall time ratios: pool/Weft %.1fx, serial%s/Weft %.1fx%s%n",
                (double) pool.estimatedNanos() / weft.estimatedNanos(), serial.estimated() ? " estimate" : "",
                (double) serial.estimatedNanos() / weft.estimatedNanos(), phases.size() > 3
                        ? String.format(Locale.ROOT, ", data flow/Weft scope %.2fx",
                        (double) phases.get(3).estimatedNanos() / weft.estimatedNanos()) : ""));
        t.append(String.format(Locale.ROOT, "peak total memory ratios: pool/Weft %.2fx, serial/Weft %.2fx%n",
                (double) pool.peakTotal() / weft.peakTotal(), (double) serial.peakTotal() / weft.peakTotal()));
        if (!nmt) {
            t.append("stacks: n/a (run via ./weft demo); peak total is heap only\n");
        }
        t.append("memory = heap used + committed thread stacks (Native Memory Tracking), sampled every 20 ms; "
                + "virtual thread stacks live in the heap.\n"
                + "heap used counts garbage not yet collected; the server and the HTTP client's buffers share the JVM "
                + "and are counted in every row.\n");
        return t.toString();
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    /** Counts finished pages, prints a line every 10 %, and runs {@code atHalf} once at half way. */
    private static final class Progress {
        private final String label;
        private final int total;
        private final PrintStream out;
        private final Runnable atHalf;
        private final AtomicInteger done = new AtomicInteger();
        private final long start = System.nanoTime();

        Progress(String label, int total, PrintStream out, Runnable atHalf) {
            this.label = label;
            this.total = total;
            this.out = out;
            this.atHalf = atHalf;
        }

        void done() {
            int n = done.incrementAndGet();
            if ((long) n * 10 / total != (long) (n - 1) * 10 / total) {
                out.printf(Locale.ROOT, "  %-6s %3d%%  %d/%d pages  %.2f s%n", label, (long) n * 100 / total, n,
                        total, (System.nanoTime() - start) / 1e9);
            }
            if (atHalf != null && n == Math.max(1, total / 2)) {
                atHalf.run();
            }
        }
    }

    /**
     * Samples heap used and committed thread stacks every 20 ms on a platform daemon thread and keeps the peaks of
     * the current phase.
     */
    private static final class MemorySampler {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final ObjectName diagnostics;
        private final boolean nmt;
        private final AtomicLong peakHeap = new AtomicLong();
        private final AtomicLong peakStacks = new AtomicLong();
        private final AtomicLong peakTotal = new AtomicLong();
        private volatile boolean running = true;
        private Thread thread;

        MemorySampler() {
            diagnostics = MemoryProbe.diagnosticCommand();
            nmt = diagnostics != null && readStacks() >= 0;
        }

        boolean nmtAvailable() {
            return nmt;
        }

        void start() {
            thread = Thread.ofPlatform().daemon().name("weft-demo-memory-sampler").start(() -> {
                while (running) {
                    sample();
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        void stop() throws InterruptedException {
            running = false;
            if (thread != null) {
                thread.interrupt();
                thread.join();
            }
        }

        /** Collects garbage and starts a phase's peaks afresh. */
        void beginPhase() {
            System.gc();
            peakHeap.set(0);
            peakStacks.set(nmt ? 0 : -1);
            peakTotal.set(0);
            sample();
        }

        /** The phase's peaks: heap, stacks (-1 without NMT), total. */
        long[] endPhase() {
            sample();
            return new long[] {peakHeap.get(), peakStacks.get(), peakTotal.get()};
        }

        private void sample() {
            long heap = memory.getHeapMemoryUsage().getUsed();
            long stacks = nmt ? readStacks() : -1;
            peakHeap.accumulateAndGet(heap, Math::max);
            if (stacks >= 0) {
                peakStacks.accumulateAndGet(stacks, Math::max);
            }
            peakTotal.accumulateAndGet(heap + Math.max(0, stacks), Math::max);
        }

        /** Committed thread-stack bytes from Native Memory Tracking, or -1 when it is off or unreadable. */
        private long readStacks() {
            return MemoryProbe.committedStacks(diagnostics);
        }
    }
}
