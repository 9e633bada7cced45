package dev.weft.tube;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/** A small node library for the tube tests (noob's testing nodes, the few these tests need). */
final class TubeKit {
    private TubeKit() {
    }

    static final List<String> WORDS = List.of("lorem", "ipsum", "dolor", "sit", "amet", "consectetur",
            "adipiscing", "elit");

    static NodeRegistry registry() {
        return NodeRegistry.builder()
                .register("count_source", NodeType.source(p -> LongStream.iterate(p.getLong("start", 0), i -> i + 1)
                        .iterator()).withSignals("index"))
                .register("letter_source", NodeType.source(p -> IntStream.iterate('a', c -> c + 1)
                        .mapToObj(c -> Character.toString(c)).iterator()).withSignals("letter"))
                .register("word_source", NodeType.source(p -> cycle(WORDS)).withSignals("word"))
                .register("multiply", NodeType.function(a -> ((Number) a.get("left")).longValue()
                        * ((Number) a.getOrDefault("right", 2)).longValue()))
                .register("add", NodeType.function("left", "right", (Number l, Number r) -> l.longValue()
                        + r.longValue()))
                .register("concat", NodeType.function(a -> String.join("", a.<List<String>>get(0))))
                .register("exclaim", NodeType.function(a -> a.get("string") + "!".repeat(
                        ((Number) a.getOrDefault("hype", 1)).intValue())))
                .register("every_third", NodeType.node(p -> args -> {
                    long i = ((Number) args.get("value")).longValue();
                    return i % 3 == 2 ? "word" + i : Node.NO_EVENT;
                }))
                .register("error", NodeType.function(a -> {
                    throw new IllegalStateException("this node always fails");
                }))
                .register("running_sum", NodeType.object(p -> new RunningSum()))
                .register("bump", NodeType.function(a -> ((AtomicLong) a.get("counter")).incrementAndGet()))
                .register("words", NodeType.source(p -> cycle(List.of(List.of("ab", "cde"), List.of("f"),
                        List.of("gh", "i", "jk")))).withSignals("words"))
                .register("switch", NodeType.function(a -> {
                    long i = ((Number) a.get("value")).longValue();
                    return i % 2 == 0 ? Signals.of("even", i) : Signals.of("odd", i, "even", Node.NO_EVENT);
                }).withSignals("even", "odd"))
                .register("nullable", NodeType.function(a -> null))
                .registerAsset("counter", p -> new AtomicLong(p.getLong("start", 0)))
                .registerAsset("number", p -> p.getLong("start", 0))
                .build();
    }

    static <T> Iterator<T> cycle(List<T> items) {
        return new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public T next() {
                return items.get(i++ % items.size());
            }
        };
    }

    /** A class node: stateful by default. */
    public static final class RunningSum {
        private long sum;

        public long process(long value) {
            sum += value;
            return sum;
        }
    }

    static Function<Tube, TubeRunner> SYNC = Runners::sync;
    static Function<Tube, TubeRunner> CONCURRENT = Runners::concurrent;
}
