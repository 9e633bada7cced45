package dev.weft.bench;

import dev.weft.scope.Scope;
import dev.weft.scope.Task;
import dev.weft.tube.Depends;
import dev.weft.tube.InputSpec;
import dev.weft.tube.NodeRegistry;
import dev.weft.tube.NodeSpec;
import dev.weft.tube.NodeType;
import dev.weft.tube.Runners;
import dev.weft.tube.Tube;
import dev.weft.tube.TubeObserver;
import dev.weft.tube.TubeRunner;
import dev.weft.tube.TubeSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Tubes (issue 15): what a runner costs per node run, how many epochs per second it runs, and how an epoch's time
 * grows with the tube. Every benchmark is AverageTime in µs per <em>epoch</em> (for {@code run(1000)}, per epoch
 * too: {@code @OperationsPerInvocation}); per node run and per second figures are derived from these.
 *
 * <p>Per node run ({@link PerNode}: {@code chain} or {@code fan} of {@code nodes} trivial nodes, each {@link #INC},
 * {@code x -> x + 1}, fed by a process input {@code x = 0}; a chain's node i reads node i - 1, a fan's nodes all read
 * the input; the return node gives the chain's last value or the fan's list):
 * <ul>
 *   <li>{@code concurrentRunner} / {@code syncRunner}: one {@code process} of the tube;</li>
 *   <li>{@code weftScope}: the same bodies forked by hand in one {@link Scope#open()}, the caller its owner: a chain
 *       forks node i once node i - 1 has handed its value to the owner (a {@link CompletableFuture}; structured
 *       concurrency has no join per task), a fan forks all then joins;</li>
 *   <li>{@code weftScopeInTask}: the same, forked as one task of an outer scope, so the owner of the node tasks is a
 *       virtual thread, as the concurrent runner's epoch owner is;</li>
 *   <li>{@code plainLoop}: the bodies called one after another on the caller: the floor.</li>
 * </ul>
 *
 * <p>Epochs per second: {@link Basic} (count source, multiply by 2, return; {@code run(1000)}) and {@link MapOf1000}
 * (100 nodes: a source of a 1,000-element list, a map, 8 chains of 12 nodes and a sum per sub-epoch, a gather
 * collapsing them into the return value; {@value #MAP_RUNS} node runs per epoch). Growth: {@link Growth}, chains of 10 to 300 nodes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--enable-preview"})
public class TubeBenchmark {
    /** The trivial node body every contender runs. */
    static final NodeType.Fn1<Number, Long> INC = x -> x.longValue() + 1;

    static final int MAP_ITEMS = 1000;
    static final int MAP_CHAINS = 8;
    static final int MAP_DEPTH = 12;
    /** Node runs per epoch of {@link MapOf1000}: source, map, and per item the chains, the sum and the gather. */
    static final int MAP_RUNS = 2 + MAP_ITEMS * (MAP_CHAINS * MAP_DEPTH + 2);

    private static final List<Long> ITEMS = LongStream.range(0, MAP_ITEMS).boxed().toList();

    static final NodeRegistry REGISTRY = NodeRegistry.builder()
            .register("inc", NodeType.function("value", INC))
            .register("count_source", NodeType.source(p -> LongStream.iterate(0, i -> i + 1).iterator()))
            .register("multiply", NodeType.function("left", (Number l) -> l.longValue() * 2))
            .register("items", NodeType.source(p -> Stream.generate(() -> ITEMS).iterator()))
            .register("sum", NodeType.function(a -> {
                long s = 0;
                for (Object o : a.positional()) {
                    s += ((Number) o).longValue();
                }
                return s;
            }))
            .build();

    private static final Map<String, Object> X0 = Map.of("x", 0L);

    /** A chain ({@code n_i} reads {@code n_i-1}) or a fan (every {@code n_i} reads the input) of {@code n} incs. */
    static Tube trivial(String shape, int n) {
        TubeSpec spec = Tube.builder(shape + n).withInput("x", InputSpec.of(InputSpec.Scope.PROCESS));
        String[] last = new String[n];
        for (int i = 0; i < n; i++) {
            String from = shape.equals("chain") && i > 0 ? "n" + (i - 1) + ".value" : "input.x";
            spec = spec.withNode("n" + i, NodeSpec.of("inc").withNamedDepends("value", from));
            last[i] = "n" + i + ".value";
        }
        Depends ret = shape.equals("chain") ? Depends.scalar(last[n - 1]) : Depends.list(last);
        return spec.withNode("out", NodeSpec.of("return").withDepends(ret)).build(REGISTRY);
    }

    /** What one epoch of {@link #trivial} returns. */
    static Object expected(String shape, int n) {
        return shape.equals("chain") ? (Object) (long) n : Collections.nCopies(n, 1L);
    }

    static Object loop(boolean chain, int n) throws Exception {
        if (chain) {
            Long x = 0L;
            for (int i = 0; i < n; i++) {
                x = INC.apply(x);
            }
            return x;
        }
        List<Long> out = new ArrayList<>(n);
        Long x = 0L;
        for (int i = 0; i < n; i++) {
            out.add(INC.apply(x));
        }
        return out;
    }

    /** The node bodies forked by hand in one scope whose owner is the calling thread. */
    static Object scope(boolean chain, int n) throws Exception {
        try (var scope = Scope.open()) {
            if (chain) {
                Long x = 0L;
                for (int i = 0; i < n; i++) {
                    CompletableFuture<Long> handoff = new CompletableFuture<>();
                    Long in = x;
                    scope.fork(() -> handoff.complete(INC.apply(in)));
                    x = handoff.join();
                }
                scope.join();
                return x;
            }
            List<Task<Long>> tasks = new ArrayList<>(n);
            Long x = 0L;
            for (int i = 0; i < n; i++) {
                tasks.add(scope.fork(() -> INC.apply(x)));
            }
            scope.join();
            List<Long> out = new ArrayList<>(n);
            for (Task<Long> t : tasks) {
                out.add(t.get());
            }
            return out;
        }
    }

    /** {@link #scope} forked as the one task of an outer scope: the node tasks' owner is a virtual thread. */
    static Object scopeInTask(boolean chain, int n) throws Exception {
        try (var outer = Scope.open()) {
            Task<Object> epoch = outer.fork(() -> scope(chain, n));
            outer.join();
            return epoch.get();
        }
    }

    static void check(String what, Object got, Object want) {
        if (!want.equals(got)) {
            throw new IllegalStateException(what + " gave " + got + ", expected " + want);
        }
    }

    /** Per node run: a chain or fan of {@code nodes} trivial nodes. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class PerNode {
        @Param({"chain", "fan"})
        public String shape;
        @Param({"10", "100"})
        public int nodes;
        boolean chain;
        TubeRunner concurrent;
        TubeRunner sync;

        @Setup(Level.Trial)
        public void open() throws Exception {
            chain = shape.equals("chain");
            Tube t = trivial(shape, nodes);
            concurrent = Runners.concurrent(t);
            sync = Runners.sync(t);
            Object want = expected(shape, nodes);
            check("concurrent runner", concurrent.process(X0), want);
            check("sync runner", sync.process(X0), want);
            check("scope", scope(chain, nodes), want);
            check("scope in a task", scopeInTask(chain, nodes), want);
            check("loop", loop(chain, nodes), want);
        }

        @TearDown(Level.Trial)
        public void close() {
            concurrent.close();
            sync.close();
        }
    }

    @Benchmark
    public Object concurrentRunner(PerNode s) {
        return s.concurrent.process(X0);
    }

    @Benchmark
    public Object syncRunner(PerNode s) {
        return s.sync.process(X0);
    }

    @Benchmark
    public Object weftScope(PerNode s) throws Exception {
        return scope(s.chain, s.nodes);
    }

    @Benchmark
    public Object weftScopeInTask(PerNode s) throws Exception {
        return scopeInTask(s.chain, s.nodes);
    }

    @Benchmark
    public Object plainLoop(PerNode s) throws Exception {
        return loop(s.chain, s.nodes);
    }

    /** Growth: chains of 10 to 300 trivial nodes. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Growth {
        @Param({"10", "30", "100", "300"})
        public int nodes;
        TubeRunner concurrent;
        TubeRunner sync;

        @Setup(Level.Trial)
        public void open() {
            Tube t = trivial("chain", nodes);
            concurrent = Runners.concurrent(t);
            sync = Runners.sync(t);
            check("concurrent runner", concurrent.process(X0), (long) nodes);
            check("sync runner", sync.process(X0), (long) nodes);
        }

        @TearDown(Level.Trial)
        public void close() {
            concurrent.close();
            sync.close();
        }
    }

    @Benchmark
    public Object growthConcurrent(Growth s) {
        return s.concurrent.process(X0);
    }

    @Benchmark
    public Object growthSync(Growth s) {
        return s.sync.process(X0);
    }

    /** The basic tube: count source, multiply by 2, return. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Basic {
        TubeRunner concurrent;
        TubeRunner sync;

        @Setup(Level.Trial)
        public void open() {
            Tube t = Tube.builder("basic")
                    .withNode("a", NodeSpec.of("count_source"))
                    .withNode("b", NodeSpec.of("multiply").withNamedDepends("left", "a.value"))
                    .withNode("c", NodeSpec.of("return").withDepends("b.value"))
                    .build(REGISTRY);
            concurrent = Runners.concurrent(t);
            sync = Runners.sync(t);
            check("concurrent runner", concurrent.run(3), List.of(0L, 2L, 4L));
            check("sync runner", sync.run(3), List.of(0L, 2L, 4L));
        }

        @TearDown(Level.Trial)
        public void close() {
            concurrent.close();
            sync.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(1000)
    public Object basicConcurrent(Basic s) {
        return s.concurrent.run(1000);
    }

    @Benchmark
    @OperationsPerInvocation(1000)
    public Object basicSync(Basic s) {
        return s.sync.run(1000);
    }

    /** 100 nodes, a map of 1,000: 98,002 node runs per epoch. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class MapOf1000 {
        TubeRunner concurrent;
        TubeRunner sync;

        @Setup(Level.Trial)
        public void open() {
            Tube t = mapTube();
            AtomicLong runs = new AtomicLong();
            TubeObserver count = new TubeObserver() {
                @Override
                public void nodeRan(String tubeId, String nodeId, dev.weft.tube.Epoch epoch, Duration time,
                        boolean failed) {
                    runs.incrementAndGet();
                }
            };
            // item i goes through 8 chains of 12 incs: the sum is 8 (i + 12)
            List<Long> want = LongStream.range(0, MAP_ITEMS).mapToObj(i -> MAP_CHAINS * (i + MAP_DEPTH)).toList();
            try (TubeRunner counted = Runners.concurrent(t, Runners.Options.defaults().withObserver(count))) {
                check("map tube", counted.process(), want);
            }
            check("node runs of the map tube", runs.get(), (long) MAP_RUNS);
            concurrent = Runners.concurrent(t);
            sync = Runners.sync(t);
            check("concurrent runner", concurrent.process(), want);
            check("sync runner", sync.process(), want);
        }

        @TearDown(Level.Trial)
        public void close() {
            concurrent.close();
            sync.close();
        }
    }

    /** The 100-node tube: source, map, {@value #MAP_CHAINS} chains of {@value #MAP_DEPTH}, sum, gather (+ return). */
    static Tube mapTube() {
        TubeSpec spec = Tube.builder("map1000")
                .withNode("src", NodeSpec.of("items"))
                .withNode("map", NodeSpec.of("map").withNamedDepends("value", "src.value"));
        String[] ends = new String[MAP_CHAINS];
        for (int c = 0; c < MAP_CHAINS; c++) {
            for (int d = 0; d < MAP_DEPTH; d++) {
                String from = d == 0 ? "map.value" : "c" + c + "_" + (d - 1) + ".value";
                spec = spec.withNode("c" + c + "_" + d, NodeSpec.of("inc").withNamedDepends("value", from));
            }
            ends[c] = "c" + c + "_" + (MAP_DEPTH - 1) + ".value";
        }
        return spec.withNode("sum", NodeSpec.of("sum").withDepends(Depends.list(ends)))
                .withNode("gather", NodeSpec.of("gather").withNamedDepends("value", "sum.value", "n", "map.n"))
                .withNode("out", NodeSpec.of("return").withDepends("gather.value"))
                .build(REGISTRY);
    }

    @Benchmark
    public Object mapOf1000Concurrent(MapOf1000 s) {
        return s.concurrent.process();
    }

    @Benchmark
    public Object mapOf1000Sync(MapOf1000 s) {
        return s.sync.process();
    }
}
