package dev.weft.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import dev.weft.metrics.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a data flow run records: per-operation timers by instance and outcome, its scopes, operations' own meters. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsFlowTest {

    @BeforeAll
    static void quietFailures() {
        Logger.getLogger(Orchestrator.class.getName()).setLevel(Level.SEVERE);
    }

    private static long runs(MeterRegistry r, String instance, String outcome) {
        Timer t = r.find("weft.operation.run").tags("operation", instance, "outcome", outcome).timer();
        return t == null ? 0 : t.count();
    }

    @Test
    void calcFlowCountsEachOperationAndMatchesOperationStats() {
        Metrics metrics = Metrics.simple();
        MeterRegistry r = metrics.registry();
        var orchestrator = Orchestrator.of(Orchestrator.Options.defaults().withMetrics(metrics));
        FlowRun run = orchestrator.start(Calc.flow(), Map.of(
                "add 40 and 2", List.of(Input.of("add 40 and 2", Calc.CALC_STRING)),
                "add 1 and 2", List.of(Input.of("add 1 and 2", Calc.CALC_STRING)),
                "multiply 42 and 10", List.of(Input.of("multiply 42 and 10", Calc.CALC_STRING))));
        run.results().forEach(result -> assertThat(result.failures()).isEmpty());
        assertThat(runs(r, "parse_line", "succeeded")).isEqualTo(3);
        assertThat(runs(r, "add", "succeeded")).isEqualTo(2);
        assertThat(runs(r, "mult", "succeeded")).isEqualTo(1);
        assertThat(runs(r, "parse_line", "failed")).isZero();
        // the meters agree with the run's own statistics
        run.stats().forEach((instance, stats) -> {
            assertThat(runs(r, instance, "succeeded") + runs(r, instance, "failed")).isEqualTo(stats.runs());
            assertThat(runs(r, instance, "failed")).isEqualTo(stats.failures());
        });
        // contexts are tasks of scope 'flow'; every context's own scope shares one tag
        assertThat(r.get("weft.task.ended").tags("scope", "flow", "outcome", "succeeded").timer().count())
                .isEqualTo(3);
        assertThat(r.get("weft.scope.started").tags("scope", "flow.context").counter().count()).isEqualTo(3);
        assertThat(r.get("weft.task.active").tags("scope", "flow.context").gauge().value()).isZero();
    }

    private static FlowRun startRun(Metrics metrics) {
        Definition<String> in = Definition.of("in", "str"), out = Definition.of("out", "str");
        DataFlow flow = DataFlow.builder()
                .operation(Operation.builder("maybe").input("in", in).output("out", out).build(), (ctx, p) -> {
                    Weft.metrics().counter("inputs.seen").increment();
                    Weft.metrics().progress("maybe").estimate(Duration.ofSeconds(7));
                    if (p.get("in").equals("bad")) {
                        throw new IllegalArgumentException("bad input");
                    }
                    return Map.of("out", p.get("in"));
                })
                .operation(Outputs.getMulti(), Outputs.GET_MULTI)
                .seed(Input.of(List.of("out"), Outputs.GET_MULTI_SPEC)).build();
        var lenient = Orchestrator.of(Orchestrator.Options.defaults().withStrict(false).withMetrics(metrics));
        return lenient.start(flow, Map.of("c", List.of(Input.of("good", in), Input.of("bad", in),
                Input.of("fine", in))));
    }

    @Test
    void failuresAreCountedAndOperationsReportTaggedWithTheirInstance() {
        Metrics metrics = Metrics.simple().withTags("flow", "maybe");
        MeterRegistry r = metrics.registry();
        FlowRun run = startRun(metrics);
        ContextResult result = run.results().toList().get(0);
        assertThat(result.failures()).hasSize(1);
        assertThat(runs(r, "maybe", "succeeded")).isEqualTo(2);
        assertThat(runs(r, "maybe", "failed")).isEqualTo(1);
        assertThat(r.get("weft.operation.run").tags("flow", "maybe", "operation", "maybe").timers()).hasSize(2);
        assertThat(run.stats().get("maybe").failures()).isEqualTo(1);
        // the operation's own meters carry the run's tags and its instance
        assertThat(r.get("inputs.seen").tags("flow", "maybe", "operation", "maybe").counter().count()).isEqualTo(3);
        assertThat(r.get("weft.progress.remaining").tags("operation", "maybe", "progress", "maybe").timeGauge()
                .value(TimeUnit.SECONDS)).isEqualTo(7.0);
        // operations run as tasks of the context's scope; the task catches the operation's failure and hands it to
        // the run (which records it, non-strict), so the task itself succeeds: the operation timer is what fails
        assertThat(r.get("weft.task.ended").tags("scope", "flow.context", "outcome", "failed").timer().count())
                .isZero();
        assertThat(r.get("weft.task.ended").tags("scope", "flow.context", "outcome", "succeeded").timer().count())
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void withoutMetricsOperationsSeeNone() {
        Definition<String> in = Definition.of("in", "str"), out = Definition.of("out", "str");
        DataFlow flow = DataFlow.builder()
                .operation(Operation.builder("probe").input("in", in).output("out", out).build(),
                        (ctx, p) -> Map.of("out", String.valueOf(Weft.metrics().isEnabled())))
                .operation(Outputs.getSingle(), Outputs.GET_SINGLE)
                .seed(Input.of(List.of("out"), Outputs.GET_SINGLE_SPEC)).build();
        var result = Orchestrator.withDefaults().run(flow, Map.of("c", List.of(Input.of("x", in))));
        assertThat(result.get(0).results()).isEqualTo(Map.of("out", "false"));
    }
}
