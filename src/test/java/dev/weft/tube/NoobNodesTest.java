package dev.weft.tube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.demo.tube.NoobAssets;
import dev.weft.demo.tube.NoobNodes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * noob's testing nodes ({@link NoobNodes}) called directly, one epoch at a time, the way a runner calls them: made
 * from params by their {@link NodeType}, given slots (and, for function nodes, params) as {@link Args}. The values
 * are the ones noob's own tests expect of its tubes.
 */
class NoobNodesTest {
    private static final NodeRegistry REGISTRY = registry();

    private static NodeRegistry registry() {
        NodeRegistry.Builder b = NodeRegistry.builder();
        new NoobNodes().register(b);
        return b.build();
    }

    /** A node of {@code type} made from {@code params}, as node {@code id}. */
    private static Made make(String type, Map<String, ?> params) {
        NodeType t = REGISTRY.type(type).orElseThrow();
        Map<String, Object> copy = new LinkedHashMap<>(params);
        return new Made(t, t.make(new Params("node '" + type + "'", new LinkedHashMap<>(copy))), copy);
    }

    private record Made(NodeType type, Node node, Map<String, Object> params) {
        /** One run in root epoch {@code epoch} with these named and positional slots. */
        Object call(long epoch, Map<String, ?> named, List<?> positional) throws Exception {
            Map<String, Object> all = new LinkedHashMap<>();
            if (type.paramsAsArgs()) {
                all.putAll(params);
            }
            all.putAll(named);
            return node.process(new Args("n", Epoch.root(epoch), all, new ArrayList<>(positional)));
        }

        Object call(Map<String, ?> named) throws Exception {
            return call(0, named, List.of());
        }

        Object next() throws Exception {
            return call(0, Map.of(), List.of());
        }
    }

    private static Object run(String type, Map<String, ?> named) throws Exception {
        return make(type, Map.of()).call(named);
    }

    @Test
    void serviceLoaderFindsTheProviderAndEveryNameHasNoobsPrefixToo() {
        assertThat(ServiceLoader.load(NodeProvider.class).stream().map(p -> p.type().getName()))
                .contains(NoobNodes.class.getName());
        for (String name : List.of("count_source", "multiply", "divide", "gather_n_is_not_here", "increment")) {
            assertThat(REGISTRY.type(name).isPresent()).as(name).isEqualTo(!name.startsWith("gather"));
            assertThat(REGISTRY.type("noob.testing." + name)).isEqualTo(REGISTRY.type(name));
        }
        assertThat(REGISTRY.type("sum")).isPresent();
        assertThat(REGISTRY.type("noob.testing.sum")).isEmpty(); // a Python built-in, not noob's
        assertThat(REGISTRY.assetTypeNames()).contains("counter", "noob.testing.counter", "counter_cm", "set");
    }

