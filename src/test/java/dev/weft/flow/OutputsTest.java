package dev.weft.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The output operations over one flow (url -> page -> words), and lineage on a finished context. */
class OutputsTest {
    static final Definition<String> URL = Definition.of("url", "str");
    static final Definition<String> PAGE = Definition.of("page", "str");
    static final Definition<Integer> LENGTH = Definition.of("length", "int");
    static final Definition<String> WORD = Definition.of("word", "str");

    static DataFlow.Builder pages() {
        return DataFlow.builder()
                .operation(Operation.builder("fetch").input("url", URL).output("page", PAGE).build(),
                        (ctx, in) -> Map.of("page", "<" + in.get("url") + "> hello world"))
                .operation(Operation.builder("measure").input("page", PAGE).output("length", LENGTH).build(),
                        (ctx, in) -> Map.of("length", ((String) in.get("page")).length()))
                .operation(Operation.builder("split").input("page", PAGE).output("word", WORD).expand("word").build(),
                        (ctx, in) -> Map.of("word", List.of(((String) in.get("page")).split(" "))));
    }

    static List<Input> urls() {
        return List.of(Input.of("a", URL), Input.of("bb", URL));
    }

    @Test
    void groupByGroupsUnderAncestorsSortedByKey() {
        DataFlow flow = pages().operation(Outputs.groupBy(), Outputs.GROUP_BY)
                .seed(Input.of(Map.of("words", Map.of("group", "word", "by", "url")), Outputs.GROUP_BY_SPEC)).build();
        var r = Orchestrator.withDefaults().run(flow, Map.of("c", urls())).get(0).results();
        @SuppressWarnings("unchecked") Map<String, List<String>> words = (Map<String, List<String>>) r.get("words");
        assertThat(words.keySet()).containsExactly("a", "bb");
        assertThat(words.get("a")).containsExactlyInAnyOrder("<a>", "hello", "world");
        assertThat(words.get("bb")).containsExactlyInAnyOrder("<bb>", "hello", "world");
    }

    @Test
    void associateAndAssociateDefinition() {
        DataFlow flow = pages()
                .operation(Outputs.associate(), Outputs.ASSOCIATE)
                .operation(Outputs.associateDefinition(), Outputs.ASSOCIATE_DEFINITION)
                .seed(Input.of(List.of("url", "length"), Outputs.ASSOCIATE_SPEC),
                        Input.of(Map.of("url", "length"), Outputs.ASSOCIATE_DEFINITION_SPEC)).build();
        var r = Orchestrator.withDefaults().run(flow, Map.of("c", urls())).get(0).results();
        // two output instances: results are keyed by instance
        assertThat(r).isEqualTo(Map.of("associate", Map.of("length", Map.of("a", 15, "bb", 16)),
                "associate_definition", Map.of("a", 15, "bb", 16)));
    }

    @Test
    void lineageOfAnOutputNamesItsSeedAndOperations() {
        DataFlow flow = pages().build();
        var opts = Orchestrator.Options.defaults().withKeepInputs(true);
        ContextResult r = Orchestrator.of(opts).run(flow, Map.of("c", List.of(Input.of("a", URL)))).get(0);
        Input word = r.inputs("word").stream().filter(i -> i.value().equals("hello")).findFirst().orElseThrow();
        Lineage lineage = Lineage.of(word);
        assertThat(lineage.operations()).containsExactly("split", "fetch");
        assertThat(lineage.roots()).extracting(Input::value).containsExactly("a");
        assertThat(r.results()).isEmpty(); // no output operation
        ContextResult plain = Orchestrator.withDefaults().run(flow, Map.of("c", urls())).get(0);
        assertThatThrownBy(() -> plain.inputs("word")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("withKeepInputs(true)");
    }
}
