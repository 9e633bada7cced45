package dev.weft.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.flow.ContextResult;
import dev.weft.flow.DataFlow;
import dev.weft.flow.Definition;
import dev.weft.flow.Input;
import dev.weft.flow.Operation;
import dev.weft.flow.OperationImplementation;
import dev.weft.flow.OperationRegistry;
import dev.weft.flow.Orchestrator;
import dev.weft.flow.Outputs;
import dev.weft.demo.tube.NoobNodes;
import dev.weft.tube.NodeRegistry;
import dev.weft.tube.Runners;
import dev.weft.tube.Tube;
import dev.weft.tube.TubeRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterInProcessTest {
    static final Definition<Object> COUNT = Definition.of("count", "int");
    static final Definition<Object> ITEM = Definition.of("item", "int");
    static final Definition<Object> OUT = Definition.of("doubled", "int");

    static final Operation ITEMS = Operation.builder("items").input("count", COUNT).output("item", ITEM)
            .expand("item").build();
    static final Operation DOUBLE = Operation.builder("double").input("x", ITEM).output("y", OUT).build();
    static final OperationImplementation ITEMS_IMPL = (ctx, p) -> {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < (Integer) p.get("count"); i++) {
            out.add(i);
        }
        return Map.of("item", out);
    };
    static final OperationImplementation DOUBLE_IMPL = (ctx, p) -> Map.of("y", 2 * (Integer) p.get("x"));

    static DataFlow flow() {
        return DataFlow.builder().operation(ITEMS, ITEMS_IMPL).operation(DOUBLE, DOUBLE_IMPL)
                .operation(Outputs.getMulti(), Outputs.GET_MULTI)
                .seed(Input.of(List.of("doubled"), Outputs.GET_MULTI_SPEC)).build();
    }

    static NodeRegistry noob() {
        NodeRegistry.Builder b = NodeRegistry.builder();
        new NoobNodes().register(b);
        return b.build();
    }

    /** The docs' tubes over a worker in this JVM (Pekko remoting on loopback all the same): the sync runner's values. */
    @Test
    void theDocsTubesRunOnAWorkerWithTheSyncRunnersResults() throws Exception {
        NodeRegistry noob = noob();
        try (Worker w = Worker.start(ClusterOptions.defaults(), OperationRegistry.empty(), noob);
             Cluster c = Cluster.join(ClusterOptions.defaults().withSeeds(w.address().replaceAll(".*@", "")))) {
            c.awaitWorkers(1, Duration.ofSeconds(20));
            for (String file : List.of("basic.yaml", "map.yaml", "gather.yaml")) {
                Tube tube = Tube.read(Path.of("docs/tubes", file), noob);
                List<Object> expected;
                try (TubeRunner s = Runners.sync(tube)) {
                    expected = s.run(10);
                }
                try (TubeRunner r = Runners.cluster(tube, c.nodes())) {
                    assertThat(r.run(10)).as(file).isEqualTo(expected);
                }
            }
            assertThat(c.workers().get(0).completed()).isPositive();
        }
    }

    /** A value the wire does not allow (a plain object), as an input. */
    record Opaque(Object inside) {
    }

    @Test
    void failuresNameWhatFailedAndWhere() throws Exception {
        Operation boom = Operation.builder("boom").input("x", ITEM).output("y", OUT).build();
        OperationImplementation boomImpl = (ctx, p) -> {
            throw new IllegalStateException("no " + p.get("x"));
        };
        OperationRegistry ops = OperationRegistry.empty().register(DOUBLE, DOUBLE_IMPL).register(boom, boomImpl);
        try (Worker w = Worker.start(ClusterOptions.defaults(), ops, NodeRegistry.builder().build());
             Cluster c = Cluster.join(ClusterOptions.defaults().withSeeds(w.address().replaceAll(".*@", ""))
                     .withWorkerTimeout(Duration.ofSeconds(2)))) {
            c.awaitWorkers(1, Duration.ofSeconds(20));
            // thrown on the worker: its class name and message come back, naming the operation, context and member
            DataFlow failing = c.place(DataFlow.builder().operation(boom, boomImpl).build(), Placement.all());
            assertThatThrownBy(() -> Orchestrator.withDefaults().run(failing, Map.of("ctx-1",
                    List.of(Input.of(7, ITEM))))).hasCauseInstanceOf(RemoteFailureException.class)
                    .cause().hasMessageContaining("operation 'boom'").hasMessageContaining("context 'ctx-1'")
                    .hasMessageContaining(w.address()).hasMessageContaining("java.lang.IllegalStateException: no 7");
            // a value that may not cross is refused before anything is sent
            int before = (int) c.workers().get(0).completed();
            assertThatThrownBy(() -> Orchestrator.withDefaults().run(c.place(DataFlow.builder()
                    .operation(DOUBLE, DOUBLE_IMPL).build(), Placement.all()), Map.of("ctx-2",
                    List.of(Input.of(new Opaque(new Object()), ITEM))))).hasCauseInstanceOf(WireException.class)
                    .cause().hasMessageContaining("inputs of operation 'double'").hasMessageContaining("ctx-2")
                    .hasMessageContaining(Opaque.class.getName());
            assertThat(c.workers().get(0).completed()).isEqualTo(before);
            // no worker offers it: a clear error after the worker timeout, naming the operation
            Operation missing = Operation.builder("missing").input("x", ITEM).output("y", OUT).build();
            assertThatThrownBy(() -> Orchestrator.withDefaults().run(c.place(DataFlow.builder()
                    .operation(missing, DOUBLE_IMPL).build(), Placement.all()), Map.of("ctx-3",
                    List.of(Input.of(1, ITEM))))).hasCauseInstanceOf(ClusterException.class).cause()
                    .hasMessageContaining("no worker offers operation 'missing'");
            // Placement.only checks its names; forGoal(SPEED) runs locally what finds no worker
            assertThatThrownBy(() -> c.place(flow(), Placement.only("nope")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nope'");
            assertThatThrownBy(() -> c.place(flow(), Placement.only("get_multi")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("output or cleanup");
            List<ContextResult> spilled = Orchestrator.withDefaults().run(c.place(DataFlow.builder()
                    .operation(missing, DOUBLE_IMPL).build(), Placement.forGoal(dev.weft.adapt.Goal.SPEED)),
                    Map.of("ctx-4", List.of(Input.of(4, ITEM))));
            assertThat(spilled).hasSize(1);
        }
    }

    @Test
    void aFlowRunsOnAWorkerInTheSameProcess() throws Exception {
        OperationRegistry ops = OperationRegistry.empty().register(DOUBLE, DOUBLE_IMPL);
        try (Worker w = Worker.start(ClusterOptions.defaults(), ops, NodeRegistry.builder().build());
             Cluster c = Cluster.join(ClusterOptions.defaults().withSeeds(w.address().replaceAll(".*@", "")))) {
            c.awaitWorkers(1, Duration.ofSeconds(20));
            DataFlow placed = c.place(flow(), Placement.only("double"));
            List<ContextResult> r = Orchestrator.withDefaults().run(placed, Map.of("c",
                    List.of(Input.of(100, COUNT))));
            assertThat((List<?>) r.get(0).results().get("doubled")).hasSize(100);
            assertThat(c.workers().get(0).completed()).isEqualTo(100);
        }
    }
}
