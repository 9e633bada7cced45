package dev.weft.tube;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
}