    @Test
    void basicTubeValues() throws Exception {
        // testing-basic: count_source -> multiply(left=index) -> [0, 2, 4, 6, 8]
        Made a = make("count_source", Map.of());
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            out.add(run("multiply", Map.of("left", a.next())));
        }
        assertThat(out).containsExactly(0L, 2L, 4L, 6L, 8L);
        assertThat(REGISTRY.type("count_source").orElseThrow().signals()).containsExactly("index");
    }

    @Test
    void countSourceStartAndLimit() throws Exception {
        Made limited = make("count_source", Map.of("start", 7, "limit", 9));
        assertThat(limited.next()).isEqualTo(7L);
        assertThat(limited.next()).isEqualTo(8L);
        assertThatThrownBy(limited::next).isInstanceOf(NodeType.SourceExhausted.class);
        Made endless = make("count_source", Map.of("start", 20_000, "limit", 0)); // 0: no limit
        assertThat(endless.next()).isEqualTo(20_000L);
        Made defaults = make("count_source", Map.of("start", 9_999)); // limit 10000 by default
        assertThat(defaults.next()).isEqualTo(9_999L);
        assertThatThrownBy(defaults::next).isInstanceOf(NodeType.SourceExhausted.class);
    }

    @Test
    void gatherNLetters() throws Exception {
        // testing-gather-n: letters gathered in fives and concatenated
        Made letters = make("letter_source", Map.of());
        List<Object> words = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
            List<Object> five = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                five.add(letters.next());
            }
            words.add(make("concat", Map.of()).call(0, Map.of(), List.of(five))); // positional: - b.value
        }
        assertThat(words).containsExactly("abcde", "fghij", "klmno", "pqrst", "uvwxy", "zabcd");
        assertThat(run("concat", Map.of("strings", List.of("a", "b")))).isEqualTo("ab");
    }

    @Test
    void branchAndMergeDivide() throws Exception {
        for (long i = 0; i < 5; i++) {
            assertThat(run("multiply", Map.of("left", i))).isEqualTo(i * 2);
            assertThat(run("divide", Map.of("numerator", i))).isEqualTo(i / 5.0);
            // testing-merge: (i * 2) / (i + 5)
            assertThat(run("divide", Map.of("numerator", run("multiply", Map.of("left", i)), "denominator", i + 5)))
                    .isEqualTo((i * 2) / (double) (i + 5));
        }
        assertThat(REGISTRY.type("divide").orElseThrow().signals()).containsExactly("ratio");
        assertThatThrownBy(() -> run("divide", Map.of("numerator", 1, "denominator", 0)))
                .isInstanceOf(ArithmeticException.class).hasMessage("division by zero");
    }

    @Test
    void multiplyIsPythonsStar() throws Exception {
        assertThat(run("multiply", Map.of("left", 3, "right", 4))).isEqualTo(12L);
        assertThat(run("multiply", Map.of("left", 1.5))).isEqualTo(3.0);
        assertThat(run("multiply", Map.of("left", "ab"))).isEqualTo("abab"); // recursive-sporadic's doubleword
        assertThat(run("multiply", Map.of("left", Long.MAX_VALUE)))
                .isEqualTo(java.math.BigInteger.valueOf(Long.MAX_VALUE).shiftLeft(1)); // ints never overflow
        // params are arguments: stateful.yaml's b has left: 1 as a param
        assertThat(make("multiply", Map.of("left", 1)).call(Map.of("right", 11))).isEqualTo(11L);
        assertThatThrownBy(() -> run("multiply", Map.of("left", List.of(1), "right", "x")))
                .hasMessageContaining("unsupported operand type(s) for *: 'list' and 'str'");
        assertThatThrownBy(() -> run("multiply", Map.of()))
                .hasMessageContaining("missing required argument 'left'");
    }

    @Test
    void exclaimRepeatAndMultiConcat() throws Exception {
        assertThat(run("exclaim", Map.of("string", "apple"))).isEqualTo("apple!");
        assertThat(run("exclaim", Map.of("string", "x", "hype", 3L))).isEqualTo("x!!!");
        assertThat(run("exclaim", Map.of("string", "x", "hype", 0L))).isEqualTo("x");
        assertThat(run("repeat", Map.of("string", "ab", "times", 2))).isEqualTo("abab");
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("a", "ab");
        kwargs.put("b", List.of("c", "d"));
        assertThat(run("multi_concat", kwargs)).isEqualTo("abcd"); // in the order of the slots
    }

    @Test
    void sporadicWordsEmitNothingOffTheirBeat() throws Exception {
        Made word = make("sporadic_word", Map.of("seed", 1));
        Made noEvent = make("sporadic_word_noevent", Map.of("every", 2));
        for (int i = 1; i <= 9; i++) {
            Object w = word.next();
            if (i % 3 == 0) {
                assertThat(w).isInstanceOf(String.class);
            } else {
                assertThat(w).isSameAs(Node.NO_EVENT); // noob's None, which its gather ignores as a trigger
            }
            Object n = noEvent.next();
            if (i % 2 == 0) {
                assertThat(n).isInstanceOf(String.class);
            } else {
                assertThat(n).isSameAs(Node.NO_EVENT);
            }
        }
    }

    @Test
    void wordSourcesGiveWordsAndSeedsRepeat() throws Exception {
        Made a = make("word_source", Map.of("seed", 42));
        Made b = make("word_source", Map.of("seed", 42));
        for (int i = 0; i < 20; i++) {
            Object w = a.next();
            assertThat(w).isEqualTo(b.next());
            assertThat((String) w).matches("[a-z]{2,}");
        }
        Made multi = make("multi_words_source", Map.of("n", 5));
        List<Object> seen = new ArrayList<>();
        for (int i = 0; i < 200; i++) { // more than the word list holds: unique still
            List<?> words = (List<?>) multi.next();
            assertThat(words).hasSize(5);
            seen.addAll(words);
        }
        assertThat(seen).doesNotHaveDuplicates();
        assertThatThrownBy(() -> make("multi_words_source", Map.of())).hasMessageContaining("'n'");
    }

    @Test
    void wordCountsAndSum() throws Exception {
        // testing-multi-signal: count_sum == sum(counts)
        Made counts = make("word_counts", Map.of());
        for (int i = 0; i < 20; i++) {
            Signals s = (Signals) counts.next();
            assertThat(s.values()).containsOnlyKeys("word", "counts");
            List<?> c = (List<?>) s.values().get("counts");
            assertThat(c).hasSizeBetween(2, 5).allSatisfy(v -> assertThat((Long) v).isBetween(1L, 100L));
            long expected = c.stream().mapToLong(v -> (Long) v).sum();
            assertThat(make("sum", Map.of()).call(0, Map.of(), List.of(c))).isEqualTo(expected);
        }
        assertThat(make("sum", Map.of()).call(0, Map.of(), List.of(List.of(1, 0.5)))).isEqualTo(1.5);
        assertThat(REGISTRY.type("word_counts").orElseThrow().signals()).containsExactly("word", "counts");
    }

    @Test
    void switchEmitsOneSignalPerEpochInTurnAndThisOrThatKeepsWhatCame() throws Exception {
        // testing-branch-switching
        Made sw = make("switch", Map.of());
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            Map<String, Object> v = ((Signals) sw.next()).values();
            v.forEach((k, x) -> {
                if (x != Node.NO_EVENT) {
                    seen.add(k + "=" + x);
                }
            });
        }
        assertThat(seen).containsExactly("fruits=apple", "vegetables=daikon", "minerals=galaxite",
                "fruits=banana", "vegetables=eggplant", "minerals=halite", "fruits=cherry",
                "vegetables=fiddlehead", "minerals=iolite");
        assertThat(run("this_or_that", Map.of("that", "daikon!!"))).isEqualTo(Map.of("that", "daikon!!"));
        Map<String, Object> withNull = new LinkedHashMap<>();
        withNull.put("this", null);
        withNull.put("the_other", 1);
        assertThat(run("this_or_that", withNull)).isEqualTo(Map.of("the_other", 1));
    }

    @Test
    void statefulMultiplyCountsItsCalls() throws Exception {
        // stateful.yaml: a (start 1) takes left = input.multiply; d takes left = c.index and right = the input
        Made a = make("StatefulMultiply", Map.of("start", 1));
        assertThat(a.type().stateful()).isTrue();
        assertThat(a.call(Map.of("left", 11L))).isEqualTo(11L); // noob's zmq test: 11 in epoch 0
        assertThat(a.call(Map.of("left", 3L))).isEqualTo(6L);   // 3 * 1 * 2 in epoch 1
        Made d = make("StatefulMultiply", Map.of("start", 1));
        assertThat(d.call(Map.of("left", 1L, "right", 7L))).isEqualTo(7L);
        assertThat(d.call(Map.of("left", 2L, "right", 7L))).isEqualTo(28L);
        assertThat(make("Multiply", Map.of()).call(Map.of("left", 4L))).isEqualTo(8L);
        assertThat(make("VolumeProcess", Map.of()).call(Map.of("width", 2L, "depth", 3L))).isEqualTo(12L);
    }

    @Test
    void runnerScopedCounterThroughFastForwardAndJump() throws Exception {
        // asset_runner.yaml, one runner-scoped counter shared within and across epochs
        Iterator<?> counter = (Iterator<?>) REGISTRY.assetType("counter").orElseThrow()
                .apply(new Params("asset 'counter'", new LinkedHashMap<>(Map.of("start", 1))));
        for (int i = 0; i < 5; i++) {
            Object next = make("fast_forward", Map.of("n", 1)).call(Map.of("generator", counter));
            Object more = run("fast_forward", Map.of("generator", counter, "n", next));
            Object zero = make("multiply", Map.of("left", 0)).call(Map.of("right", more));
            Signals jumped = (Signals) run("jump", Map.of("n", zero, "generator", counter));
            assertThat(next).isEqualTo((1L << (i + 1)) - 1);
            assertThat(more).isEqualTo(2 * ((1L << (i + 1)) - 1));
            assertThat(jumped.values()).containsEntry("next", 0L).containsEntry("skirttt", counter);
        }
        assertThatThrownBy(() -> run("fast_forward", Map.of("generator", counter, "n", 0)))
                .hasMessageContaining("at least one step");
        assertThat(REGISTRY.type("jump").orElseThrow().signals()).containsExactly("skirttt", "next");
    }

    @Test
    void incrementRewindAndZipIter() throws Exception {
        NoobAssets.Counter c = new NoobAssets.Counter(1);
        Signals a = (Signals) run("increment", Map.of("iterator", c));
        assertThat(a.values()).containsEntry("value", 1L).containsEntry("iterator", c);
        Signals b = (Signals) run("increment", Map.of("iterator", c, "increment", 3L));
        assertThat(b.values()).containsEntry("value", 4L);
        NoobAssets.Counter back = (NoobAssets.Counter) run("rewind", Map.of("generator", c, "n", 2));
        assertThat(back.current()).isEqualTo(3L); // next was 5, minus 2
        assertThat(make("zip_iter", Map.of()).call(0, Map.of(), List.of(c, back))).isEqualTo(List.of(6L, 3L));
        NoobAssets.Counter copy = c.copy();
        c.next();
        assertThat(copy.current()).isEqualTo(7L);
        assertThat(c.current()).isEqualTo(8L);
    }

    @Test
    void contextManagerCounterStepsOnEnterAndExit() throws Exception {
        // asset_contextmanager.yaml, node scope: made (entered, stepped), node_a increments (2), closed (stepped,
        // exited), node_b increments the same object (4)
        Function<Params, ?> factory = REGISTRY.assetType("counter_cm").orElseThrow();
        NoobAssets.LifecycleCounter c = (NoobAssets.LifecycleCounter) factory
                .apply(new Params("asset 'node_counter'", new LinkedHashMap<>(Map.of("start", 1))));
        assertThat(((Signals) run("increment", Map.of("iterator", c))).values()).containsEntry("value", 2L);
        c.close();
        assertThat(((Signals) run("increment", Map.of("iterator", c))).values()).containsEntry("value", 4L);
        assertThat(c.entered()).isEqualTo(1);
        assertThat(c.exited()).isEqualTo(1);
        NoobAssets.Initializer init = (NoobAssets.Initializer) REGISTRY.assetType("Initializer").orElseThrow()
                .apply(new Params("asset 'initializer'", new LinkedHashMap<>()));
        assertThat(init.initialized()).isTrue();
        init.close();
        assertThat(init.initialized()).isFalse();
    }

    @Test
    void passthroughReturnsValueArgsAndKwargs() throws Exception {
        assertThat(run("passthrough", Map.of("value", 1, "runner", "r")))
                .isEqualTo(List.of(1, List.of(), Map.of("runner", "r")));
        assertThat(make("passthrough", Map.of()).call(0, Map.of(), List.of("a", "b")))
                .isEqualTo(List.of("a", List.of("b"), Map.of()));
        Map<String, Object> nullValue = new LinkedHashMap<>();
        nullValue.put("value", null); // asset_node_init.yaml: params: value: (empty)
        assertThat((List<?>) make("passthrough", nullValue).call(Map.of())).first().isNull();
    }

    @Test
    void errorsThrowAndTheRestBehave() throws Exception {
        assertThatThrownBy(() -> run("error", Map.of("value", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("This node just emits errors");
        assertThat(run("dictify", Map.of("key", "k", "items", List.of(0, 1, 2))))
                .isEqualTo(Map.of("k", List.of(0, 1, 2)));
        assertThat(run("long_add", Map.of("value", 41L, "sleep_for", 0))).isEqualTo(42L);
        assertThat(run("just_wait", Map.of("value", "v", "wait_for", 0))).isEqualTo("v");
        assertThat(run("number_to_letter", Map.of("number", 27L, "offset", 1L))).isEqualTo("c");
        assertThat(make("NumberToLetterCls", Map.of("offset", 2)).call(Map.of("number", 0L))).isEqualTo("c");
        assertThat(make("input_party", Map.of()).call(0, Map.of("four", 4, "five", 5, "six", 6, "seven", 7),
                List.of(1, 2.0, "3"))).isEqualTo(true);
        assertThat(make("inject_epoch", Map.of()).call(3, Map.of(), List.of())).isEqualTo(Epoch.root(3));
        Made cycle = make("cycle", Map.of("start", -1, "stop", 2));
        List<Object> cycled = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            cycled.add(cycle.next());
        }
        assertThat(cycled).containsExactly(-1L, 0L, 1L, -1L, 0L, 1L, -1L);
        assertThatThrownBy(() -> make("cycle", Map.of("start", 3, "stop", 3))).hasMessageContaining("empty");
    }

    @Test
    void initCounterCountsLifecycleCalls() throws Exception {
        Made c = make("InitCounter", Map.of());
        c.node().init();
        c.node().deinit();
        c.node().init();
        assertThat(((Signals) c.next()).values()).isEqualTo(Map.of("inits", 2L, "deinits", 1L));
    }
}
