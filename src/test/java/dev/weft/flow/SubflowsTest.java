package dev.weft.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Subflows: forwarded parent inputs, DFFML's dffml.dataflow.run (uctx mode), and both through data flow files. */
class SubflowsTest {
    static final Definition<Integer> BASE = Definition.of("base", "int");
    static final Definition<Integer> N = Definition.of("n", "int");
    static final Definition<Integer> SUM = Definition.of("sum", "int");

    /** A child that adds a forwarded base to n. */
    static DataFlow child() {
        return DataFlow.builder()
                .operation(Operation.builder("add_base").input("n", N).input("base", BASE).output("sum", SUM).build(),
                        (ctx, in) -> Map.of("sum", (Integer) in.get("n") + (Integer) in.get("base")))
                .operation(Outputs.getSingle(), Outputs.GET_SINGLE)
                .seed(Input.of(List.of("sum"), Outputs.GET_SINGLE_SPEC))
                .build();
    }

    @Test
    void forwardedParentInputsJoinTheChildContext() {
        DataFlow parent = DataFlow.builder()
                .operation(Operation.builder("sub").input("n", N).output("sum", SUM).build(),
                        Subflows.implementation(child()))
                .operation(Outputs.getMulti(), Outputs.GET_MULTI)
                .seed(Input.of(List.of("sum"), Outputs.GET_MULTI_SPEC))
                .forward("sub", BASE)
                .build();
        assertThat(parent.forward()).containsEntry("sub", List.of(BASE));
        assertThat(Weft.run(parent, Input.of(100, BASE), Input.of(1, N))).isEqualTo(Map.of("sum", List.of(101)));
        // without forward, the child never gets a base and its operation never runs: get_single finds no 'sum'
        DataFlow unforwarded = DataFlow.builder()
                .operation(Operation.builder("sub").input("n", N).output("sum", SUM).build(),
                        Subflows.implementation(child())).build();
        assertThatThrownBy(() -> Weft.run(unforwarded, Input.of(100, BASE), Input.of(1, N)))
                .isInstanceOf(OperationException.class).rootCause().hasMessageContaining("'sum' not in context");
        assertThatThrownBy(() -> DataFlow.builder().forward("ghost", BASE).build())
                .isInstanceOf(FlowException.class).hasMessageContaining("forward names instance 'ghost'");
    }

    @Test
    void runDataflowInUctxMode() {
        Definition<Object> request = Definition.of("request", "map");
        DataFlow parent = DataFlow.builder()
                .operation(Operation.builder("make_request").input("r", request).output("inputs", Subflows.FLOW_INPUTS)
                        .build(), (ctx, in) -> Map.of("inputs", in.get("r")))
                .operation(Subflows.runDataflow(), Subflows.RUN_DATAFLOW)
                .config("dffml.dataflow.run", child())
                .operation(Outputs.getSingle(), Outputs.GET_SINGLE)
                .seed(Input.of(List.of("flow_results"), Outputs.GET_SINGLE_SPEC))
                .build();
        Map<String, Object> asked = Map.of(
                "one", List.of(Map.of("value", 1, "definition", "n"), Map.of("value", 10, "definition", "base")),
                "two", List.of(Map.of("value", 2, "definition", "n"), Map.of("value", 20, "definition", "base")));
        Map<String, Object> r = Weft.run(parent, Input.of(asked, request));
        assertThat(r).isEqualTo(Map.of("flow_results", Map.of("one", Map.of("sum", 11), "two", Map.of("sum", 22))));

        Map<String, Object> bad = Map.of("one", List.of(Map.of("value", 1, "definition", "nope")));
        assertThatThrownBy(() -> Weft.run(parent, Input.of(bad, request))).isInstanceOf(OperationException.class)
                .cause().hasMessageContaining("names definition 'nope', which the subflow does not use");
    }

    @Test
    void forwardRoundTripsThroughFiles() {
        DataFlow parent = DataFlow.builder()
                .operation(Operation.builder("sub").input("n", N).output("sum", SUM).build(),
                        Subflows.implementation(child()))
                .forward("sub", BASE)
                .build();
        for (boolean linked : new boolean[] {false, true}) {
            Map<String, Object> exported = DataFlows.export(parent, linked);
            assertThat(exported).containsKey("forward");
            OperationRegistry registry = OperationRegistry.withBuiltins()
                    .register(parent.operations().get("sub"), Subflows.implementation(child()));
            DataFlow back = DataFlows.read(DataFlows.write(parent, FlowFormat.JSON, linked), FlowFormat.JSON, registry);
            assertThat(back.forward().get("sub")).extracting(Definition::name).containsExactly("base");
            assertThat(DataFlows.export(back, linked)).isEqualTo(exported);
        }
    }
}
