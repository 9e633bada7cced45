package dev.weft.tube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.demo.tube.NoobNodes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * noob's own test tubes (its YAML, unchanged apart from type names: src/test/resources/tubes/noob) run with noob's
 * testing nodes ({@link NoobNodes}) on both runners, checked against the values noob's tests expect.
 */
// a runner that hangs fails the test instead of the build (the runners wait through interrupts only to cancel)
@Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NoobTubesTest {
    private static final Path NOOB = Path.of("src/test/resources/tubes/noob");
    private static final NodeRegistry REGISTRY = registry();

    private static NodeRegistry registry() {
        NodeRegistry.Builder b = NodeRegistry.builder();
        new NoobNodes().register(b);
        // noob finds tubes by id in all its config folders; recursive_signals runs basic/branch.yaml
        return b.build().withTube(TubeYaml.read(NOOB.resolve("basic/branch.yaml"), id -> java.util.Optional.empty()));
    }

    static Tube tube(String file) {
        return Tube.read(NOOB.resolve(file), REGISTRY);
    }

    static Stream<Arguments> runners() {
        return Stream.of(Arguments.of("sync", TubeKit.SYNC), Arguments.of("concurrent", TubeKit.CONCURRENT));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void basic(String name, Function<Tube, TubeRunner> make) {
        List<Object> expected = List.of(0L, 2L, 4L, 6L, 8L);
        try (TubeRunner r = make.apply(tube("basic/basic.yaml"))) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                out.add(r.process());
            }
            assertThat(out).isEqualTo(expected);
        }
        try (TubeRunner r = make.apply(tube("basic/basic.yaml"))) {
            assertThat(r.run(5)).isEqualTo(expected);
        }
        try (TubeRunner r = make.apply(tube("basic/basic.yaml"))) {
            List<Object> out = new ArrayList<>();
            r.iter(5).forEachRemaining(out::add);
            assertThat(out).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void branchAndMerge(String name, Function<Tube, TubeRunner> make) {
        try (TubeRunner r = make.apply(tube("basic/branch.yaml"))) {
            Iterator<Object> it = r.iter(5);
            for (int i = 0; i < 5; i++) {
                assertThat(it.next()).isEqualTo(Map.of("multiply", i * 2L, "divide", i / 5.0));
            }
        }
        try (TubeRunner r = make.apply(tube("basic/merge.yaml"))) {
            Iterator<Object> it = r.iter(5);
            for (int i = 0; i < 5; i++) {
                assertThat(((Number) it.next()).doubleValue()).isEqualTo((i * 2.0) / (i + 5));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void branchSwitching(String name, Function<Tube, TubeRunner> make) {
        List<String> kinds = List.of("fruit", "vegetable", "mineral");
        List<String> keys = List.of("this", "that", "the_other");
        try (TubeRunner r = make.apply(tube("basic/branch_switching.yaml"))) {
            for (int i = 0; i < 5; i++) {
                Map<String, Object> v = map(r.process());
                String kind = kinds.get(i % 3);
                assertThat(v).hasSize(2).containsKey(kind);
                assertThat((String) v.get(kind)).endsWith("!");
                assertThat(map(v.get("this_or_that")).get(keys.get(i % 3))).isEqualTo(v.get(kind));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void gathers(String name, Function<Tube, TubeRunner> make) {
        try (TubeRunner r = make.apply(tube("basic/gather_n.yaml"))) {
            List<Object> out = new ArrayList<>();
            r.iter(5).forEachRemaining(out::add);
            assertThat(out).containsExactly(Map.of("word", "abcde"), Map.of("word", "fghij"),
                    Map.of("word", "klmno"), Map.of("word", "pqrst"), Map.of("word", "uvwxy"));
        }
        try (TubeRunner r = make.apply(tube("basic/gather_dependent.yaml"))) {
            Iterator<Object> it = r.iter(5);
            for (int i = 0; i < 5; i++) {
                Map<String, Object> word = map(map(it.next()).get("word"));
                assertThat(word).hasSize(1);
                assertThat(word.values().iterator().next()).isEqualTo(List.of(3L * i, 3L * i + 1, 3L * i + 2));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void multiSignal(String name, Function<Tube, TubeRunner> make) {
        try (TubeRunner r = make.apply(tube("basic/multi_signal.yaml"))) {
            r.iter(5).forEachRemaining(v -> {
                Map<String, Object> m = map(v);
                assertThat(m.get("word")).isInstanceOf(String.class);
                long sum = ((List<?>) m.get("counts")).stream().mapToLong(x -> ((Number) x).longValue()).sum();
                assertThat(((Number) m.get("count_sum")).longValue()).isEqualTo(sum);
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void maps(String name, Function<Tube, TubeRunner> make) {
        try (TubeRunner r = make.apply(tube("map/map_basic.yaml"))) {
            for (int i = 0; i < 5; i++) {
                Map<String, Object> v = map(r.process());
                assertThat(v.get("letter")).isEqualTo(letters((String) v.get("word"), "!"));
            }
        }
        try (TubeRunner r = make.apply(tube("map/map_depends.yaml"))) {
            for (int i = 0; i < 5; i++) {
                Map<String, Object> v = map(r.process());
                assertThat(v.get("count")).isEqualTo((long) i);
                assertThat(v.get("letters")).isEqualTo(letters((String) v.get("word"), "!".repeat(i)));
            }
        }
        Runners.Options keep = Runners.Options.defaults().withAutoclear(false);
        Tube gather = tube("map/map_gather.yaml");
        try (TubeRunner r = name.equals("sync") ? Runners.sync(gather, keep) : Runners.concurrent(gather, keep)) {
            for (int i = 0; i < 5; i++) {
                Map<String, Object> v = map(r.process());
                assertThat(v.get("letter")).isEqualTo(letters((String) v.get("word"), "!"));
                assertThat(v.get("reconstructed")).isEqualTo(String.join("", castList(v.get("letter"))));
                // the gather collapses the sub-epochs: its event is in the root epoch, none in a sub-epoch
                Epoch root = Epoch.root(i);
                assertThat(r.store().get("d", "value", root).orElseThrow().epoch()).isEqualTo(root);
                assertThat(r.store().get("c", "value", root)).isEmpty();
                assertThat(r.store().events(root.sub("b", 0))).extracting(Event::nodeId).doesNotContain("d", "e");
            }
        }
        try (TubeRunner r = make.apply(tube("map/map_nested.yaml"))) {
            for (int i = 0; i < 5; i++) {
                Map<String, Object> v = map(r.process());
                assertThat(v.get("word")).isEqualTo(v.get("words"));
                assertThat(v.get("letter")).isEqualTo(letters(String.join("", castList(v.get("words"))), ""));
            }
        }
    }

    @Test
    void refusedTubes() {
        assertThatThrownBy(() -> tube("map/map_depends_double.yaml")).isInstanceOf(TubeException.class)
                .hasMessageContaining("node 'concat' field 'depends'").hasMessageContaining("two unrelated maps");
        assertThatThrownBy(() -> tube("special/cycle.yaml")).isInstanceOf(TubeException.class)
                .hasMessageContaining("cycle");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void aNodesExceptionComesBackWithItsMessageAndNode(String name, Function<Tube, TubeRunner> make) {
        try (TubeRunner r = make.apply(tube("special/error.yaml"))) {
            assertThatThrownBy(r::process).isInstanceOf(NodeFailedException.class)
                    .hasMessageContaining("node 'b' failed in epoch 0")
                    .hasRootCauseMessage("This node just emits errors");
        }
    }

    @Test
    void statefulNodesGivenLaterEpochsFirstProduceInOrderOnceTheFirstArrives() throws Exception {
        try (var r = (ConcurrentRunner) Runners.concurrent(tube("special/stateful.yaml"))) {
            List<Event> events = new CopyOnWriteArrayList<>();
            r.addCallback(e -> {
                if (e instanceof Event ev) {
                    events.add(ev);
                }
            });
            CompletableFuture<Object> one = r.processAt(1, Map.of("multiply", 3L));
            CompletableFuture<Object> two = r.processAt(2, Map.of("multiply", 7L));
            assertThat(one).isNotDone();
            assertThat(two).isNotDone();
            Object zero = r.processAt(0, Map.of("multiply", 11L)).get(10, TimeUnit.SECONDS);
            one.get(10, TimeUnit.SECONDS);
            two.get(10, TimeUnit.SECONDS);
            // 3 epochs x 4 nodes (a, b, c, d) = 12 events, each stateful node's in epoch order
            assertThat(events).hasSize(12);
            for (String node : List.of("a", "b", "c", "d")) {
                assertThat(events.stream().filter(e -> e.nodeId().equals(node)).map(e -> e.epoch().rootNumber()))
                        .containsExactly(0L, 1L, 2L);
            }
            assertThat(map(zero)).containsKeys("cls", "fn", "chained_cls");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void nestedTubes(String name, Function<Tube, TubeRunner> make) {
        Tube parent = tube("recursive/recursive_parent.yaml").withInput(Map.of("child_start", 1L, "parent_start",
                3L));
        try (TubeRunner r = make.apply(parent)) {
            for (int i = 0; i < 5; i++) {
                long child = 10 + i + 5;
                long parentMul = 5 + i + 7;
                Map<String, Object> v = map(r.process(Map.of("child_multiply", child, "parent_multiply",
                        parentMul)));
                long expectedChild = (3L + i) * (1L + i) * child;
                assertThat(v.get("index")).isEqualTo(3L + i);
                assertThat(v.get("child")).isEqualTo(expectedChild);
                assertThat(v.get("parent")).isEqualTo(expectedChild * parentMul);
            }
        }
        try (TubeRunner r = make.apply(tube("recursive/recursive_signals.yaml"))) {
            for (int i = 0; i < 5; i++) {
                Map<String, Object> v = map(r.process());
                assertThat(v.get("multiply")).isEqualTo(i * 4L);
                assertThat(((Number) v.get("divide")).doubleValue()).isEqualTo(i / 5.0 / 5.0);
            }
        }
        try (TubeRunner r = make.apply(tube("recursive/recursive_sporadic_parent.yaml"))) {
            for (int i = 0; i < 5; i++) {
                Object v = r.process();
                if ((i + 1) % 3 != 0) {
                    assertThat(v).isNull();
                } else {
                    Map<String, Object> m = map(v);
                    assertThat(m.get("doubleword")).isEqualTo(((String) m.get("word")).repeat(2));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void assetsPerScope(String name, Function<Tube, TubeRunner> make) {
        for (String scope : List.of("runner", "process", "node")) {
            Runners.Options keep = Runners.Options.defaults().withAutoclear(false);
            Tube t = tube("asset/asset_" + scope + ".yaml");
            try (TubeRunner r = name.equals("sync") ? Runners.sync(t, keep) : Runners.concurrent(t, keep)) {
                for (int i = 0; i < 5; i++) {
                    r.process();
                    Epoch e = Epoch.root(i);
                    Object inc = r.store().get("increment", "next", e).orElseThrow().value();
                    Object more = r.store().get("more_increment", "next", e).orElseThrow().value();
                    switch (scope) {
                        case "runner" -> {
                            assertThat(inc).isEqualTo((1L << (i + 1)) - 1);
                            assertThat(more).isEqualTo(2 * ((1L << (i + 1)) - 1));
                        }
                        case "process" -> {
                            assertThat(inc).isEqualTo(3L);
                            assertThat(more).isEqualTo(6L);
                        }
                        default -> {
                            assertThat(inc).isEqualTo(3L);
                            assertThat(more).isEqualTo(3L);
                        }
                    }
                }
            }
        }
    }

    private static List<String> letters(String word, String suffix) {
        return word.codePoints().mapToObj(c -> Character.toString(c) + suffix).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object o) {
        return (List<String>) o;
    }
}
