package dev.weft.bench;

import dev.weft.flow.ContextResult;
import dev.weft.flow.DataFlow;
import dev.weft.flow.Definition;
import dev.weft.flow.Input;
import dev.weft.flow.Op;
import dev.weft.flow.Operation;
import dev.weft.flow.OperationImplementation;
import dev.weft.flow.Ops;
import dev.weft.flow.Orchestrator;
import dev.weft.flow.Outputs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The data flow orchestrator on issue 7's four scenarios, each at two sizes, in operation runs per second (one
 * benchmark invocation runs the whole flow; {@code @OperationsPerInvocation} is the number of operation runs it
 * makes, so JMH's ops/s is operation runs per second):
 * <ul>
 *   <li>{@code chainN}: N operations, {@code d_i → d_i+1}, one context (N runs, strictly one after another);</li>
 *   <li>{@code fanOutN}: one seed input, N distinct operations consuming it, each with its own output (N runs);</li>
 *   <li>{@code expandN}: one operation expands N items, one consumer runs once per item (N + 1 runs);</li>
 *   <li>{@code calcK}: DFFML's calc flow, built from {@link Op} methods, over K contexts, half "add" and half
 *       "multiply" lines (3 runs per context: parse_line, add or mult, get_single).</li>
 * </ul>
 * Flows are built once per trial; each invocation is one {@link Orchestrator#run} with fresh inputs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class FlowBenchmark {
    private static final Orchestrator ORCHESTRATOR = Orchestrator.withDefaults();

    private Scenario chain400;
    private Scenario chain4000;
    private Scenario fanOut1000;
    private Scenario fanOut10000;
    private Scenario expand1000;
    private Scenario expand10000;
    private Scenario calc100;
    private Scenario calc1000;

    /** A built flow and a factory of its fresh inputs. */
    record Scenario(DataFlow flow, java.util.function.Supplier<Map<String, List<Input>>> inputs) {
        List<ContextResult> run() {
            return ORCHESTRATOR.run(flow, inputs.get());
        }
    }

    @Setup
    public void build() {
        chain400 = chain(400);
        chain4000 = chain(4000);
        fanOut1000 = fanOut(1000);
        fanOut10000 = fanOut(10_000);
        expand1000 = expand(1000);
        expand10000 = expand(10_000);
        calc100 = calc(100);
        calc1000 = calc(1000);
        // each flow once, checked, so a broken flow fails the trial instead of measuring nothing
        check(chain400.run(), Map.of("d400", 400));
        check(fanOut1000.run(), null);
        check(expand1000.run(), null);
        check(calc100.run(), null);
    }

    private static void check(List<ContextResult> results, Map<String, Object> expected) {
        for (ContextResult r : results) {
            if (!r.failures().isEmpty() || (expected != null && !r.results().equals(expected))) {
                throw new IllegalStateException("benchmark flow gave " + r);
            }
        }
    }

    static Scenario chain(int n) {
        List<Definition<Object>> d = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            d.add(Definition.of("d" + i, "int"));
        }
        OperationImplementation inc = (ctx, p) -> Map.of("out", (Integer) p.get("in") + 1);
        DataFlow.Builder b = DataFlow.builder();
        for (int i = 0; i < n; i++) {
            b.operation(Operation.builder("step" + i).input("in", d.get(i)).output("out", d.get(i + 1)).build(), inc);
        }
        b.operation(Outputs.getSingle(), Outputs.GET_SINGLE).seed(Input.of(List.of("d" + n), Outputs.GET_SINGLE_SPEC));
        return new Scenario(b.build(), () -> Map.of("chain", List.of(Input.of(0, d.get(0)))));
    }

    static Scenario fanOut(int n) {
        Definition<Object> seed = Definition.of("seed", "int");
        OperationImplementation twice = (ctx, p) -> Map.of("out", 2 * (Integer) p.get("in"));
        DataFlow.Builder b = DataFlow.builder();
        for (int i = 0; i < n; i++) {
            b.operation(Operation.builder("op" + i).input("in", seed).output("out", Definition.of("out" + i, "int"))
                    .build(), twice);
        }
        return new Scenario(b.build(), () -> Map.of("fan-out", List.of(Input.of(21, seed))));
    }

    static Scenario expand(int n) {
        Definition<Object> count = Definition.of("count", "int");
        Definition<Object> item = Definition.of("item", "int");
        Definition<Object> done = Definition.of("done", "int");
        DataFlow flow = DataFlow.builder()
                .operation(Operation.builder("items").input("count", count).output("item", item).expand("item")
                        .build(), (ctx, p) -> {
                    int c = (Integer) p.get("count");
                    List<Integer> items = new ArrayList<>(c);
                    for (int i = 0; i < c; i++) {
                        items.add(i);
                    }
                    return Map.of("item", items);
                })
                .operation(Operation.builder("consume").input("item", item).output("done", done).build(),
                        (ctx, p) -> Map.of("done", (Integer) p.get("item") + 1))
                .build();
        return new Scenario(flow, () -> Map.of("expand", List.of(Input.of(n, count))));
    }

    /** DFFML's calc operations as {@link Op} methods. */
    public static final class CalcOps {
        /** The line to parse. */
        public static final Definition<String> CALC_STRING = Definition.of("calc_string", "str");

        @Op(outputs = {@Op.Out(key = "add", definition = "is_add"), @Op.Out(key = "mult", definition = "is_mult"),
                @Op.Out(key = "numbers", definition = "numbers")})
        static Map<String, Object> parse_line(@Op.Def("calc_string") String line) {
            List<Integer> numbers = new ArrayList<>();
            for (String word : line.split(" ")) {
                if (!word.isEmpty() && word.chars().allMatch(Character::isDigit)) {
                    numbers.add(Integer.parseInt(word));
                }
            }
            return Map.of("add", line.contains("add"), "mult", line.contains("mult"), "numbers", numbers);
        }

        @Op(conditions = "is_add", outputs = @Op.Out(key = "sum", definition = "result", primitive = "int"))
        static Map<String, Object> add(@Op.Def("numbers") List<Integer> numbers) {
            return Map.of("sum", numbers.stream().mapToInt(Integer::intValue).sum());
        }

        @Op(conditions = "is_mult", outputs = @Op.Out(key = "product", definition = "result"))
        static Map<String, Object> mult(@Op.Def("numbers") List<Integer> numbers) {
            return Map.of("product", numbers.stream().mapToInt(Integer::intValue).reduce(1, (a, b) -> a * b));
        }
    }

    static Scenario calc(int contexts) {
        DataFlow flow = Ops.addAll(DataFlow.builder(), CalcOps.class)
                .operation(Outputs.getSingle(), Outputs.GET_SINGLE)
                .seed(Input.of(List.of("result"), Outputs.GET_SINGLE_SPEC))
                .build();
        return new Scenario(flow, () -> {
            Map<String, List<Input>> in = new LinkedHashMap<>();
            for (int i = 0; i < contexts; i++) {
                String line = i % 2 == 0 ? "add " + i + " and 2" : "multiply " + i + " and 10";
                in.put(line, List.of(Input.of(line, CalcOps.CALC_STRING)));
            }
            return in;
        });
    }

    @Benchmark
    @OperationsPerInvocation(400)
    public Object chain400() {
        return chain400.run();
    }

    @Benchmark
    @OperationsPerInvocation(4000)
    public Object chain4000() {
        return chain4000.run();
    }

    @Benchmark
    @OperationsPerInvocation(1000)
    public Object fanOut1000() {
        return fanOut1000.run();
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public Object fanOut10000() {
        return fanOut10000.run();
    }

    @Benchmark
    @OperationsPerInvocation(1001)
    public Object expand1000() {
        return expand1000.run();
    }

    @Benchmark
    @OperationsPerInvocation(10_001)
    public Object expand10000() {
        return expand10000.run();
    }

    @Benchmark
    @OperationsPerInvocation(300)
    public Object calc100() {
        return calc100.run();
    }

    @Benchmark
    @OperationsPerInvocation(3000)
    public Object calc1000() {
        return calc1000.run();
    }
}
