package dev.weft.demo.tube;

import dev.weft.demo.tube.NoobAssets.Counter;
import dev.weft.demo.tube.NoobAssets.Initializer;
import dev.weft.demo.tube.NoobAssets.LifecycleCounter;
import dev.weft.demo.tube.NoobClasses.InitCounter;
import dev.weft.demo.tube.NoobClasses.Multiply;
import dev.weft.demo.tube.NoobClasses.Now;
import dev.weft.demo.tube.NoobClasses.NumberToLetter;
import dev.weft.demo.tube.NoobClasses.StatefulMultiply;
import dev.weft.demo.tube.NoobClasses.Volume;
import dev.weft.tube.Args;
import dev.weft.tube.Node;
import dev.weft.tube.NodeProvider;
import dev.weft.tube.NodeRegistry;
import dev.weft.tube.NodeType;
import dev.weft.tube.Params;
import dev.weft.tube.Signals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * noob's testing nodes and assets ({@code noob/testing/nodes.py}, {@code assets.py}) in Java, so that noob's test
 * tubes run here unchanged and give noob's values: {@code testing-basic} gives {@code [0, 2, 4, 6, 8]},
 * {@code testing-gather-n} {@code "abcde"}, {@code "fghij"}, {@code testing-branch}
 * {@code {multiply: i * 2, divide: i / 5.0}}.
 *
 * <p>Each type is registered under noob's name, {@code noob.testing.<name>} (what noob's YAML says), and under the
 * bare {@code <name>} (shorter, for tubes written here); {@code sum}, {@code set}, {@code list} and {@code dict} are
 * Python built-ins and only bare. Signals are noob's ({@code count_source} emits {@code index}, {@code divide}
 * {@code ratio}, {@code jump} {@code skirttt} and {@code next}, …); slots bind as Python binds arguments (a named slot
 * by name, else positional slot {@code i} for the {@code i}-th parameter, else the default); params of function nodes
 * are arguments too. Integers are {@link Long}, floats {@link Double}, tuples unmodifiable lists; arithmetic follows
 * Python ({@link PyOps}).
 *
 * <p>Differences from noob, where Java lacks what Python has: Faker's random words come from a fixed list
 * ({@link Words}), and the word sources take an optional {@code seed} param for repeatable runs; {@code cycle} over an
 * empty range fails instead of spinning; {@code DynamicSignals} and {@code inject_eventmap} are left out (a node
 * type's signals are fixed when registered, and nodes do not see the event store). Off its beat
 * {@code sporadic_word} emits {@link Node#NO_EVENT}, as {@code sporadic_word_noevent} does: noob's yields
 * {@code None}, an event whose value is None, which noob's gather does not count as a trigger; here a gather's
 * trigger is any value, null included, so no event is what gives noob's results ({@code testing-gather-dependent}
 * gathers {@code [0, 1, 2]}, {@code [3, 4, 5]}, …).
 *
 * <p>Registered for {@link java.util.ServiceLoader} in {@code META-INF/services} and {@code module-info}; stateless
 * and thread safe (each node gets its own state from its factory).
 */
public final class NoobNodes implements NodeProvider {
    private static final String PREFIX = "noob.testing.";
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz";

    /** For {@link java.util.ServiceLoader}. */
    public NoobNodes() {
    }

    @Override
    public void register(NodeRegistry.Builder builder) {
        // sources: one value per epoch from an iterator made from the params
        both(builder, "count_source", NodeType.source(p -> count(p.getLong("start", 0), p.getLong("limit", 10000),
                true)).withSignals("index"));
        both(builder, "letter_source", NodeType.source(p -> LongStream.iterate(0, i -> i + 1)
                .mapToObj(NoobNodes::letter).iterator()).withSignals("letter"));
        both(builder, "word_source", NodeType.source(p -> {
            Words words = words(p);
            return Stream.generate(words::word).iterator();
        }).withSignals("word"));
        both(builder, "multi_words_source", NodeType.source(p -> {
            Words words = words(p);
            long n = PyOps.toLong(p.get("n"), p.owner() + " param 'n'");
            return Stream.generate(() -> {
                List<String> list = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    list.add(words.unique());
                }
                return Collections.unmodifiableList(list);
            }).iterator();
        }).withSignals("multi_words"));
        both(builder, "sporadic_word", NodeType.source(p -> sporadic(p, Node.NO_EVENT)).withSignals("word"));
        both(builder, "sporadic_word_noevent", NodeType.source(p -> sporadic(p, Node.NO_EVENT))
                .withSignals("word"));
        both(builder, "word_counts", NodeType.source(p -> {
            Words words = words(p);
            return Stream.generate(() -> {
                String word = words.unique();
                long n = words.randint(2, 5);
                List<Long> counts = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    counts.add(words.randint(1, 100));
                }
                return Signals.of("word", word, "counts", Collections.unmodifiableList(counts));
            }).iterator();
        }).withSignals("word", "counts"));
        both(builder, "switch", NodeType.source(p -> switching()).withSignals("fruits", "vegetables", "minerals"));
        both(builder, "cycle", NodeType.source(NoobNodes::cycle));
        both(builder, "CountSource", NodeType.source(p -> count(p.getLong("start", 0), p.getLong("limit", 1000),
                false)).withSignals("index"));
        both(builder, "UnannotatedGenerator", NodeType.source(p -> count(p.getLong("start", 0),
                p.getLong("limit", 1000), false)));
        both(builder, "CountSourceDecor", NodeType.source(p -> count(p.getLong("start", 0), 0, true))
                .withSignals("count"));

        // functions of their slots (and params)
        both(builder, "multiply", NodeType.function(NoobNodes::multiply));
        both(builder, "divide", NodeType.function(NoobNodes::divide).withSignals("ratio"));
        both(builder, "concat", NodeType.function(a -> PyOps.join(arg(a, "strings", 0))));
        both(builder, "multi_concat", NodeType.function(NoobNodes::multiConcat));
        both(builder, "exclaim", NodeType.function(NoobNodes::exclaim));
        both(builder, "repeat", NodeType.function(a -> PyOps.mul(PyOps.toText(arg(a, "string", 0),
                "repeat string"), arg(a, "times", 1))));
        both(builder, "dictify", NodeType.function(a -> Collections.singletonMap(arg(a, "key", 0),
                arg(a, "items", 1))));
        both(builder, "error", NodeType.function(a -> {
            throw new IllegalArgumentException("This node just emits errors");
        }));
        both(builder, "async_error", NodeType.function(a -> {
            throw new IllegalArgumentException("This is the error that should be raised");
        }));
        both(builder, "input_party", NodeType.function(NoobNodes::inputParty).withSignals("works"));
        both(builder, "long_add", NodeType.function(a -> {
            sleep(arg(a, "sleep_for", 1, 0.25));
            return PyOps.add(arg(a, "value", 0), 1L);
        }));
        both(builder, "just_wait", NodeType.function(a -> {
            sleep(arg(a, "wait_for", 1, 0.5));
            return arg(a, "value", 0);
        }));
        both(builder, "number_to_letter", NodeType.function(a -> {
            Thread.sleep(Duration.ofMillis(ThreadLocalRandom.current().nextLong(100)));
            return letter(PyOps.toLong(arg(a, "number", 0), "number_to_letter number")
                    + PyOps.toLong(arg(a, "offset", 1, 0L), "number_to_letter offset"));
        }));
        both(builder, "passthrough", NodeType.function(NoobNodes::passthrough));
        both(builder, "inject_epoch", NodeType.function(Args::epoch));
        both(builder, "this_or_that", NodeType.function(NoobNodes::thisOrThat)
                .withOptionalSlots("this", "that", "the_other"));

        // functions of the counter assets
        both(builder, "fast_forward", NodeType.function(a -> advance(a, "fast_forward", "generator"))
                .withSignals("next"));
        both(builder, "jump", NodeType.function(a -> {
            Iterator<?> it = iterator(a, "jump", "generator");
            long n = PyOps.toLong(arg(a, "n", 1, 1L), "jump n");
            Object value = 0L;
            for (long i = 0; i < n; i++) {
                value = it.next();
            }
            return Signals.of("skirttt", it, "next", value);
        }).withSignals("skirttt", "next"));
        both(builder, "rewind", NodeType.function(a -> {
            Iterator<?> it = iterator(a, "rewind", "generator");
            long n = PyOps.toLong(arg(a, "n", 1, 1L), "rewind n");
            return new Counter(PyOps.toLong(it.next(), "rewind") - n);
        }).withSignals("skrittt"));
        both(builder, "zip_iter", NodeType.function(NoobNodes::zipIter));
        both(builder, "increment", NodeType.function(a -> {
            Iterator<?> it = iterator(a, "increment", "iterator");
            Object value = step(it, PyOps.toLong(arg(a, "increment", 1, 1L), "increment increment"), "increment");
            return Signals.of("iterator", it, "value", value);
        }).withSignals("iterator", "value"));

        // class nodes: an object per node, made from the params; stateful unless the tube says otherwise
        both(builder, "StatefulMultiply", NodeType.object(p -> new StatefulMultiply(p.getLong("start", 0))));
        both(builder, "Multiply", NodeType.object(p -> new Multiply()).withSignals("product"));
        both(builder, "VolumeProcess", NodeType.object(p -> new Volume(p.getOrDefault("height", 2L)))
                .withSignals("volume"));
        both(builder, "Volume", NodeType.object(p -> new Volume(p.getOrDefault("height", 2L)))
                .withSignals("volume"));
        both(builder, "Now", NodeType.object(p -> new Now()).withSignals("timestamp"));
        both(builder, "NumberToLetterCls", NodeType.object(p -> new NumberToLetter(p.getLong("offset", 0))));
        both(builder, "InitCounter", NodeType.node(p -> new InitCounter()).withSignals("inits", "deinits"));

        // Python's built-in sum, which noob's tubes name as a type
        builder.register("sum", NodeType.function(a -> PyOps.sum(a.get(0), a.getOrDefault("start", 0L))));

        // assets
        bothAssets(builder, "counter", p -> new Counter(p.getLong("start", 0)));
        bothAssets(builder, "counter_cm", p -> new LifecycleCounter(p.getLong("start", 0)));
        bothAssets(builder, "Initializer", p -> new Initializer());
        bothAssets(builder, "AnyAsset", p -> p.getOrDefault("obj", null));
        builder.registerAsset("set", p -> new LinkedHashSet<>());
        builder.registerAsset("list", p -> new ArrayList<>());
        builder.registerAsset("dict", p -> new LinkedHashMap<>());
    }

    private static void both(NodeRegistry.Builder builder, String name, NodeType type) {
        builder.register(name, type);
        builder.register(PREFIX + name, type);
    }

    private static void bothAssets(NodeRegistry.Builder builder, String name, Function<Params, ?> factory) {
        builder.registerAsset(name, factory);
        builder.registerAsset(PREFIX + name, factory);
    }

    // ---- the node functions, package-private for tests ----

    /** {@code multiply(left, right=2)}: {@code left * right}. */
    static Object multiply(Args a) {
        return PyOps.mul(arg(a, "left", 0), arg(a, "right", 1, 2L));
    }

    /** {@code divide(numerator, denominator=5)}: true division. */
    static Object divide(Args a) {
        return PyOps.truediv(arg(a, "numerator", 0), arg(a, "denominator", 1, 5L));
    }

    /** {@code exclaim(string, hype=1)}: {@code string + "!" * hype}. */
    static Object exclaim(Args a) {
        return PyOps.add(PyOps.toText(arg(a, "string", 0), "exclaim string"), PyOps.mul("!", arg(a, "hype", 1, 1L)));
    }

    /** {@code multi_concat(**kwargs)}: every named argument's letters, in order, joined. */
    static Object multiConcat(Args a) {
        StringBuilder b = new StringBuilder();
        for (Object word : a.named().values()) {
            b.append(PyOps.join(word));
        }
        return b.toString();
    }

    /** {@code input_party(one, ..., seven)}: true once all seven are given (Python would refuse fewer). */
    static Object inputParty(Args a) {
        List<String> names = List.of("one", "two", "three", "four", "five", "six", "seven");
        for (int i = 0; i < names.size(); i++) {
            arg(a, names.get(i), i);
        }
        return true;
    }

    /** {@code passthrough(value, *args, **kwargs)}: the tuple {@code (value, args, kwargs)}. */
    static Object passthrough(Args a) {
        Object value;
        List<Object> rest;
        Map<String, Object> kwargs = new LinkedHashMap<>(a.named());
        if (kwargs.containsKey("value")) {
            value = kwargs.remove("value");
            rest = new ArrayList<>(a.positional());
        } else if (!a.positional().isEmpty()) {
            value = a.positional().getFirst();
            rest = new ArrayList<>(a.positional().subList(1, a.positional().size()));
        } else {
            throw missing(a, "value");
        }
        return tuple(value, Collections.unmodifiableList(rest), Collections.unmodifiableMap(kwargs));
    }

    /** {@code this_or_that(this=None, that=None, the_other=None)}: the ones given and not null, by name. */
    static Object thisOrThat(Args a) {
        Map<String, Object> out = new LinkedHashMap<>();
        int i = 0;
        for (String name : List.of("this", "that", "the_other")) {
            Object v = arg(a, name, i++, null);
            if (v != null) {
                out.put(name, v);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** {@code zip_iter(*args)}: the next value of each iterator, as a tuple. */
    static Object zipIter(Args a) {
        List<Object> out = new ArrayList<>();
        for (Object it : a.positional()) {
            if (!(it instanceof Iterator<?> iterator)) {
                throw new IllegalArgumentException("zip_iter: '" + PyOps.typeName(it) + "' object is not an "
                        + "iterator");
            }
            out.add(iterator.next());
        }
        return Collections.unmodifiableList(out);
    }

    /** {@code fast_forward(generator, n=1)}: steps {@code n} times; the last value. */
    private static Object advance(Args a, String node, String slot) {
        return step(iterator(a, node, slot), PyOps.toLong(arg(a, "n", 1, 1L), node + " n"), node);
    }

    private static Object step(Iterator<?> it, long n, String node) {
        if (n < 1) {
            // noob's loop never assigns its result then, and Python fails (UnboundLocalError)
            throw new IllegalArgumentException(node + ": needs at least one step, got " + n);
        }
        Object value = null;
        for (long i = 0; i < n; i++) {
            value = it.next();
        }
        return value;
    }

    private static Iterator<?> iterator(Args a, String node, String slot) {
        Object v = arg(a, slot, 0);
        if (v instanceof Iterator<?> it) {
            return it;
        }
        throw new IllegalArgumentException(node + ": '" + PyOps.typeName(v) + "' object is not an iterator");
    }

    // ---- sources ----

    /** noob's {@code count_source}: from {@code start} while below {@code limit}; 0 is no limit when allowed. */
    static Iterator<Long> count(long start, long limit, boolean zeroIsEndless) {
        boolean endless = zeroIsEndless && limit == 0;
        return LongStream.iterate(start, v -> endless || v < limit, v -> v + 1).boxed().iterator();
    }

    private static Iterator<Object> sporadic(Params p, Object off) {
        Words words = words(p);
        long every = p.getLong("every", 3);
        if (every == 0) {
            throw new ArithmeticException(p.owner() + ": param 'every' is 0 (integer modulo by zero)");
        }
        return new Iterator<>() {
            private long i;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Object next() {
                i++;
                return i % every == 0 ? words.word() : off;
            }
        };
    }

    /** noob's {@code switch}: fruits, vegetables, minerals in turn, one signal per epoch. */
    private static Iterator<Signals> switching() {
        List<String> fruits = List.of("apple", "banana", "cherry");
        List<String> vegetables = List.of("daikon", "eggplant", "fiddlehead");
        List<String> minerals = List.of("galaxite", "halite", "iolite");
        return LongStream.iterate(0, i -> i + 1).mapToObj(i -> {
            int round = (int) ((i / 3) % 3);
            Object none = Node.NO_EVENT;
            return switch ((int) (i % 3)) {
                case 0 -> Signals.of("fruits", fruits.get(round), "vegetables", none, "minerals", none);
                case 1 -> Signals.of("fruits", none, "vegetables", vegetables.get(round), "minerals", none);
                default -> Signals.of("fruits", none, "vegetables", none, "minerals", minerals.get(round));
            };
        }).iterator();
    }

    /** noob's {@code cycle(start=0, stop=100, step=1)}: {@code range(start, stop, step)} over and over. */
    private static Iterator<Long> cycle(Params p) {
        long start = p.getLong("start", 0);
        long stop = p.getLong("stop", 100);
        long step = p.getLong("step", 1);
        if (step == 0) {
            throw new IllegalArgumentException(p.owner() + ": param 'step' must not be zero");
        }
        if (step > 0 ? start >= stop : start <= stop) {
            throw new IllegalArgumentException(p.owner() + ": range(" + start + ", " + stop + ", " + step
                    + ") is empty, so the cycle would never give a value");
        }
        long length = (stop - start + step + (step > 0 ? -1 : 1)) / step; // len(range(start, stop, step))
        return LongStream.iterate(0, i -> i + 1).map(i -> start + (i % length) * step).boxed().iterator();
    }

    private static Words words(Params p) {
        return new Words(p.has("seed") ? p.getLong("seed", 0) : null);
    }

    // ---- helpers ----

    /** The letter {@code i mod 26} of the alphabet. */
    static String letter(long i) {
        return String.valueOf(ALPHABET.charAt((int) Math.floorMod(i, 26L)));
    }

    /** A required argument: the named slot (or param), else positional slot {@code position}. */
    static Object arg(Args a, String name, int position) {
        if (a.has(name)) {
            return a.get(name);
        }
        if (position < a.positional().size()) {
            return a.positional().get(position);
        }
        throw missing(a, name);
    }

    /** An optional argument: as {@link #arg(Args, String, int)}, else {@code otherwise}. */
    static Object arg(Args a, String name, int position, Object otherwise) {
        if (a.has(name)) {
            return a.get(name);
        }
        return position < a.positional().size() ? a.positional().get(position) : otherwise;
    }

    private static IllegalArgumentException missing(Args a, String name) {
        return new IllegalArgumentException("node '" + a.nodeId() + "': missing required argument '" + name
                + "' (slots and params: " + a.named().keySet() + ", " + a.positional().size() + " positional)");
    }

    private static void sleep(Object seconds) throws InterruptedException {
        if (!(seconds instanceof Number n)) {
            throw new IllegalArgumentException("sleep length must be a number of seconds, got '"
                    + PyOps.typeName(seconds) + "'");
        }
        Thread.sleep(Duration.ofNanos((long) (n.doubleValue() * 1e9)));
    }

    private static List<Object> tuple(Object... values) {
        return Collections.unmodifiableList(Arrays.asList(values));
    }
}
