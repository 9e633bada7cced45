package dev.weft.tube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.demo.tube.NoobNodes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Runners#cluster} with an in-process fake cluster ({@link FakeHost}: a member per node, values through a
 * byte wire): the same results as the sync runner for the tubes of docs/tubes and noob's deterministic test tubes,
 * with only plain and source nodes hosted; the hosted nodes' lifecycle; failures; stateful order across overlapping
 * epochs; {@code process}, {@code run}, {@code iter} and free-run.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NodeHostTest {
    private static final Path NOOB_TUBES = Path.of("src/test/resources/tubes/noob");
    private static final NodeRegistry NOOB = noob();

    private static NodeRegistry noob() {
        NodeRegistry.Builder b = NodeRegistry.builder();
        new NoobNodes().register(b);
        return b.build().withTube(TubeYaml.read(NOOB_TUBES.resolve("basic/branch.yaml"), id -> Optional.empty()));
    }

    /**
     * Runs {@code n} epochs on the sync runner and on a cluster runner over a fake host (with {@code run(n)}, or with
     * {@code process(input(i))} when inputs are given); returns the host.
     */
    private static FakeHost sameAsSync(Tube tube, int n, IntFunction<Map<String, Object>> input) {
        List<Object> ref;
        try (TubeRunner s = Runners.sync(tube)) {
            ref = epochs(s, n, input);
        }
        FakeHost host = new FakeHost(NOOB, 7, 200);
        try (TubeRunner r = Runners.cluster(tube, host, Runners.Options.defaults().withMaxEpochsInFlight(4))) {
            assertThat(epochs(r, n, input)).as("cluster runner's values of %s", tube.id()).isEqualTo(ref);
        }
        assertThat(ref).as("the sync runner's values").isNotEmpty();
        assertThat(host.problems).isEmpty();
        assertThat(host.allStopped()).as("every member stopped").isTrue();
        for (FakeHost.Member m : host.members) {
            assertThat(m.inits.get()).as("inits of %s", m).isEqualTo(1);
            assertThat(m.deinits.get()).as("deinits of %s", m).isEqualTo(1);
        }
        return host;
    }

    private static List<Object> epochs(TubeRunner r, int n, IntFunction<Map<String, Object>> input) {
        if (input == null) {
            return r.run(n);
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(r.process(input.apply(i)));
        }
        return out;
    }

    static Stream<Arguments> docsTubes() {
        return Stream.of(Arguments.of("basic.yaml", List.of("a", "b")),
                Arguments.of("gather.yaml", List.of("letters", "word")),
                Arguments.of("map.yaml", List.of("words", "loud", "joined")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("docsTubes")
    void theDocsTubesGiveTheSyncRunnersResultsWithOnlyPlainAndSourceNodesHosted(String file, List<String> hosted) {
        FakeHost host = sameAsSync(Tube.read(Path.of("docs/tubes").resolve(file), NOOB), 12, null);
        assertThat(host.hosted()).as("the nodes hosted (map, gather and return stay in the driver)")
                .containsExactlyElementsOf(hosted);
        for (FakeHost.Member m : host.members) {
            assertThat(m.runs.get()).as("runs of %s on its member", m).isPositive();
            assertThat(m.lifecycleThreads).as("where %s was initialised and deinitialised", m)
                    .allMatch(t -> t.startsWith("member weft-"));
        }
    }

    /** noob's test tubes without assets, sleeps or two maps (their random word sources seeded). */
    static Stream<String> noobTubes() {
        return Stream.of("basic/basic.yaml", "basic/branch.yaml", "basic/gather_n.yaml",
                "basic/gather_dependent.yaml", "basic/merge.yaml", "basic/mixed_slot.yaml", "map/map_basic.yaml",
                "map/map_depends.yaml", "map/map_gather.yaml", "map/map_nested.yaml",
                "recursive/recursive_signals.yaml", "special/stateful.yaml", "special/stateless.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("noobTubes")
    void noobsTestTubesGiveTheSyncRunnersResults(String file) {
        TubeSpec spec = TubeYaml.read(NOOB_TUBES.resolve(file), NOOB::tube);
        for (Map.Entry<String, NodeSpec> e : spec.nodes().entrySet()) {
            if (e.getValue().type().contains("word")) {
                spec = spec.withNode(e.getKey(), e.getValue().withParam("seed", 15L));
            }
        }
        // the special/ tubes take a process-scoped input
        IntFunction<Map<String, Object>> input = file.startsWith("special/") ? i -> Map.of("multiply", i + 1L)
                : null;
        FakeHost host = sameAsSync(Tube.of(spec, NOOB), 10, input);
        assertThat(host.hosted()).as("hosted nodes of %s", file).doesNotContain("map", "gather", "return")
                .isNotEmpty();
    }

    /** A tube: source {@code a} (three values, or counting), {@code b} doubling it, returned. */
    private static Tube finite(NodeRegistry registry) {
        return Tube.builder("finite")
                .withNode("a", NodeSpec.of("three"))
                .withNode("b", NodeSpec.of("multiply").withDepends(Depends.named("left", "a.value")))
                .withNode("return", NodeSpec.of("return").withDepends(Depends.scalar("b.value")))
                .build(registry);
    }

    private static NodeRegistry kit(NodeRegistry.Builder more) {
        return more.registerAll(TubeKit.registry())
                .register("three", NodeType.source(p -> List.of(1L, 2L, 3L).iterator()))
                .build();
    }

    @Test
    void processRunIterAndFreeRunWorkAndARemoteSourceRunningOutEndsTheRun() throws Exception {
        NodeRegistry reg = kit(NodeRegistry.builder());
        Tube tube = finite(reg);
        try (TubeRunner r = Runners.cluster(tube, new FakeHost(reg))) {
            assertThat(r.process()).isEqualTo(2L);
            assertThat(r.process()).isEqualTo(4L);
            assertThat(r.process()).isEqualTo(6L);
            assertThatThrownBy(r::process).isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("source 'a' is exhausted");
        }
        try (TubeRunner r = Runners.cluster(tube, new FakeHost(reg))) {
            assertThat(r.run(10)).containsExactly(2L, 4L, 6L);
        }
        try (TubeRunner r = Runners.cluster(tube, new FakeHost(reg))) {
            List<Object> out = new ArrayList<>();
            r.iter(5).forEachRemaining(out::add);
            assertThat(out).containsExactly(2L, 4L, 6L);
        }
        List<Object> seen = new CopyOnWriteArrayList<>();
        FakeHost host = new FakeHost(reg);
        try (TubeRunner r = Runners.cluster(tube, host)) {
            r.addCallback(e -> {
                if (e instanceof Event ev && ev.nodeId().equals("b")) {
                    seen.add(ev.value());
                }
            });
            r.run();
            r.join();
        }
        assertThat(seen).containsExactlyInAnyOrder(2L, 4L, 6L);
        assertThat(host.allStopped()).isTrue();
    }

    @Test
    void theLocalHostRunsAsTheConcurrentRunnerDoes() {
        Tube tube = Tube.read(Path.of("docs/tubes/map.yaml"), NOOB);
        try (TubeRunner s = Runners.sync(tube); TubeRunner r = Runners.cluster(tube, NodeHost.local())) {
            assertThat(r.run(6)).isEqualTo(s.run(6));
        }
    }

    @Test
    void initAndDeinitReachTheHostsNodesAlsoWhenANodeIsDisabledAndEnabled() {
        AtomicInteger inits = new AtomicInteger();
        AtomicInteger deinits = new AtomicInteger();
        List<String> threads = new CopyOnWriteArrayList<>();
        NodeRegistry reg = kit(NodeRegistry.builder().register("life", NodeType.node(p -> new Node() {
            @Override
            public void init() {
                inits.incrementAndGet();
                threads.add(Thread.currentThread().getName());
            }

            @Override
            public Object process(Args args) {
                return args.get("value");
            }

            @Override
            public void deinit() {
                deinits.incrementAndGet();
                threads.add(Thread.currentThread().getName());
            }
        })));
        Tube tube = Tube.builder("life")
                .withNode("a", NodeSpec.of("count_source"))
                .withNode("l", NodeSpec.of("life").withDepends(Depends.named("value", "a.index")))
                .withNode("return", NodeSpec.of("return").withDepends(Depends.scalar("l.value")))
                .build(reg);
        FakeHost host = new FakeHost(reg);
        try (TubeRunner r = Runners.cluster(tube, host)) {
            assertThat(inits.get()).as("nothing is made before the runner opens").isZero();
            assertThat(r.process()).isEqualTo(0L);
            assertThat(inits.get()).isEqualTo(1);
            r.disable("l");
            assertThat(deinits.get()).isEqualTo(1);
            assertThat(r.process()).isNull();
            r.enable("l");
            assertThat(inits.get()).isEqualTo(2);
            assertThat(r.process()).isEqualTo(2L);
        }
        assertThat(deinits.get()).isEqualTo(2);
        assertThat(threads).as("the node's init and deinit ran on its member").hasSize(4)
                .allMatch(t -> t.startsWith("member life/l "));
        assertThat(host.member("l").inits.get()).isEqualTo(2);
        assertThat(host.problems).isEmpty();
        assertThat(host.allStopped()).isTrue();
    }

    @Test
    void aHostedNodeThatThrowsFailsTheEpochNamingTheNodeAndEpoch() {
        NodeRegistry reg = kit(NodeRegistry.builder());
        Tube tube = Tube.builder("failing")
                .withNode("a", NodeSpec.of("count_source"))
                .withNode("boom", NodeSpec.of("error").withDepends(Depends.named("value", "a.index")))
                .withNode("return", NodeSpec.of("return").withDepends(Depends.scalar("boom.value")))
                .build(reg);
        FakeHost host = new FakeHost(reg);
        try (TubeRunner r = Runners.cluster(tube, host)) {
            assertThatThrownBy(r::process).isInstanceOfSatisfying(NodeFailedException.class, e -> {
                assertThat(e.nodeId()).isEqualTo("boom");
                assertThat(e.epoch()).isEqualTo(Epoch.root(0));
                assertThat(e).hasMessageContaining("node 'boom' failed in epoch 0")
                        .hasMessageContaining("this node always fails");
                assertThat(e.getCause()).hasMessageContaining("the member running node 'boom' reports");
            });
            assertThatThrownBy(() -> r.run(5)).isInstanceOfSatisfying(NodeFailedException.class,
                    e -> assertThat(e.nodeId()).isEqualTo("boom"));
        }
        assertThat(host.allStopped()).isTrue();
    }

    @Test
    void aValueTheWireRefusesFailsTheEpochBeforeAnythingIsSent() {
        NodeRegistry reg = kit(NodeRegistry.builder());
        Tube tube = Tube.builder("asset")
                .withNode("a", NodeSpec.of("count_source"))
                .withNode("b", NodeSpec.of("bump").withDepends(Depends.named("counter", "assets.c", "i", "a.index")))
                .withNode("return", NodeSpec.of("return").withDepends(Depends.scalar("b.value")))
                .withAsset("c", AssetSpec.of("counter", AssetSpec.Scope.RUNNER))
                .build(reg);
        FakeHost host = new FakeHost(reg);
        try (TubeRunner r = Runners.cluster(tube, host)) {
            assertThatThrownBy(r::process).isInstanceOfSatisfying(NodeFailedException.class, e -> {
                assertThat(e.nodeId()).isEqualTo("b");
                assertThat(e.getCause()).isInstanceOf(Wire.Refused.class).hasMessageContaining(
                        AtomicLong.class.getName());
            });
        }
        assertThat(host.member("b").runs.get()).isZero();
    }

    @Test
    void aHostThatCannotHostANodeFailsTheOpenNamingIt() {
        Tube tube = Tube.read(Path.of("docs/tubes/basic.yaml"), NOOB);
        try (TubeRunner r = Runners.cluster(tube, node -> {
            throw new IllegalStateException("no worker has type " + node.typeName());
        })) {
            assertThatThrownBy(r::process).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("tube 'weft-basic'").hasMessageContaining("node 'a'")
                    .hasMessageContaining("no worker has type count_source");
        }
        try (TubeRunner r = Runners.cluster(tube, node -> null)) {
            assertThatThrownBy(r::process).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("returned no node for node 'a'");
        }
        NodeRegistry worker = NodeRegistry.builder().register("count_source", NOOB.type("count_source").orElseThrow())
                .build();
        FakeHost host = new FakeHost(worker);
        try (TubeRunner r = Runners.cluster(tube, host)) {
            assertThatThrownBy(r::process).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("node 'b' has type 'multiply', which is not registered here");
        }
        assertThat(host.member("a").deinits.get()).as("the node initialised before the failure").isEqualTo(1);
    }

    @Test
    void hostedNodeDescribesTheNodeAsTheTubeHasIt() {
        NodeRegistry reg = kit(NodeRegistry.builder());
        Tube tube = Tube.builder("described")
                .withInput("k", InputSpec.of(InputSpec.Scope.TUBE))
                .withNode("a", NodeSpec.of("count_source").withParam("start", "input.k"))
                .withNode("f", NodeSpec.of("running_sum").withStateful(false).withDepends(Depends.named("value",
                        "a.index")))
                .withNode("return", NodeSpec.of("return").withDepends(Depends.scalar("f.value")))
                .build(reg).withInput(Map.of("k", 5L));
        List<HostedNode> offered = new ArrayList<>();
        try (TubeRunner r = Runners.cluster(tube, node -> {
            offered.add(node);
            return node.makeLocal();
        })) {
            assertThat(r.process()).isEqualTo(5L);
        }
        assertThat(offered).hasSize(2);
        HostedNode a = offered.get(0);
        assertThat(a.tubeId()).isEqualTo("described");
        assertThat(a.nodeId()).isEqualTo("a");
        assertThat(a.typeName()).isEqualTo("count_source");
        assertThat(a.isSource()).isTrue();
        assertThat(a.stateful()).isTrue();
        assertThat(a.params()).isEqualTo(Map.of("start", 5L));
        assertThat(a.type().signals()).containsExactly("index");
        HostedNode f = offered.get(1);
        assertThat(f.stateful()).as("the tube's override, not the type's default").isFalse();
        assertThat(f.type().stateful()).isTrue();
        assertThat(f.isSource()).isFalse();
        assertThatThrownBy(() -> HostedNode.resolve(reg, "t", "n", "nope", Map.of(), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node 'n' has type 'nope'");
        assertThatThrownBy(() -> HostedNode.resolve(reg, "t", "n", "count_source", Map.of(), false))
                .hasMessageContaining("a source is always stateful");
        HostedNode w = HostedNode.resolve(reg, "t", "n", "multiply", Map.of(), false);
        Args args = w.args(Epoch.root(3).sub("m", 1), Map.of("left", 4L), List.of());
        assertThat(args.nodeId()).isEqualTo("n");
        assertThat(args.epoch()).hasToString("3/(m,1)");
    }

    /**
     * A stateless node {@code gate} holds epoch 0 until epoch 1 has passed it, so epoch 1's run of the stateful
     * {@code sum} below is ready first: the runner still calls {@code sum}'s member with epoch 0 first.
     */
    @Test
    void statefulHostedNodesSeeEpochsInOrderWhileEpochsOverlap() {
        CountDownLatch epochOnePassed = new CountDownLatch(1);
        AtomicBoolean overlapped = new AtomicBoolean();
        NodeRegistry reg = kit(NodeRegistry.builder().register("gate", NodeType.function(a -> {
            long root = a.epoch().rootNumber();
            if (root == 0) {
                overlapped.set(epochOnePassed.await(20, TimeUnit.SECONDS));
            } else if (root == 1) {
                epochOnePassed.countDown();
            }
            return a.get("value");
        })));
        Tube tube = Tube.builder("order")
                .withNode("a", NodeSpec.of("count_source"))
                .withNode("g", NodeSpec.of("gate").withDepends(Depends.named("value", "a.index")))
                .withNode("sum", NodeSpec.of("running_sum").withDepends(Depends.named("value", "g.value")))
                .withNode("return", NodeSpec.of("return").withDepends(Depends.scalar("sum.value")))
                .build(reg);
        FakeHost host = new FakeHost(reg, 3, 100);
        try (TubeRunner r = Runners.cluster(tube, host, Runners.Options.defaults().withMaxEpochsInFlight(4))) {
            assertThat(r.run(8)).containsExactly(0L, 1L, 3L, 6L, 10L, 15L, 21L, 28L);
        }
        assertThat(overlapped).as("epoch 1 passed the gate while epoch 0 waited").isTrue();
        assertThat(host.member("sum").epochs).containsExactly(LongStream.range(0, 8).mapToObj(Epoch::root)
                .toArray(Epoch[]::new));
        assertThat(host.problems).isEmpty();
    }
}
