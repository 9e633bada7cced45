package dev.weft.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The orchestrator on DFFML's own test cases and Weft's fixes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OrchestratorTest {
    private static final Orchestrator ORCHESTRATOR = Orchestrator.withDefaults();

    @BeforeAll
    static void quietRetries() {
        Logger.getLogger(Orchestrator.class.getName()).setLevel(Level.SEVERE); // retries and non-strict failures
    }

    private static Map<String, Object> byContext(List<ContextResult> results, String key) {
        Map<String, Object> out = new HashMap<>();
        for (ContextResult r : results) {
            out.put(r.context(), r.results().get(key));
        }
        return out;
    }

    @Test
    void dffmlCalcFlow() {
        List<ContextResult> results = ORCHESTRATOR.run(Calc.flow(), Map.of(
                "add 40 and 2", List.of(Input.of("add 40 and 2", Calc.CALC_STRING)),
                "multiply 42 and 10", List.of(Input.of("multiply 42 and 10", Calc.CALC_STRING))));
        assertThat(byContext(results, "result")).isEqualTo(Map.of("add 40 and 2", 42, "multiply 42 and 10", 420));
        assertThat(results).allSatisfy(r -> assertThat(r.failures()).isEmpty());
    }

    @Test
    void autoFlowWiresProducersAndSeed() {
        DataFlow flow = Calc.flow();
        assertThat(flow.flow().get("add").inputs().get("numbers"))
                .containsExactly(InputFlow.Source.output("parse_line", "numbers"));
        assertThat(flow.flow().get("add").conditions()).containsExactly(InputFlow.Source.output("parse_line", "add"));
        assertThat(flow.flow().get("parse_line").inputs().get("line")).containsExactly(InputFlow.Source.seed());
        assertThat(flow.definitions()).containsKeys("calc_string", "numbers", "result", "get_single_spec");
    }

    @Test
    void noContextsReturnsAtOnce() {
        assertThat(ORCHESTRATOR.run(Calc.flow(), Map.of())).isEmpty(); // DFFML hangs here
    }

    @Test
    void conditionsMustAllHoldUnlessDffmlCompatible() {
        Definition<Boolean> a = Definition.of("a", "bool"), b = Definition.of("b", "bool");
        Definition<String> out = Definition.of("out", "str");
        Operation guarded = Operation.builder("guarded").output("out", out).condition(a).condition(b).build();
        DataFlow flow = DataFlow.builder().operation(guarded, (ctx, in) -> Map.of("out", "ran"))
                .operation(Outputs.getMulti(), Outputs.GET_MULTI)
                .seed(Input.of(List.of("out"), Outputs.GET_MULTI_SPEC))
                .build();
        Map<String, List<Input>> inputs = Map.of("ctx", List.of(Input.of(false, a), Input.of(true, b)));
        // Weft: a is false, so the operation does not run and get_multi finds no 'out'
        assertThatThrownBy(() -> ORCHESTRATOR.run(flow, inputs)).isInstanceOf(OperationException.class)
                .hasMessageContaining("get_multi").rootCause().hasMessageContaining("definition 'out' not in context");
        // DFFML: the first true condition (b) is enough
        var dffml = Orchestrator.of(Orchestrator.Options.defaults().withDffmlCompatibleConditions(true));
        assertThat(dffml.run(flow, inputs).get(0).results()).isEqualTo(Map.of("out", List.of("ran")));
        // both true: runs with either semantics
        assertThat(ORCHESTRATOR.run(flow, Map.of("ctx", List.of(Input.of(true, a), Input.of(true, b))))
                .get(0).results()).isEqualTo(Map.of("out", List.of("ran")));
    }

    /**
     * DFFML's {@code _check_conditions}: the i-th condition source is matched only against inputs of the i-th
     * condition, and the first source whose (last) matching input is true lets the operation run. So with two seed
     * conditions any true one is enough, whichever its position, in the explicit flow {@code [seed, seed]} and in the
     * automatic one (which keeps both: see {@link DataFlow}). Weft's own check wants both.
     */
    @Test
    void dffmlCompatibleConditionsMatchEachSourceWithItsOwnCondition() {
        Definition<Boolean> c1 = Definition.of("cond1", "bool"), c2 = Definition.of("cond2", "bool");
        Definition<String> x = Definition.of("x", "str");
        AtomicInteger runs = new AtomicInteger();
        Operation guarded = Operation.builder("guarded").input("x", x).condition(c1).condition(c2).build();
        DataFlow auto = DataFlow.builder().operation(guarded, (ctx, in) -> {
            runs.incrementAndGet();
            return null;
        }).build();
        DataFlow explicit = DataFlow.builder().operation(guarded, (ctx, in) -> {
            runs.incrementAndGet();
            return null;
        }).flow("guarded", new InputFlow(Map.of("x", List.of(InputFlow.Source.seed())),
                List.of(InputFlow.Source.seed(), InputFlow.Source.seed()))).build();
        assertThat(auto.flow().get("guarded").conditions())
                .containsExactly(InputFlow.Source.seed(), InputFlow.Source.seed());
        var dffml = Orchestrator.of(Orchestrator.Options.defaults().withDffmlCompatibleConditions(true));
        Map<String, Boolean> ran = new java.util.TreeMap<>();
        Map<String, Boolean> expected = new java.util.TreeMap<>();
        for (boolean v1 : new boolean[] {true, false}) {
            for (boolean v2 : new boolean[] {true, false}) {
                for (var flow : Map.of("auto", auto, "explicit", explicit).entrySet()) {
                    for (var orchestrator : Map.of("dffml", dffml, "weft", ORCHESTRATOR).entrySet()) {
                        String key = orchestrator.getKey() + " " + flow.getKey() + " (" + v1 + ", " + v2 + ")";
                        runs.set(0);
                        orchestrator.getValue().run(flow.getValue(), Map.of("c",
                                List.of(Input.of("x", x), Input.of(v1, c1), Input.of(v2, c2))));
                        ran.put(key, runs.get() == 1);
                        expected.put(key, orchestrator.getKey().equals("dffml") ? v1 || v2 : v1 && v2);
                    }
                }
            }
        }
        assertThat(ran).isEqualTo(expected);
    }

    /** DFFML's seed_inputs appends the flow's seed to the inputs a context is given, so they come first. */
    @Test
    void aContextsOwnInputsComeBeforeTheSeed() {
        Definition<Integer> a = Definition.of("A", "int");
        DataFlow flow = DataFlow.builder()
                .operation(Outputs.getMulti(), Outputs.GET_MULTI)
                .seed(Input.of(1, a), Input.of(List.of("A"), Outputs.GET_MULTI_SPEC))
                .build();
        var r = ORCHESTRATOR.run(flow, Map.of("c", List.of(Input.of(5, a))));
        assertThat(r.get(0).results()).isEqualTo(Map.of("A", List.of(5, 1)));
    }

    @Test
    void equalValuesInDistinctInputsBothRun() {
        Definition<Integer> n = Definition.of("n", "int"), doubled = Definition.of("doubled", "int");
        AtomicInteger runs = new AtomicInteger();
        DataFlow flow = DataFlow.builder()
                .operation(Operation.builder("double").input("n", n).output("d", doubled).build(), (ctx, in) -> {
                    runs.incrementAndGet();
                    return Map.of("d", 2 * (Integer) in.get("n"));
                })
                .operation(Outputs.getMulti(), Outputs.GET_MULTI)
                .seed(Input.of(List.of("doubled"), Outputs.GET_MULTI_SPEC))
                .build();
        var r = ORCHESTRATOR.run(flow, Map.of("c", List.of(Input.of(3, n), Input.of(3, n))));
        assertThat(runs.get()).isEqualTo(2);
        assertThat(r.get(0).results()).isEqualTo(Map.of("doubled", List.of(6, 6)));
    }

    @Test
    void cartesianProductOverTheWholeContextEachSetOnce() {
        Definition<String> x = Definition.of("x", "str"), y = Definition.of("y", "str"), pair = Definition.of("pair", "str");
        ConcurrentLinkedQueue<String> ran = new ConcurrentLinkedQueue<>();
        DataFlow flow = DataFlow.builder()
                .operation(Operation.builder("pair").input("x", x).input("y", y).output("p", pair).build(),
                        (ctx, in) -> {
                            ran.add(in.get("x") + "" + in.get("y"));
                            return null; // no outputs
                        })
                .build();
        ORCHESTRATOR.run(flow, Map.of("c", List.of(Input.of("a", x), Input.of("b", x), Input.of("1", y),
                Input.of("2", y))));
        assertThat(ran).containsExactlyInAnyOrder("a1", "a2", "b1", "b2");
    }

    @Test
    void expandGivesOneInputPerElementAndDefaultsFillMissingInputs() {
        Definition<List<Integer>> list = Definition.of("list", "List[int]");
        Definition<Integer> item = Definition.of("item", "int"), scaled = Definition.of("scaled", "int");
        Definition<Integer> factor = Definition.<Integer>of("factor", "int").withDefault(10);
        DataFlow flow = DataFlow.builder()
                .operation(Operation.builder("split").input("list", list).output("item", item).expand("item").build(),
                        (ctx, in) -> Map.of("item", in.get("list")))
                .operation(Operation.builder("scale").input("item", item).input("factor", factor)
                        .output("scaled", scaled).build(),
                        (ctx, in) -> Map.of("scaled", (Integer) in.get("item") * (Integer) in.get("factor")))
                .operation(Outputs.getMulti(), Outputs.GET_MULTI)
                .seed(Input.of(List.of("scaled"), Outputs.GET_MULTI_SPEC))
                .build();
        var r = ORCHESTRATOR.run(flow, Map.of("c", List.of(Input.of(List.of(1, 2, 3), list))));
        @SuppressWarnings("unchecked") List<Integer> values = (List<Integer>) r.get(0).results().get("scaled");
        assertThat(values).containsExactlyInAnyOrder(10, 20, 30);
    }

    @Test
    void severalOutputSetsAndAutoStart() {
        Definition<Integer> tick = Definition.of("tick", "int");
        DataFlow flow = DataFlow.builder()
                .operation(Operation.builder("ticks").output("tick", tick).build(),
                        (ctx, in) -> Stream.of(Map.of("tick", 1), Map.of("tick", 2), Map.of("tick", 3)))
                .operation(Outputs.getMulti(), Outputs.GET_MULTI)
                .seed(Input.of(List.of("tick"), Outputs.GET_MULTI_SPEC))
                .build();
        var r = ORCHESTRATOR.run(flow, Map.of("c", List.of()));
        assertThat(r.get(0).results()).isEqualTo(Map.of("tick", List.of(1, 2, 3)));
    }

    @Test
    void retryCountsAttemptsInTotal() {
        Definition<String> in = Definition.of("in", "str"), out = Definition.of("out", "str");
        AtomicInteger attempts = new AtomicInteger();
        OperationImplementation flaky = (ctx, p) -> {
            int n = attempts.incrementAndGet();
            if (n <= 2) {
                throw new IOException("failure " + n);
            }
            return Map.of("out", "ok after " + n);
        };
        DataFlow three = DataFlow.builder()
                .operation(Operation.builder("flaky").input("in", in).output("out", out).retry(3).build(), flaky)
                .operation(Outputs.getSingle(), Outputs.GET_SINGLE)
                .seed(Input.of(List.of("out"), Outputs.GET_SINGLE_SPEC)).build();
        assertThat(ORCHESTRATOR.run(three, Map.of("c", List.of(Input.of("x", in)))).get(0).results())
                .isEqualTo(Map.of("out", "ok after 3"));

        attempts.set(0);
        DataFlow two = DataFlow.builder()
                .operation(Operation.builder("flaky").input("in", in).output("out", out).retry(2).build(), flaky)
                .build();
        assertThatThrownBy(() -> ORCHESTRATOR.run(two, Map.of("c", List.of(Input.of("x", in)))))
                .isInstanceOf(OperationException.class)
                .hasMessage("operation flaky({in=in}): {in=x} failed in context 'c': java.io.IOException: failure 2")
                .cause().hasMessage("failure 2");
        assertThat(attempts.get()).isEqualTo(2);
    }

    @Test
    void strictFailureFailsItsContextOnlyNonStrictRecordsIt() {
        List<ContextResult> delivered = new ArrayList<>();
        assertThatThrownBy(() -> ORCHESTRATOR.run(Calc.flow(), Map.of(
                "add 40 and 2", List.of(Input.of("add 40 and 2", Calc.CALC_STRING)),
                "bad", List.of(Input.of(null, Calc.CALC_STRING))), delivered::add))
                .isInstanceOf(OperationException.class)
                .hasMessageStartingWith("operation parse_line({line=calc_string}): {line=null} failed in context 'bad'")
                .satisfies(e -> assertThat(((OperationException) e).context()).isEqualTo("bad"));
        assertThat(delivered).extracting(ContextResult::context).containsExactly("add 40 and 2");

        var lenient = Orchestrator.of(Orchestrator.Options.defaults().withStrict(false));
        Definition<String> in = Definition.of("in", "str"), out = Definition.of("out", "str");
        DataFlow flow = DataFlow.builder()
                .operation(Operation.builder("maybe").input("in", in).output("out", out).build(), (ctx, p) -> {
                    if (p.get("in").equals("bad")) {
                        throw new IllegalArgumentException("bad input");
                    }
                    return Map.of("out", p.get("in"));
                })
                .operation(Outputs.getMulti(), Outputs.GET_MULTI)
                .seed(Input.of(List.of("out"), Outputs.GET_MULTI_SPEC)).build();
        var r = lenient.run(flow, Map.of("c", List.of(Input.of("good", in), Input.of("bad", in)))).get(0);
        assertThat(r.results()).isEqualTo(Map.of("out", List.of("good")));
        assertThat(r.failures()).singleElement().satisfies(e -> assertThat(e).hasRootCauseMessage("bad input"));
    }

    @Test
    void lockedInputsAreNeverUsedConcurrently() {
        Definition<int[]> counter = Definition.<int[]>of("counter", "object").locked();
        Definition<Integer> step = Definition.of("step", "int"), seen = Definition.of("seen", "int");
        AtomicInteger inside = new AtomicInteger(), maxInside = new AtomicInteger();
        DataFlow flow = DataFlow.builder()
                .operation(Operation.builder("bump").input("c", counter).input("s", step).output("seen", seen).build(),
                        (ctx, p) -> {
                            int now = inside.incrementAndGet();
                            maxInside.accumulateAndGet(now, Math::max);
                            int[] c = (int[]) p.get("c");
                            int before = c[0];
                            Thread.yield(); // widen the window a racing second user would hit
                            c[0] = before + 1;
                            inside.decrementAndGet();
                            return Map.of("seen", before);
                        })
                .build();
        int[] shared = {0};
        List<Input> inputs = new ArrayList<>();
        inputs.add(Input.of(shared, counter));
        for (int i = 0; i < 200; i++) {
            inputs.add(Input.of(i, step));
        }
        ORCHESTRATOR.run(flow, Map.of("c", inputs));
        assertThat(shared[0]).isEqualTo(200);
        assertThat(maxInside.get()).isEqualTo(1);
    }

    @Test
    void badFlowsFailBeforeRunningNamingTheReference() {
        Definition<String> a = Definition.of("a", "str"), b = Definition.of("b", "str");
        Operation op = Operation.builder("op").input("a", a).output("b", b).build();
        assertThatThrownBy(() -> DataFlow.builder().operation(op)
                .flow("op", new InputFlow(Map.of("a", List.of(InputFlow.Source.output("ghost", "x"))), List.of()))
                .build())
                .isInstanceOf(FlowException.class)
                .hasMessage("while resolving op.inputs.a: no operation instance 'ghost' in the data flow [op]");
        assertThatThrownBy(() -> DataFlow.builder().operation(op)
                .flow("op", new InputFlow(Map.of("a", List.of(InputFlow.Source.output("op", "nope"))), List.of()))
                .build())
                .isInstanceOf(FlowException.class)
                .hasMessage("while resolving op.inputs.a: instance 'op' has no output 'nope'; its outputs are [b]");
        assertThatThrownBy(() -> DataFlow.builder().operation(op).operation(op)).isInstanceOf(FlowException.class)
                .hasMessage("operation instance 'op' is in the data flow twice");
        assertThatThrownBy(() -> ORCHESTRATOR.run(DataFlow.auto(op), Map.of("c", List.of())))
                .isInstanceOf(FlowException.class)
                .hasMessage("operation 'op' (instance 'op') has no implementation in the data flow; implementations "
                        + "exist for []");
        Definition<String> ping = Definition.of("ping", "str"), pong = Definition.of("pong", "str");
        assertThatThrownBy(() -> DataFlow.auto(
                Operation.builder("a").input("in", ping).output("out", pong).build(),
                Operation.builder("b").input("in", pong).output("out", ping).build()))
                .isInstanceOf(FlowException.class)
                .hasMessage("operations [a, b] can never run: each of them waits for outputs of operations in that "
                        + "list (a cycle no seed input, user input or default can start)");
        // the same cycle with a way in (a default) is fine
        DataFlow.auto(Operation.builder("a").input("in", ping.withDefault("start")).output("out", pong).build(),
                Operation.builder("b").input("in", pong).output("out", ping.withDefault("start")).build());
        DataFlow undeclared = DataFlow.builder().operation(op, (ctx, p) -> Map.of("c", 1)).build();
        assertThatThrownBy(() -> ORCHESTRATOR.run(undeclared, Map.of("c", List.of(Input.of("x", a)))))
                .isInstanceOf(OperationException.class).cause()
                .hasMessage("operation instance 'op' returned output 'c', which it does not declare; its outputs are [b]");
    }

    @Test
    void validateRunsWhenAnInputIsMade() {
        Definition<String> shape = Definition.<String>of("shape", "str").withValidate(String::toUpperCase);
        assertThat(Input.of("unitcircle", shape).value()).isEqualTo("UNITCIRCLE");
        Definition<Integer> positive = Definition.<Integer>of("positive", "int").withValidate(v -> {
            if (v <= 0) {
                throw new IllegalArgumentException("not positive: " + v);
            }
            return v;
        });
        assertThatThrownBy(() -> Input.of(-4, positive)).hasMessage("not positive: -4");
    }

    @Test
    void validatorOperationsValidateBeforeInputsEnter() {
        Definition<String> shape = Definition.<String>of("shape_name", "str").withValidator("validate_shape");
        Definition<String> described = Definition.of("described", "str");
        AtomicInteger validations = new AtomicInteger();
        DataFlow flow = DataFlow.builder()
                .operation(Operation.builder("validate_shape").input("shape", shape).output("shape", shape)
                        .validator().build(), (ctx, in) -> {
                            validations.incrementAndGet();
                            String s = (String) in.get("shape");
                            if (s.isBlank()) {
                                throw new IllegalArgumentException("blank shape");
                            }
                            return Map.of("shape", s.toUpperCase(java.util.Locale.ROOT));
                        })
                .operation(Operation.builder("describe").input("shape", shape).output("d", described).build(),
                        (ctx, in) -> Map.of("d", "a " + in.get("shape")))
                .operation(Outputs.getMulti(), Outputs.GET_MULTI)
                .seed(Input.of(List.of("described", "shape_name"), Outputs.GET_MULTI_SPEC)).build();
        var r = ORCHESTRATOR.run(flow, Map.of("c", List.of(Input.of("unitcircle", shape))));
        // only the validated input entered the context: describe saw it once, upper-cased
        assertThat(r.get(0).results()).isEqualTo(Map.of("described", List.of("a UNITCIRCLE"),
                "shape_name", List.of("UNITCIRCLE")));
        assertThat(validations.get()).isEqualTo(1);
        assertThatThrownBy(() -> ORCHESTRATOR.run(flow, Map.of("c", List.of(Input.of(" ", shape)))))
                .isInstanceOf(OperationException.class).hasMessageContaining("validate_shape")
                .hasRootCauseMessage("blank shape");
        assertThatThrownBy(() -> DataFlow.builder()
                .operation(Operation.builder("describe").input("shape", shape).output("d", described).build())
                .build())
                .isInstanceOf(FlowException.class)
                .hasMessage("definition 'shape_name' is validated by 'validate_shape', which is not a validator "
                        + "operation of the data flow (DFFML's ValidatorMissing); validators: []");
    }

    @Test
    void aChainOfHundredThousandOperationsRuns() {
        // DFFML's recursive ancestry fails at about 490 operations; Weft's lineage is iterative and cached
        int n = 100_000;
        List<Definition<Integer>> d = new ArrayList<>(n + 1); // a list: a generic array can only be made raw
        for (int i = 0; i <= n; i++) {
            d.add(Definition.of("d" + i, "int"));
        }
        DataFlow.Builder b = DataFlow.builder();
        OperationImplementation inc = (ctx, p) -> Map.of("out", (Integer) p.get("in") + 1);
        for (int i = 0; i < n; i++) {
            b.operation(Operation.builder("step" + i).input("in", d.get(i)).output("out", d.get(i + 1)).build(),
                    inc);
        }
        b.operation(Outputs.getSingle(), Outputs.GET_SINGLE).seed(Input.of(List.of("d" + n), Outputs.GET_SINGLE_SPEC));
        var r = ORCHESTRATOR.run(b.build(), Map.of("chain", List.of(Input.of(0, d.get(0)))));
        assertThat(r.get(0).results()).isEqualTo(Map.of("d" + n, n));
    }

    @Test
    void optionsAreChecked() {
        assertThatThrownBy(() -> Orchestrator.Options.defaults().withMaxContexts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxContexts must be at least 1, got 0");
        assertThatThrownBy(() -> Orchestrator.Options.defaults().withLockTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
