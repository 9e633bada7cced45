package dev.weft.tube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

// a runner that hangs fails the test instead of the build (the runners wait through interrupts only to cancel)
@Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TubeRunnerTest {
    static Stream<Arguments> runners() {
        return Stream.of(Arguments.of("sync", TubeKit.SYNC), Arguments.of("concurrent", TubeKit.CONCURRENT));
    }

    static Tube basic() {
        return Tube.builder("basic")
                .withNode("a", NodeSpec.of("count_source"))
                .withNode("b", NodeSpec.of("multiply").withNamedDepends("left", "a.index"))
                .withNode("c", NodeSpec.of("return").withDepends("b.value"))
                .build(TubeKit.registry());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void basicProcessRunIter(String name, Function<Tube, TubeRunner> make) {
        try (TubeRunner r = make.apply(basic())) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                out.add(r.process());
            }
            assertThat(out).containsExactly(0L, 2L, 4L, 6L, 8L);
        }
        try (TubeRunner r = make.apply(basic())) {
            assertThat(r.run(5)).containsExactly(0L, 2L, 4L, 6L, 8L);
        }
        try (TubeRunner r = make.apply(basic())) {
            List<Object> out = new ArrayList<>();
            r.iter(5).forEachRemaining(out::add);
            assertThat(out).containsExactly(0L, 2L, 4L, 6L, 8L);
            assertThat(r.store().isEmpty()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void mapGather(String name, Function<Tube, TubeRunner> make) {
        Tube t = Tube.builder("map-gather")
                .withNode("a", NodeSpec.of("word_source"))
                .withNode("b", NodeSpec.of("map").withNamedDepends("value", "a.word"))
                .withNode("c", NodeSpec.of("exclaim").withNamedDepends("string", "b.value"))
                .withNode("d", NodeSpec.of("gather").withNamedDepends("value", "c.value", "n", "b.n"))
                .withNode("e", NodeSpec.of("concat").withDepends(Depends.list("d.value")))
                .withNode("return", NodeSpec.of("return").withNamedDepends("word", "a.word", "letter", "c.value",
                        "reconstructed", "e.value"))
                .build(TubeKit.registry());
        try (TubeRunner r = make.apply(t)) {
            for (int i = 0; i < 5; i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> v = (Map<String, Object>) r.process();
                String word = (String) v.get("word");
                List<String> expected = word.chars().mapToObj(c -> Character.toString(c) + "!").toList();
                assertThat(v.get("letter")).isEqualTo(expected);
                assertThat(v.get("reconstructed")).isEqualTo(String.join("", expected));
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void branchAndMerge(String name, Function<Tube, TubeRunner> make) {
        Tube t = Tube.builder("branch-merge")
                .withNode("a", NodeSpec.of("count_source"))
                .withNode("b", NodeSpec.of("count_source").withParam("start", 5))
                .withNode("c", NodeSpec.of("multiply").withNamedDepends("left", "a.index"))
                .withNode("d", NodeSpec.of("add").withNamedDepends("left", "c.value", "right", "b.index"))
                .withNode("e", NodeSpec.of("return").withNamedDepends("double", "c.value", "sum", "d.value"))
                .build(TubeKit.registry());
        try (TubeRunner r = make.apply(t)) {
            List<Object> out = r.run(4);
            assertThat(out).containsExactly(Map.of("double", 0L, "sum", 5L), Map.of("double", 2L, "sum", 8L),
                    Map.of("double", 4L, "sum", 11L), Map.of("double", 6L, "sum", 14L));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void aNodeEmittingSomeOfItsSignalsRunsOnlyThoseDependants(String name, Function<Tube, TubeRunner> make) {
        Tube t = Tube.builder("switching")
                .withNode("a", NodeSpec.of("count_source"))
                .withNode("s", NodeSpec.of("switch").withNamedDepends("value", "a.index"))
                .withNode("e", NodeSpec.of("multiply").withNamedDepends("left", "s.even"))
                .withNode("o", NodeSpec.of("multiply").withNamedDepends("left", "s.odd").withParam("right", 10))
                .withNode("n", NodeSpec.of("nullable").withNamedDepends("x", "s.odd"))
                .withNode("r", NodeSpec.of("return").withNamedDepends("even", "e.value", "odd", "o.value",
                        "null", "n.value"))
                .build(TubeKit.registry());
        try (TubeRunner r = make.apply(t)) {
            assertThat(r.process()).isEqualTo(Map.of("even", 0L));
            Map<String, Object> odd = map(r.process());
            assertThat(odd).containsEntry("odd", 10L).containsEntry("null", null).doesNotContainKey("even");
            assertThat(r.process()).isEqualTo(Map.of("even", 4L));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void gatherEveryN(String name, Function<Tube, TubeRunner> make) {
        Tube t = Tube.builder("gather-n")
                .withNode("a", NodeSpec.of("letter_source"))
                .withNode("b", NodeSpec.of("gather").withParam("n", 5).withNamedDepends("value", "a.letter"))
                .withNode("c", NodeSpec.of("concat").withDepends(Depends.list("b.value")))
                .withNode("d", NodeSpec.of("return").withNamedDepends("word", "c.value"))
                .build(TubeKit.registry());
        try (TubeRunner r = make.apply(t)) {
            List<Object> out = new ArrayList<>();
            r.iter(3).forEachRemaining(out::add);
            assertThat(out).containsExactly(Map.of("word", "abcde"), Map.of("word", "fghij"),
                    Map.of("word", "klmno"));
            assertThat(r.run(5)).containsExactly(Map.of("word", "pqrst"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void gatherOnATrigger(String name, Function<Tube, TubeRunner> make) {
        Tube t = Tube.builder("gather-trigger")
                .withNode("a", NodeSpec.of("count_source"))
                .withNode("w", NodeSpec.of("every_third").withNamedDepends("value", "a.index"))
                .withNode("b", NodeSpec.of("gather").withNamedDepends("value", "a.index", "trigger", "w.value"))
                .withNode("d", NodeSpec.of("return").withDepends("b.value"))
                .build(TubeKit.registry());
        try (TubeRunner r = make.apply(t)) {
            List<Object> out = new ArrayList<>();
            r.iter(3).forEachRemaining(out::add);
            assertThat(out).containsExactly(List.of(0L, 1L, 2L), List.of(3L, 4L, 5L), List.of(6L, 7L, 8L));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void valuesFromBeforeAMapAreSeenInEverySubEpoch(String name, Function<Tube, TubeRunner> make) {
        Tube t = Tube.builder("map-depends")
                .withNode("count", NodeSpec.of("count_source"))
                .withNode("word", NodeSpec.of("word_source"))
                .withNode("map", NodeSpec.of("map").withNamedDepends("value", "word.word"))
                .withNode("exclaim", NodeSpec.of("exclaim").withNamedDepends("string", "map.value", "hype",
                        "count.index"))
                .withNode("return", NodeSpec.of("return").withNamedDepends("word", "word.word", "letters",
                        "exclaim.value", "count", "count.index"))
                .build(TubeKit.registry());
        try (TubeRunner r = make.apply(t)) {
            for (int i = 0; i < 4; i++) {
                Map<String, Object> v = map(r.process());
                assertThat(v.get("count")).isEqualTo((long) i);
                String bangs = "!".repeat(i);
                assertThat(v.get("letters")).isEqualTo(((String) v.get("word")).chars()
                        .mapToObj(c -> Character.toString(c) + bangs).toList());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void nestedMaps(String name, Function<Tube, TubeRunner> make) {
        Tube t = Tube.builder("map-nested")
                .withNode("a", NodeSpec.of("words"))
                .withNode("b", NodeSpec.of("map").withNamedDepends("value", "a.words"))
                .withNode("c", NodeSpec.of("map").withNamedDepends("value", "b.value"))
                .withNode("return", NodeSpec.of("return").withNamedDepends("words", "a.words", "word", "b.value",
                        "letter", "c.value"))
                .build(TubeKit.registry());
        Runners.Options keep = Runners.Options.defaults().withAutoclear(false);
        try (TubeRunner r = name.equals("sync") ? Runners.sync(t, keep) : Runners.concurrent(t, keep)) {
            Map<String, Object> v = map(r.process());
            assertThat(v.get("word")).isEqualTo(List.of("ab", "cde"));
            assertThat(v.get("letter")).isEqualTo(List.of("a", "b", "c", "d", "e"));
            Epoch e = Epoch.root(0).sub("b", 1).sub("c", 2);
            assertThat(r.store().get("c", "value", e).orElseThrow().value()).isEqualTo("e");
            assertThat(r.store().get("a", "words", e).orElseThrow().value()).isEqualTo(List.of("ab", "cde"));
            assertThat(map(r.process()).get("letter")).isEqualTo(List.of("f"));
        }
    }

    @Test
    void statefulNodesSeeEpochsInOrderWhileStatelessOnesRunAtOnce() throws Exception {
        Tube t = Tube.builder("stateful")
                .withInput("x", InputSpec.of(InputSpec.Scope.PROCESS))
                .withNode("sum", NodeSpec.of("running_sum").withNamedDepends("value", "input.x"))
                .withNode("twice", NodeSpec.of("multiply").withNamedDepends("left", "input.x"))
                .withNode("r", NodeSpec.of("return").withNamedDepends("sum", "sum.value", "twice", "twice.value"))
                .build(TubeKit.registry());
        try (var r = (ConcurrentRunner) Runners.concurrent(t)) {
            CountDownLatch stateless = new CountDownLatch(2);
            List<Event> sums = new CopyOnWriteArrayList<>();
            r.addCallback(e -> {
                if (e instanceof Event ev && ev.nodeId().equals("twice")) {
                    stateless.countDown();
                }
                if (e instanceof Event ev && ev.nodeId().equals("sum")) {
                    sums.add(ev);
                }
            });
            CompletableFuture<Object> one = r.processAt(1, Map.of("x", 3L));
            CompletableFuture<Object> two = r.processAt(2, Map.of("x", 7L));
            assertThat(stateless.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(sums).isEmpty();
            assertThat(one).isNotDone();
            assertThat(two).isNotDone();
            Object zero = r.processAt(0, Map.of("x", 11L)).get(10, TimeUnit.SECONDS);
            assertThat(zero).isEqualTo(Map.of("sum", 11L, "twice", 22L));
            assertThat(one.get(10, TimeUnit.SECONDS)).isEqualTo(Map.of("sum", 14L, "twice", 6L));
            assertThat(two.get(10, TimeUnit.SECONDS)).isEqualTo(Map.of("sum", 21L, "twice", 14L));
            assertThat(sums).extracting(ev -> ev.epoch().rootNumber()).containsExactly(0L, 1L, 2L);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void aNodeFailureNamesTheNodeAndEpoch(String name, Function<Tube, TubeRunner> make) {
        Tube t = Tube.builder("error")
                .withNode("a", NodeSpec.of("count_source"))
                .withNode("b", NodeSpec.of("error").withNamedDepends("value", "a.index"))
                .withNode("c", NodeSpec.of("return").withDepends("b.value"))
                .build(TubeKit.registry());
        try (TubeRunner r = make.apply(t)) {
            assertThatThrownBy(r::process).isInstanceOf(NodeFailedException.class)
                    .hasMessageContaining("node 'b' failed in epoch 0").hasMessageContaining("this node always fails")
                    .satisfies(e -> assertThat(((NodeFailedException) e).nodeId()).isEqualTo("b"));
            assertThatThrownBy(() -> r.run(3)).isInstanceOf(NodeFailedException.class)
                    .hasMessageContaining("epoch 1");
        }
    }

    @Test
    void theFirstFailureCancelsWhatStillRunsOfItsEpoch() {
        CountDownLatch slowStarted = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        NodeRegistry reg = NodeRegistry.builder().registerAll(TubeKit.registry())
                .register("slow", NodeType.function(a -> {
                    slowStarted.countDown();
                    while (!Thread.currentThread().isInterrupted()) {
                        LockSupport.park(); // waits for the cancellation; nothing else unparks it
                    }
                    interrupted.incrementAndGet();
                    throw new InterruptedException("cancelled");
                }))
                .register("fails_after_slow_starts", NodeType.function(a -> {
                    slowStarted.await();
                    throw new IllegalArgumentException("boom");
                }))
                .build();
        Tube t = Tube.builder("cancel")
                .withNode("a", NodeSpec.of("count_source"))
                .withNode("slow", NodeSpec.of("slow").withNamedDepends("v", "a.index"))
                .withNode("bad", NodeSpec.of("fails_after_slow_starts").withNamedDepends("v", "a.index"))
                .withNode("r", NodeSpec.of("return").withNamedDepends("s", "slow.value", "b", "bad.value"))
                .build(reg);
        try (TubeRunner r = Runners.concurrent(t)) {
            assertThatThrownBy(r::process).isInstanceOf(NodeFailedException.class)
                    .hasMessageContaining("node 'bad'").hasRootCauseMessage("boom")
                    .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
            assertThat(interrupted.get()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void aSourceRunningOutEndsTheRun(String name, Function<Tube, TubeRunner> make) {
        NodeRegistry reg = NodeRegistry.builder().registerAll(TubeKit.registry())
                .register("three", NodeType.source(p -> List.of(1L, 2L, 3L).iterator()))
                .build();
        Tube t = Tube.builder("three")
                .withNode("a", NodeSpec.of("three"))
                .withNode("b", NodeSpec.of("multiply").withNamedDepends("left", "a.value"))
                .withNode("c", NodeSpec.of("return").withDepends("b.value"))
                .build(reg);
        try (TubeRunner r = make.apply(t)) {
            assertThat(r.run(10)).containsExactly(2L, 4L, 6L);
            assertThatThrownBy(r::process).isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("source 'a' is exhausted");
        }
        try (TubeRunner r = make.apply(t)) {
            List<Object> out = new ArrayList<>();
            r.iter(10).forEachRemaining(out::add);
            assertThat(out).containsExactly(2L, 4L, 6L);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void nestedTubesPassNoEventThrough(String name, Function<Tube, TubeRunner> make) {
        TubeSpec child = Tube.builder("child")
                .withInput("x", InputSpec.of(InputSpec.Scope.PROCESS))
                .withNode("w", NodeSpec.of("every_third").withNamedDepends("value", "input.x"))
                .withNode("r", NodeSpec.of("return").withDepends("w.value"));
        NodeRegistry reg = NodeRegistry.builder().registerAll(TubeKit.registry()).registerTube(child).build();
        Tube t = Tube.builder("parent")
                .withNode("a", NodeSpec.of("count_source"))
                .withNode("t", NodeSpec.of("tube").withParam("tube", "child").withNamedDepends("x", "a.index"))
                .withNode("e", NodeSpec.of("exclaim").withNamedDepends("string", "t.value"))
                .withNode("r", NodeSpec.of("return").withNamedDepends("child", "t.value", "loud", "e.value"))
                .build(reg);
        try (TubeRunner r = make.apply(t)) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                out.add(r.process());
            }
            assertThat(out).containsExactly(null, null, Map.of("child", "word2", "loud", "word2!"), null, null,
                    Map.of("child", "word5", "loud", "word5!"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void runnerAssetsCarryStateThroughDependsAndProcessAssetsAreFresh(String name,
            Function<Tube, TubeRunner> make) {
        Tube carried = Tube.builder("runner-asset")
                .withAsset("total", AssetSpec.of("number", AssetSpec.Scope.RUNNER).withDepends("add.value"))
                .withNode("a", NodeSpec.of("count_source"))
                .withNode("add", NodeSpec.of("add").withNamedDepends("left", "assets.total", "right", "a.index"))
                .withNode("r", NodeSpec.of("return").withDepends("add.value"))
                .build(TubeKit.registry());
        try (TubeRunner r = make.apply(carried)) {
            assertThat(r.run(5)).containsExactly(0L, 1L, 3L, 6L, 10L);
        }
        for (AssetSpec.Scope scope : AssetSpec.Scope.values()) {
            Tube bumps = Tube.builder("bumps")
                    .withAsset("counter", AssetSpec.of("counter", scope))
                    .withNode("one", NodeSpec.of("bump").withNamedDepends("counter", "assets.counter"))
                    .withNode("two", NodeSpec.of("bump").withNamedDepends("counter", "assets.counter", "after",
                            "one.value"))
                    .withNode("r", NodeSpec.of("return").withDepends(Depends.list("one.value", "two.value")))
                    .build(TubeKit.registry());
            try (TubeRunner r = make.apply(bumps)) {
                List<Object> out = r.run(3);
                switch (scope) {
                    // one counter for the runner: overlapping epochs (concurrent runner) may interleave their
                    // bumps, as noob warns; each epoch still bumps twice, in its own order
                    case RUNNER -> {
                        assertThat(out).hasSize(3).allSatisfy(v -> assertThat((List<?>) v).isSorted());
                        assertThat(out.stream().<Object>flatMap(v -> ((List<?>) v).stream()).toList())
                                .containsExactlyInAnyOrder((Object) 1L, 2L, 3L, 4L, 5L, 6L);
                    }
                    case PROCESS -> assertThat(out).containsOnly(List.of(1L, 2L));
                    case NODE -> assertThat(out).containsOnly(List.of(1L, 1L));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void disabledNodesAndWhatRequiresThemDoNotRun(String name, Function<Tube, TubeRunner> make) {
        try (TubeRunner r = make.apply(basic())) {
            assertThat(r.process()).isEqualTo(0L);
            r.disable("b");
            assertThat(r.process()).isNull();
            r.enable("b");
            assertThat(r.process()).isEqualTo(4L);
            assertThatThrownBy(() -> r.disable("nope")).hasMessageContaining("no node 'nope'");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void callbacksSeeEventsAndMetaEvents(String name, Function<Tube, TubeRunner> make) {
        try (TubeRunner r = make.apply(basic())) {
            List<String> seen = new CopyOnWriteArrayList<>();
            r.addCallback(e -> seen.add(switch (e) {
                case Event ev -> ev.nodeId() + "." + ev.signal() + "=" + ev.value() + "@" + ev.epoch();
                case MetaEvent m -> m.type() + (m.nodeId() != null ? " " + m.nodeId() : "") + "@" + m.epoch();
            }));
            r.process();
            assertThat(seen).containsExactly("NODE_READY a@0", "a.index=0@0", "NODE_READY b@0", "b.value=0@0",
                    "EPOCH_ENDED@0");
        }
    }

    @Test
    void freeRunWithAFastSourceAndSlowAddersStopsWhenAsked() throws Exception {
        AtomicInteger maxInFlight = new AtomicInteger();
        TubeObserver watch = new TubeObserver() {
            @Override
            public void epochStarted(String tubeId, Epoch epoch, int inFlight) {
                maxInFlight.accumulateAndGet(inFlight, Math::max);
            }
        };
        NodeRegistry reg = NodeRegistry.builder().registerAll(TubeKit.registry())
                .register("slow_add", NodeType.function(a -> {
                    LockSupport.parkNanos(200_000); // the work: a slow node
                    return ((Number) a.get("value")).longValue() + ((Number) a.get("k")).longValue();
                }))
                .build();
        TubeSpec spec = Tube.builder("free").withNode("count", NodeSpec.of("count_source"));
        for (int k = 1; k <= 3; k++) {
            spec = spec.withNode("add" + k, NodeSpec.of("slow_add").withParam("k", k)
                    .withNamedDepends("value", "count.index"));
        }
        Tube t = spec.build(reg);
        Map<Long, Long> sums = new ConcurrentHashMap<>();
        CountDownLatch fifty = new CountDownLatch(50);
        try (TubeRunner r = Runners.concurrent(t, Runners.Options.defaults().withMaxEpochsInFlight(4)
                .withObserver(watch))) {
            r.addCallback(e -> {
                if (e instanceof Event ev && ev.nodeId().startsWith("add")) {
                    sums.merge(ev.epoch().rootNumber(), (Long) ev.value(), Long::sum);
                }
                if (e instanceof MetaEvent m && m.type() == MetaEvent.Type.EPOCH_ENDED) {
                    fifty.countDown();
                }
            });
            r.run();
            assertThat(fifty.await(30, TimeUnit.SECONDS)).isTrue();
            r.stop();
            assertThat(maxInFlight.get()).isBetween(1, 4);
            assertThat(sums.size()).isGreaterThanOrEqualTo(50);
            sums.forEach((epoch, sum) -> assertThat(sum).isEqualTo(3 * epoch + 6));
        }
    }

    @Test
    void aSlowIterConsumerHoldsTheSourceBack() {
        AtomicLong produced = new AtomicLong();
        NodeRegistry reg = NodeRegistry.builder().registerAll(TubeKit.registry())
                .register("counted", NodeType.source(p -> LongStream.iterate(0, i -> i + 1)
                        .peek(i -> produced.incrementAndGet()).iterator()))
                .build();
        Tube t = Tube.builder("held")
                .withNode("a", NodeSpec.of("counted"))
                .withNode("r", NodeSpec.of("return").withDepends("a.value"))
                .build(reg);
        try (TubeRunner r = Runners.concurrent(t, Runners.Options.defaults().withMaxEpochsInFlight(4))) {
            Iterator<Object> it = r.iter(1000);
            for (long i = 0; i < 200; i++) {
                assertThat(it.next()).isEqualTo(i);
                assertThat(produced.get()).isLessThanOrEqualTo(i + 1 + 4);
            }
        }
    }

    /** An object node whose process method asks for the epoch (a parameter of type Epoch is injected). */
    public static final class Labeller {
        private final String prefix;

        public Labeller(String prefix) {
            this.prefix = prefix;
        }

        public String process(Epoch epoch, Object value) {
            return prefix + value + "@" + epoch;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void objectNodesGetTheEpochWhenTheyAskAndTheirParamsWhenMade(String name, Function<Tube, TubeRunner> make) {
        NodeRegistry reg = NodeRegistry.builder().registerAll(TubeKit.registry())
                .register("label", NodeType.object(p -> new Labeller(p.getOrDefault("prefix", ""))))
                .build();
        Tube t = Tube.builder("label")
                .withNode("a", NodeSpec.of("count_source"))
                .withNode("l", NodeSpec.of("label").withParam("prefix", "#").withNamedDepends("value", "a.index"))
                .withNode("r", NodeSpec.of("return").withDepends("l.value"))
                .build(reg);
        try (TubeRunner r = make.apply(t)) {
            assertThat(r.run(2)).containsExactly("#0@0", "#1@1");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void aFailureEndsAFreeRunAndJoinRethrowsIt(String name, Function<Tube, TubeRunner> make)
            throws InterruptedException {
        NodeRegistry reg = NodeRegistry.builder().registerAll(TubeKit.registry())
                .register("fails_at_7", NodeType.function(a -> {
                    if (a.<Long>get("v") == 7) {
                        throw new IllegalStateException("seven");
                    }
                    return a.get("v");
                }))
                .build();
        Tube t = Tube.builder("free-fail")
                .withNode("a", NodeSpec.of("count_source"))
                .withNode("b", NodeSpec.of("fails_at_7").withNamedDepends("v", "a.index"))
                .build(reg);
        try (TubeRunner r = make.apply(t)) {
            r.run();
            assertThatThrownBy(r::join).isInstanceOf(NodeFailedException.class)
                    .hasMessageContaining("node 'b' failed in epoch 7").hasRootCauseMessage("seven");
        }
    }

    /** Found by TubeProperties: a stateful node waited for every map of the root, one of them downstream of it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void aMapAfterAStatefulNodeBelowAnotherMapEnds(String name, Function<Tube, TubeRunner> make) throws Exception {
        Tube t = Tube.builder("gather-then-map")
                .withNode("a", NodeSpec.of("words"))
                .withNode("m1", NodeSpec.of("map").withNamedDepends("value", "a.words"))
                .withNode("g", NodeSpec.of("gather").withNamedDepends("value", "m1.value", "n", "m1.n"))
                .withNode("m2", NodeSpec.of("map").withNamedDepends("value", "g.value"))
                .withNode("r", NodeSpec.of("return").withNamedDepends("words", "m2.value"))
                .build(TubeKit.registry());
        try (TubeRunner r = make.apply(t)) {
            // on a thread of its own: the concurrent runner's process() waits for the epoch, uninterruptibly
            CompletableFuture<Object> first = CompletableFuture.supplyAsync(r::process);
            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(Map.of("words", List.of("ab", "cde")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void nodesAndRunnerAssetsAreInitialisedOnOpenAndClosedOnClose(String name, Function<Tube, TubeRunner> make) {
        List<String> log = new CopyOnWriteArrayList<>();
        NodeRegistry reg = NodeRegistry.builder().registerAll(TubeKit.registry())
                .register("tracked", NodeType.node(p -> new Node() {
                    @Override
                    public Object process(Args args) {
                        return args.get("v");
                    }

                    @Override
                    public void init() {
                        log.add("init");
                    }

                    @Override
                    public void deinit() {
                        log.add("deinit");
                    }
                }))
                .registerAsset("closeable", p -> (AutoCloseable) () -> log.add("asset closed"))
                .build();
        Tube t = Tube.builder("lifecycle")
                .withAsset("res", AssetSpec.of("closeable", AssetSpec.Scope.RUNNER))
                .withNode("a", NodeSpec.of("count_source"))
                .withNode("b", NodeSpec.of("tracked").withNamedDepends("v", "a.index", "res", "assets.res"))
                .withNode("r", NodeSpec.of("return").withDepends("b.value"))
                .build(reg);
        try (TubeRunner r = make.apply(t)) {
            assertThat(log).isEmpty();
            assertThat(r.run(2)).containsExactly(0L, 1L);
            assertThat(log).containsExactly("init");
        }
        assertThat(log).containsExactly("init", "deinit", "asset closed");
    }
}
