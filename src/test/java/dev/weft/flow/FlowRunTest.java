package dev.weft.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import dev.weft.event.EventStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs started asynchronously: results in completion order, futures, events, statistics, cancellation. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlowRunTest {
    private static final Duration LONG = Duration.ofSeconds(20);

    private static Map<String, List<Input>> calcInputs() {
        return Map.of("add 40 and 2", List.of(Input.of("add 40 and 2", Calc.CALC_STRING)),
                "multiply 42 and 10", List.of(Input.of("multiply 42 and 10", Calc.CALC_STRING)));
    }

    @Test
    void resultsEventsFutureAndStats() throws Exception {
        try (FlowRun run = Orchestrator.withDefaults().start(Calc.flow(), calcInputs())) {
            List<String> seen = new ArrayList<>();
            run.results().forEach(r -> seen.add(r.context() + "=" + r.results().get("result")));
            assertThat(seen).containsExactlyInAnyOrder("add 40 and 2=42", "multiply 42 and 10=420");
            assertThat(run.event().await(LONG)).isTrue();
            assertThat(run.event().query()).isEqualTo(EventStatus.SUCCESS);
            assertThat(run.contextEvent("add 40 and 2").query()).isEqualTo(EventStatus.SUCCESS);
            assertThat(run.future().get(20, TimeUnit.SECONDS)).hasSize(2);
            assertThat(run.join()).hasSize(2);
            Map<String, OperationStats> stats = run.stats();
            assertThat(stats.get("parse_line").runs()).isEqualTo(2);
            assertThat(stats.get("add").runs()).isEqualTo(1);
            assertThat(stats.get("mult").runs()).isEqualTo(1);
            assertThat(stats.get("get_single").runs()).isEqualTo(2);
            assertThat(stats.get("add").failures()).isZero();
            assertThat(stats.get("add").maxTime()).isLessThanOrEqualTo(stats.get("add").totalTime());
            assertThatThrownBy(() -> run.contextEvent("nope")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no context 'nope' in this run");
        }
    }

    @Test
    void everyOperationRunHasAnEvent() throws Exception {
        List<OperationRun> runs = new java.util.concurrent.CopyOnWriteArrayList<>();
        var inputs = Map.of("good", List.of(Input.of("add 1 and 2", Calc.CALC_STRING)),
                "bad", List.of(Input.of(null, Calc.CALC_STRING)));
        var lenient = Orchestrator.of(Orchestrator.Options.defaults().withStrict(false));
        try (FlowRun run = lenient.start(Calc.flow(), inputs, runs::add)) {
            run.join();
        }
        assertThat(runs).extracting(r -> r.context() + ":" + r.instance())
                .containsExactlyInAnyOrder("good:parse_line", "good:add", "bad:parse_line");
        for (OperationRun r : runs) {
            assertThat(r.event().await(LONG)).isTrue();
            assertThat(r.event().query()).isEqualTo(r.context().equals("bad") ? EventStatus.FAILED
                    : EventStatus.SUCCESS);
        }
        assertThat(runs).filteredOn(r -> r.context().equals("bad")).singleElement()
                .satisfies(r -> assertThat(r.parameters()).containsEntry("line", null)
                        .satisfies(p -> assertThat(r.event().exception()).isPresent()));
    }

    @Test
    void aFailedRunFailsItsEventsFutureAndIterator() throws Exception {
        var inputs = Map.of("bad", List.of(Input.of(null, Calc.CALC_STRING)));
        try (FlowRun run = Orchestrator.withDefaults().start(Calc.flow(), inputs)) {
            assertThatThrownBy(() -> run.results().toList()).isInstanceOf(OperationException.class);
            assertThat(run.event().await(LONG)).isTrue();
            assertThat(run.event().query()).isEqualTo(EventStatus.FAILED);
            assertThat(run.contextEvent("bad").query()).isEqualTo(EventStatus.FAILED);
            assertThatThrownBy(() -> run.future().get()).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(OperationException.class);
            assertThatThrownBy(run::join).isInstanceOf(OperationException.class);
            assertThat(run.stats().get("parse_line").failures()).isEqualTo(1);
        }
    }

    @Test
    void closeCancelsARunningFlowAndWaitsForIt() throws Exception {
        Definition<String> in = Definition.of("in", "str"), out = Definition.of("out", "str");
        CountDownLatch started = new CountDownLatch(1);
        DataFlow stuck = DataFlow.builder()
                .operation(Operation.builder("stuck").input("in", in).output("out", out).build(), (ctx, p) -> {
                    started.countDown();
                    new CountDownLatch(1).await(); // until cancelled
                    return null;
                }).build();
        FlowRun run = Orchestrator.withDefaults().start(stuck, Map.of("c", List.of(Input.of("x", in))));
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(run.contextEvent("c").query()).isEqualTo(EventStatus.SCHEDULED);
        run.close();
        assertThat(run.event().query()).isEqualTo(EventStatus.FAILED);
        assertThat(run.contextEvent("c").isFinished()).isTrue();
    }

    /**
     * The run's thread is held inside its result callback (the first context's) until every other context has
     * succeeded, then interrupted, as {@link FlowRun#cancel()} does: the results waiting to be handed over must still
     * reach the callback. Goes through the package-private run so that the test can see the contexts' events while it
     * holds the callback; {@code Orchestrator.run(flow, inputs, callback)} is the same code without them.
     */
    @Test
    void anInterruptedRunStillDeliversEveryContextThatSucceeded() throws Exception {
        Map<String, List<Input>> contexts = new java.util.LinkedHashMap<>();
        Map<String, dev.weft.event.EventSource> events = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            contexts.put("c" + i, List.of(Input.of("add " + i + " and 1", Calc.CALC_STRING)));
            events.put("c" + i, new dev.weft.event.EventSource("context c" + i));
        }
        Orchestrator orchestrator = Orchestrator.withDefaults();
        var shared = new Orchestrator.Shared(Calc.flow(), orchestrator.options(), events, null);
        List<String> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch inCallback = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        Thread runner = Thread.ofVirtual().start(() -> {
            try {
                orchestrator.run(shared, contexts, r -> {
                    delivered.add(r.context());
                    if (delivered.size() == 1) {
                        inCallback.countDown();
                        try {
                            new CountDownLatch(1).await(); // until interrupted
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt(); // what cancel() leaves behind in a callback
                        }
                    }
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        assertThat(inCallback.await(20, TimeUnit.SECONDS)).isTrue();
        List<String> succeeded = new ArrayList<>();
        for (var e : events.entrySet()) {
            assertThat(e.getValue().event().await(LONG)).as("context %s ended", e.getKey()).isTrue();
            assertThat(e.getValue().event().query()).isEqualTo(EventStatus.SUCCESS);
            succeeded.add(e.getKey());
        }
        runner.interrupt();
        runner.join();
        assertThat(thrown.get()).isInstanceOf(FlowException.class).hasMessageStartingWith("interrupted while running");
        assertThat(delivered).as("contexts handed to the callback").containsExactlyInAnyOrderElementsOf(succeeded);
    }

    @Test
    void aSubflowRunsAsAnOperation() {
        Operation calc = Operation.builder("calc").input("line", Calc.CALC_STRING).output("result", Calc.RESULT).build();
        Definition<Integer> doubled = Definition.of("doubled", "int");
        DataFlow parent = DataFlow.builder()
                .operation(calc, Subflows.implementation(Calc.flow()))
                .operation(Operation.builder("double").input("n", Calc.RESULT).output("d", doubled).build(),
                        (ctx, in) -> Map.of("d", 2 * (Integer) in.get("n")))
                .operation(Outputs.getSingle(), Outputs.GET_SINGLE)
                .seed(Input.of(List.of("doubled"), Outputs.GET_SINGLE_SPEC))
                .build();
        assertThat(Weft.run(parent, Input.of("multiply 6 and 7", Calc.CALC_STRING))).isEqualTo(Map.of("doubled", 84));
        assertThatThrownBy(() -> Weft.run(parent, Input.of(null, Calc.CALC_STRING)))
                .isInstanceOf(OperationException.class).hasMessageContaining("operation calc(")
                .cause().isInstanceOf(OperationException.class).hasMessageContaining("operation parse_line(");
    }

    @Test
    void weftFacadeRunsAFlow() {
        assertThat(Weft.run(Calc.flow(), Input.of("add 1 and 2", Calc.CALC_STRING))).isEqualTo(Map.of("result", 3));
        assertThat(Weft.run(Calc.flow(), calcInputs()))
                .isEqualTo(Map.of("add 40 and 2", Map.of("result", 42), "multiply 42 and 10", Map.of("result", 420)));
    }
}
