package dev.weft.tube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TubeValidationTest {
    private final NodeRegistry reg = TubeKit.registry();

    private TubeSpec base() {
        return Tube.builder("t").withNode("a", NodeSpec.of("count_source"));
    }

    @Test
    void aCycleIsRefusedAndNamed() {
        TubeSpec s = Tube.builder("cycle")
                .withNode("a", NodeSpec.of("multiply").withNamedDepends("left", "c.value"))
                .withNode("b", NodeSpec.of("multiply").withNamedDepends("left", "a.value"))
                .withNode("c", NodeSpec.of("multiply").withNamedDepends("left", "b.value"));
        assertThatThrownBy(() -> s.build(reg)).isInstanceOf(TubeException.class)
                .hasMessageContaining("tube 'cycle'").hasMessageContaining("cycle: ")
                .hasMessageMatching("(?s).*(a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c).*");
    }

    @Test
    void everyProblemNamesTheNodeAndField() {
        assertThatThrownBy(() -> base().withNode("b", NodeSpec.of("nope")).build(reg))
                .hasMessageContaining("node 'b' field 'type'").hasMessageContaining("no node type 'nope'");
        assertThatThrownBy(() -> base().withNode("b", NodeSpec.of("multiply").withNamedDepends("left", "x.value"))
                .build(reg)).hasMessageContaining("node 'b' field 'depends'").hasMessageContaining("no node 'x'");
        assertThatThrownBy(() -> base().withNode("b", NodeSpec.of("multiply").withNamedDepends("left", "a.nope"))
                .build(reg)).hasMessageContaining("node 'a' has no signal 'nope' (its signals: [index])");
        assertThatThrownBy(() -> base().withNode("r1", NodeSpec.of("return").withDepends("a.index"))
                .withNode("r2", NodeSpec.of("return").withDepends("a.index")).build(reg))
                .hasMessageContaining("node 'r2' field 'type'").hasMessageContaining("at most one return node");
        assertThatThrownBy(() -> base().withNode("r", NodeSpec.of("return").withDepends("a.index"))
                .withNode("b", NodeSpec.of("multiply").withNamedDepends("left", "r.value")).build(reg))
                .hasMessageContaining("'r' is the return node");
        assertThatThrownBy(() -> base().withNode("b", NodeSpec.of("count_source").withNamedDepends("x", "a.index"))
                .build(reg)).hasMessageContaining("node 'b' field 'depends'").hasMessageContaining("is a source");
        assertThatThrownBy(() -> base().withNode("g", NodeSpec.of("gather").withNamedDepends("value", "a.index"))
                .build(reg)).hasMessageContaining("node 'g' field 'params'").hasMessageContaining("needs n");
        assertThatThrownBy(() -> base().withNode("m", NodeSpec.of("map").withDepends(Depends.list("a.index",
                "a.index"))).build(reg)).hasMessageContaining("node 'm' field 'depends'")
                .hasMessageContaining("exactly one dependency");
        assertThatThrownBy(() -> base().withNode("s", NodeSpec.of("add").withNamedDepends("left", "a.index"))
                .build(reg)).hasMessageContaining("slot 'right' of type 'add' is given neither");
        assertThatThrownBy(() -> base().withNode("s", NodeSpec.of("add").withNamedDepends("left", "a.index",
                "right", "a.index", "third", "a.index")).build(reg)).hasMessageContaining("has no slot 'third'");
        assertThatThrownBy(() -> base().withNode("b", NodeSpec.of("multiply").withNamedDepends("left", "input.x"))
                .build(reg)).hasMessageContaining("no input 'x' is declared");
        assertThatThrownBy(() -> base().withInput("x", InputSpec.of(InputSpec.Scope.PROCESS))
                .withNode("b", NodeSpec.of("multiply").withParam("left", "input.x")).build(reg))
                .hasMessageContaining("node 'b' field 'params'").hasMessageContaining("process-scoped input 'x'");
        assertThatThrownBy(() -> base().withAsset("db", AssetSpec.of("nope", AssetSpec.Scope.RUNNER)).build(reg))
                .hasMessageContaining("asset 'db' field 'type'");
        assertThatThrownBy(() -> base().withAsset("db", AssetSpec.of("counter", AssetSpec.Scope.PROCESS)
                .withDepends("a.index")).build(reg)).hasMessageContaining("only a runner-scoped asset takes depends");
        assertThatThrownBy(() -> base().withNode("a", NodeSpec.of("count_source").withStateful(false)).build(reg))
                .hasMessageContaining("a source is always stateful");
    }

    @Test
    void aNodeDependingOnTwoUnrelatedMapsIsRefused() {
        TubeSpec s = Tube.builder("double-map")
                .withNode("wa", NodeSpec.of("word_source"))
                .withNode("wb", NodeSpec.of("word_source"))
                .withNode("ma", NodeSpec.of("map").withNamedDepends("value", "wa.word"))
                .withNode("mb", NodeSpec.of("map").withNamedDepends("value", "wb.word"))
                .withNode("c", NodeSpec.of("add").withNamedDepends("left", "ma.value", "right", "mb.value"));
        assertThatThrownBy(() -> s.build(reg)).isInstanceOf(TubeException.class)
                .hasMessageContaining("node 'c' field 'depends'").hasMessageContaining("two unrelated maps")
                .hasMessageContaining("ma").hasMessageContaining("mb");
    }

    @Test
    void aTubeThatIncludesItselfIsRefused() {
        TubeSpec loop = Tube.builder("loop").withNode("t", NodeSpec.of("tube").withParam("tube", "loop"));
        NodeRegistry r = NodeRegistry.builder().registerAll(reg).registerTube(loop).build();
        assertThatThrownBy(() -> loop.build(r)).hasMessageContaining("includes itself");
    }

    @Test
    void inputsAreCheckedWhenGiven() {
        Tube t = Tube.builder("inputs")
                .withInput("x", InputSpec.of(InputSpec.Scope.PROCESS))
                .withInput("start", InputSpec.of(InputSpec.Scope.TUBE).withDefault(10L))
                .withNode("a", NodeSpec.of("count_source").withParam("start", "input.start"))
                .withNode("b", NodeSpec.of("add").withNamedDepends("left", "a.index", "right", "input.x"))
                .withNode("r", NodeSpec.of("return").withDepends("b.value"))
                .build(reg);
        assertThatThrownBy(() -> t.withInput(Map.of("nope", 1))).hasMessageContaining("input 'nope'");
        try (TubeRunner r = Runners.sync(t)) {
            assertThatThrownBy(r::process).hasMessageContaining("input 'x' (process-scoped) is required");
            assertThatThrownBy(() -> r.process(Map.of("y", 1))).hasMessageContaining("has no input 'y'");
            assertThat(r.process(Map.of("x", 1L))).isEqualTo(11L);
        }
        try (TubeRunner r = Runners.sync(t.withInput(Map.of("start", 100L)))) {
            assertThat(r.process(Map.of("x", 1L))).isEqualTo(101L);
        }
    }

    @Test
    void aNodeReturningAnUndeclaredSignalFailsNamingIt() {
        NodeRegistry r = NodeRegistry.builder().registerAll(reg)
                .register("liar", NodeType.function(a -> Signals.of("other", 1)).withSignals("one"))
                .register("plain_multi", NodeType.function(a -> 1).withSignals("one", "two"))
                .build();
        Tube liar = base().withNode("b", NodeSpec.of("liar").withNamedDepends("v", "a.index")).build(r);
        try (TubeRunner runner = Runners.sync(liar)) {
            assertThatThrownBy(runner::process).isInstanceOf(NodeFailedException.class)
                    .hasMessageContaining("returned signal 'other', which it does not declare");
        }
        Tube multi = base().withNode("b", NodeSpec.of("plain_multi").withNamedDepends("v", "a.index")).build(r);
        try (TubeRunner runner = Runners.sync(multi)) {
            assertThatThrownBy(runner::process).hasMessageContaining("must return a Signals naming them");
        }
    }

    @Test
    void theTopologicalOrderPutsEveryNodeAfterItsDependencies() {
        Tube t = Tube.builder("order")
                .withNode("c", NodeSpec.of("add").withNamedDepends("left", "b.value", "right", "a.index"))
                .withNode("b", NodeSpec.of("multiply").withNamedDepends("left", "a.index"))
                .withNode("a", NodeSpec.of("count_source"))
                .build(reg);
        assertThat(t.topologicalOrder()).containsExactly("a", "b", "c");
    }
}
