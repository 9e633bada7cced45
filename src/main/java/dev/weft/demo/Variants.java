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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The downloader report's variants, in seed 001's order: in series; a fixed {@link ThreadPoolExecutor} of 2 × cores
 * and of 200 threads; worker JVM processes; async callbacks on {@link HttpClient#sendAsync}; Weft events with a
 * director keeping every request's state; a Weft scope on virtual threads in blocking style; the Weft data flow
 * fetch → parse → store, checking each stored result's lineage. Each one fetches pages {@code 0..n-1}, parses each
 * and stores its counts, and counts what arrived and which failures reached it.
 */
final class Variants {
    private final PageServer server;
    private final MemoryProbe probe;
    private final DownloaderReport.Options options;
    private final int cores = Runtime.getRuntime().availableProcessors();

    /**
     * One way of downloading.
     *
     * @param id          the identifier in the CSV and plots
     * @param concurrency how many pages it fetches at once when bounded (its cap is {@code cap × concurrency}), or 0
     *                    when it is not capped
     */
    record Variant(String id, int concurrency) {
    }

    /** What a run counted, and why each failed page failed. */
    private record Counts(int measured, int ok, int failed, FailureCauses causes) {
    }

    Variants(PageServer server, MemoryProbe probe, DownloaderReport.Options options) {
        this.server = server;
        this.probe = probe;
        this.options = options;
    }

    /** The variants in the seed's order. */
    List<Variant> all() {
        return List.of(new Variant("serial", 1), new Variant("thread-pool-2xcores", 2 * cores),
                new Variant("thread-pool-200", 200), new Variant("process-pool", options.workers()),
                new Variant("async-callbacks", 0), new Variant("weft-events", 0), new Variant("weft-scope", 0),
                new Variant("weft-dataflow", 0));
    }

    /**
     * Warms up the server, the HTTP client and the parse step (JIT compilation, the first connections), so the first
     * variant measured does not pay for them: fetches a few pages in series and a few in a scope, measuring nothing.
     */
    void warmUp() throws InterruptedException {
        ExecutorService clientThreads = Executors.newVirtualThreadPerTaskExecutor();
        try (ReportProgress none = ReportProgress.create("warm-up", 1, false);
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                     .executor(clientThreads).connectTimeout(Duration.ofSeconds(30)).build()) {
            serial(client, 5, none);
            scope(client, 20, none);
        } finally {
            clientThreads.close();
            server.awaitNoConnections(Duration.ofSeconds(10));
        }
    }

    /**
     * Runs {@code v} for {@code n} pages (fewer when capped) with one HTTP client, three times: an untimed warm-up
     * that opens the variant's connections (both sides keep them alive) and compiles its code; the timed run, sampled
     * for peaks, which so includes no connection set-up; and the memory run, which when half its pages are done
     * collects garbage and reads heap used and committed thread stacks above those before it (its connections are
     * already open then, so they are not counted: the connections column says how many it holds) plus the worker
     * processes' resident sets. The process pool skips the warm-up: its connections are its workers', new in every
     * run. The row's counts, failure causes and connections are the timed run's. Afterwards it waits for the server
     * to close its ends of the client's connections, so the next variant starts clean.
     */
    DownloaderReport.Row run(Variant v, int n) throws IOException, InterruptedException {
        int measured = v.concurrency() == 0 ? n : (int) Math.min(n, (long) options.cap() * v.concurrency());
        ExecutorService clientThreads = Executors.newVirtualThreadPerTaskExecutor();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(clientThreads).connectTimeout(Duration.ofSeconds(30)).build()) {
            if (!v.id().equals("process-pool")) {
                try (ReportProgress bar = ReportProgress.create(v.id() + " " + n + " (warm-up)", measured,
                        options.progress())) {
                    variant(v, client, measured, bar);
                }
            }
            DownloaderReport.Row row;
            try (ReportProgress progress = ReportProgress.create(v.id() + " " + n, measured, options.progress())) {
                server.resetConnections();
                probe.begin();
                long start = System.nanoTime();
                Counts c = variant(v, client, measured, progress);
                long wall = System.nanoTime() - start;
                MemoryProbe.Peaks peaks = probe.end();
                long estimated = measured == n ? wall : (long) ((double) wall * n / measured);
                row = new DownloaderReport.Row(v.id(), n, c.measured(), wall, estimated, peaks.heap(),
                        peaks.stacks(), peaks.children(), peaks.total(), -1, server.connections(), c.ok(),
                        c.failed(), Pages.expectedFailures(measured, options.errorRate()), c.causes().counts());
            }
            try (ReportProgress bar = ReportProgress.create(v.id() + " " + n + " (memory)", measured,
                    options.progress())) {
                probe.begin();
                variant(v, client, measured, ReportProgress.withCheckpoint(bar, Math.max(1, measured / 2),
                        probe::checkpoint));
                long kept = probe.end().kept();
                return new DownloaderReport.Row(row.variant(), row.requests(), row.measured(), row.measuredNanos(),
                        row.wallNanos(), row.heap(), row.stacks(), row.children(), row.total(), kept,
                        row.connections(), row.ok(), row.failedReported(), row.expectedFailures(),
                        row.failureCauses());
            }
        } finally {
            clientThreads.close();
            // the next variant starts with no connection of this one left open at the server's end
            server.awaitNoConnections(Duration.ofSeconds(10));
        }
    }

    private Counts variant(Variant v, HttpClient client, int measured, ReportProgress progress)
            throws IOException, InterruptedException {
        return switch (v.id()) {
            case "serial" -> serial(client, measured, progress);
            case "thread-pool-2xcores", "thread-pool-200" -> pool(client, measured, v.concurrency(), progress);
            case "process-pool" -> processes(measured, v.concurrency(), progress);
            case "async-callbacks" -> async(client, measured, progress);
            case "weft-events" -> events(client, measured, progress);
            case "weft-scope" -> scope(client, measured, progress);
            case "weft-dataflow" -> dataflow(client, measured, progress);
            default -> throw new IllegalStateException("unknown variant " + v.id());
        };
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
    private Counts async(HttpClient client, int n, ReportProgress progress) throws InterruptedException {
        Semaphore inFlight = new Semaphore(options.maxInFlight());
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
                            throw new java.util.concurrent.CompletionException(e);
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
    private Counts events(HttpClient client, int n, ReportProgress progress) throws InterruptedException {
        Director director = new Director(n, progress);
        FailureCauses causes = new FailureCauses();
        try (var scope = Scope.open(ScopeOptions.named("events").withMaxConcurrency(options.maxInFlight()))) {
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
    private Counts scope(HttpClient client, int n, ReportProgress progress) throws InterruptedException {
        List<Outcome<Pages.Parsed>> outcomes;
        try (var scope = Scope.<Pages.Parsed>settle(ScopeOptions.named("downloader")
                .withMaxConcurrency(options.maxInFlight()))) {
            for (int i = 0; i < n; i++) {
                int page = i;
                scope.fork("page-" + page, () -> {
                    try {
                        return DownloadWorker.Fetch.fetchAndParse(client, base(), page);
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
    private Counts dataflow(HttpClient client, int n, ReportProgress progress) {
        Map<Integer, Pages.Parsed> store = new ConcurrentHashMap<>();
        DataFlow flow = flow(client, base(), store);
        Map<String, List<Input>> contexts = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            contexts.put(Integer.toString(i), List.of(Input.of(i, PAGE)));
        }
        AtomicInteger ok = new AtomicInteger(), failed = new AtomicInteger();
        FailureCauses causes = new FailureCauses();
        Orchestrator.of(Orchestrator.Options.defaults().withStrict(false).withKeepInputs(true)
                .withMaxContexts(options.maxInFlight())).run(flow, contexts, r -> {
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
