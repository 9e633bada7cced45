package dev.weft.flow;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.event.EventStatus;

import dev.weft.event.Event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.adapt.BudgetExceededException;
import dev.weft.adapt.Cost;
import dev.weft.adapt.Decision;
import dev.weft.adapt.Goal;
import dev.weft.adapt.Limits;
import dev.weft.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs with an optimisation goal: same results as without, the live view, decisions, metrics, reported costs. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OrchestratorGoalTest {
    private static final long MIB = 1024 * 1024;

    @BeforeAll
    static void quietFailures() {
        Logger.getLogger(Orchestrator.class.getName()).setLevel(Level.SEVERE);
    }

    private static Map<String, List<Input>> calcInputs() {
        Map<String, List<Input>> in = new LinkedHashMap<>();
        for (String line : List.of("add 40 and 2", "multiply 42 and 10", "add 1 and 2", "multiply 7 and 6",
                "add 100 and 23")) {
            in.put(line, List.of(Input.of(line, Calc.CALC_STRING)));
        }
        return in;
    }

    private static Map<String, Map<String, Object>> byContext(List<ContextResult> results) {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        results.forEach(r -> out.put(r.context(), r.results()));
        return out;
    }

    @Test
    void speedAndMemoryGoalsGiveTheSameResultsAsNoGoal() {
        var plain = byContext(Orchestrator.withDefaults().run(Calc.flow(), calcInputs()));
        assertThat(plain).hasSize(5).containsEntry("add 40 and 2", Map.of("result", 42))
                .containsEntry("multiply 42 and 10", Map.of("result", 420));
        for (Orchestrator.Options o : List.of(
                Orchestrator.Options.defaults().withGoal(Goal.SPEED),
                Orchestrator.Options.defaults().withGoal(Goal.SPEED).withMaxContexts(1),
                Orchestrator.Options.defaults().withGoal(Goal.MEMORY).withLimits(Limits.none().withMemoryBudget(64 * MIB)),
                Orchestrator.Options.defaults().withGoal(Goal.BALANCED)
                        .withLimits(Limits.none().withMemoryBudget(64 * MIB).withCpuShare(0.5)))) {
            assertThat(byContext(Orchestrator.of(o).run(Calc.flow(), calcInputs()))).as("goal %s", o.goal())
                    .isEqualTo(plain);
        }
    }

    @Test
    void theRunShowsItsDecisionWhileItRunsAndAfterAndTheListenerHearsTheStartFirst() throws Exception {
        Definition<String> in = Definition.of("in", "str"), out = Definition.of("out", "str");
        CountDownLatch entered = new CountDownLatch(1), release = new CountDownLatch(1);
        DataFlow flow = DataFlow.builder()
                .operation(Operation.builder("hold").input("x", in).output("y", out).build(), (ctx, p) -> {
                    entered.countDown();
                    release.await();
                    return Map.of("y", p.get("x"));
                })
                .operation(Outputs.getMulti(), Outputs.GET_MULTI)
                .seed(Input.of(List.of("out"), Outputs.GET_MULTI_SPEC)).build();
        List<Decision> heard = new CopyOnWriteArrayList<>();
        Orchestrator o = Orchestrator.of(Orchestrator.Options.defaults().withGoal(Goal.MEMORY)
                .withLimits(Limits.none().withMemoryBudget(64 * MIB)).withDecisions(heard::add));
        try (FlowRun run = o.start(flow, Map.of("c", List.of(Input.of("v", in))))) {
            entered.await();
            assertThat(run.limit()).hasValueSatisfying(d -> assertThat(d.limit()).isPositive());
            assertThat(heard).isNotEmpty();
            Decision start = heard.get(0);
            assertThat(start.reason()).isEqualTo(Decision.Reason.START);
            assertThat(start.detail()).contains("goal MEMORY", "budget 64.0 MiB");
            release.countDown();
            assertThat(run.join()).singleElement().extracting(ContextResult::results)
                    .isEqualTo(Map.of("out", List.of("v")));
            // after the run: its last decision (not compared with the last heard: a collection's notification may
            // still be on its way to the listener when the run has closed its limit)
            assertThat(run.limit()).as("after the run").hasValueSatisfying(d -> assertThat(heard).contains(d));
        }
        assertThat(heard.stream().filter(d -> d.reason() == Decision.Reason.START)).hasSize(1);
        try (FlowRun plain = Orchestrator.withDefaults().start(Calc.flow(), calcInputs())) {
            plain.join();
            assertThat(plain.limit()).as("no goal, no limit to show").isEmpty();
        }
    }

    @Test
    void withMetricsTheLimitAndTheQueueAreGauges() {
        Metrics metrics = Metrics.simple();
        MeterRegistry r = metrics.registry();
        List<Decision> heard = new CopyOnWriteArrayList<>();
        Orchestrator o = Orchestrator.of(Orchestrator.Options.defaults().withMetrics(metrics).withGoal(Goal.SPEED)
                .withLimits(Limits.none().withInitialLimit(3)).withDecisions(heard::add));
        assertThat(byContext(o.run(Calc.flow(), calcInputs()))).hasSize(5);
        Gauge limit = r.find("weft.flow.limit").gauge();
        Gauge queued = r.find("weft.flow.queued").gauge();
        assertThat(limit).isNotNull();
        assertThat(queued).isNotNull();
        Decision last = heard.get(heard.size() - 1);
        assertThat(limit.value()).isEqualTo(last.limit());
        assertThat(queued.value()).isEqualTo(last.queued());
        Counter starts = r.find("weft.flow.limit.moves").tag("reason", "START").counter();
        assertThat(starts).isNotNull();
        assertThat(starts.count()).isEqualTo(1);
    }

    private static final Definition<String> IN = Definition.of("in", "str");

    /**
     * A stub operation declaring a tiny cost and reporting, when it runs, one larger than the run's budget (1 MiB):
     * a later run of it, admitted by the reported cost, can never fit.
     */
    private static DataFlow stub(AtomicInteger ran) {
        return DataFlow.builder()
                .operation(Operation.builder("stub").input("x", IN).cost(Cost.memory(1024)).build(), (ctx, p) -> {
                    ran.incrementAndGet();
                    ctx.reportCost(Cost.memory(2 * MIB));
                    return null;
                })
                .build();
    }

    private static Map<String, List<Input>> twoContexts() {
        Map<String, List<Input>> in = new LinkedHashMap<>();
        in.put("a", List.of(Input.of("a", IN)));
        in.put("b", List.of(Input.of("b", IN)));
        return in;
    }

    @Test
    void aReportedCostReplacesTheDeclaredOneForLaterRuns() {
        // one context at a time (the goal's ceiling): whichever runs first reports 2 MiB, and the other's run is then
        // admitted by that, more than the whole budget
        AtomicInteger ran = new AtomicInteger();
        Orchestrator lenient = Orchestrator.of(Orchestrator.Options.defaults().withStrict(false).withMaxContexts(1)
                .withGoal(Goal.MEMORY).withLimits(Limits.none().withMemoryBudget(MIB)));
        List<ContextResult> results = lenient.run(stub(ran), twoContexts());
        assertThat(ran.get()).as("the first run, admitted by its declared 1 KiB").isEqualTo(1);
        assertThat(results).hasSize(2);
        List<OperationException> failures = results.stream().flatMap(r -> r.failures().stream()).toList();
        assertThat(failures).singleElement().satisfies(e -> {
            assertThat(e.instance()).isEqualTo("stub");
            assertThat(e.getCause()).isInstanceOf(BudgetExceededException.class)
                    .hasMessageContaining("operation 'stub' of context '" + e.context() + "' declares 2.0 MiB");
        });

        // without a goal, a reported cost does nothing: every run runs
        AtomicInteger plainRan = new AtomicInteger();
        List<ContextResult> plain = Orchestrator.of(Orchestrator.Options.defaults().withStrict(false)
                .withMaxContexts(1)).run(stub(plainRan), twoContexts());
        assertThat(plain).allSatisfy(r -> assertThat(r.failures()).isEmpty());
        assertThat(plainRan.get()).isEqualTo(2);
    }

    @Test
    void withAGoalCancelAllOnFailureFailsTheEventsOfContextsItNeverStarted() throws Exception {
        // one context at a time: the first fails, and with cancelAllOnFailure the others are never forked; their
        // events must fail rather than stay pending, and the run throws the first failure
        DataFlow failing = DataFlow.builder()
                .operation(Operation.builder("boom").input("x", IN).build(), (ctx, p) -> {
                    throw new IllegalStateException("boom in " + ctx.contextName());
                })
                .build();
        Map<String, List<Input>> three = new LinkedHashMap<>(twoContexts());
        three.put("c", List.of(Input.of("c", IN)));
        try (FlowRun run = Orchestrator.of(Orchestrator.Options.defaults().withMaxContexts(1)
                .withCancelAllOnFailure(true).withGoal(Goal.SPEED)).start(failing, three)) {
            assertThatThrownBy(run::join).hasMessageContaining("boom in a");
            for (String later : List.of("b", "c")) {
                Event e = run.contextEvent(later);
                e.await();
                assertThat(e.query()).as("context %s", later).isEqualTo(EventStatus.FAILED);
            }
        }
    }

    @Test
    void maxOperationsHoldsTheOperationsRunningAtOnceAcrossContexts() {
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        DataFlow work = DataFlow.builder()
                .operation(Operation.builder("work").input("x", IN).build(), (ctx, p) -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000); // work, not synchronisation
                    running.decrementAndGet();
                    return null;
                })
                .build();
        Map<String, List<Input>> contexts = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            contexts.put("c" + i, List.of(Input.of("v" + i, IN)));
        }
        List<ContextResult> results = Orchestrator.of(Orchestrator.Options.defaults().withGoal(Goal.SPEED)
                .withLimits(Limits.none().withMaxOperations(2))).run(work, contexts);
        assertThat(results).hasSize(40);
        assertThat(most.get()).as("operations running at once").isBetween(1, 2);
    }
}
