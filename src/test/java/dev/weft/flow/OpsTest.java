package dev.weft.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Op} and {@link Ops}: DFFML's {@code @op} derivation, wrapping, invocation and misuse. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpsTest {
    private static final Orchestrator ORCHESTRATOR = Orchestrator.withDefaults();

    @BeforeAll
    static void quiet() {
        Logger.getLogger(Orchestrator.class.getName()).setLevel(Level.SEVERE);
    }

    // ------------------------------------------------------------------------------------------------------------
    // DFFML's calc flow, with @Op methods

    /** The calc operations; definitions by name, supplied by Calc's static fields re-exported here. */
    static final class CalcOps {
        static final Definition<String> CALC_STRING = Calc.CALC_STRING;
        static final Definition<Boolean> IS_ADD = Calc.IS_ADD;
        static final Definition<Boolean> IS_MULT = Calc.IS_MULT;
        static final Definition<List<Integer>> NUMBERS = Calc.NUMBERS;
        static final Definition<Integer> RESULT = Calc.RESULT;

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

        @Op(conditions = "is_add", outputs = @Op.Out(key = "sum", definition = "result"))
        static Map<String, Object> add(@Op.Def("numbers") List<Integer> numbers) {
            return Map.of("sum", numbers.stream().mapToInt(Integer::intValue).sum());
        }

        @Op(conditions = "is_mult", outputs = @Op.Out(key = "product", definition = "result"))
        Map<String, Object> mult(@Op.Def("numbers") List<Integer> numbers) { // an instance method
            return Map.of("product", numbers.stream().mapToInt(Integer::intValue).reduce(1, (a, b) -> a * b));
        }
    }

    /** The same flow with no static definitions: primitives derived, names unified across the methods. */
    static final class CalcOpsDerived {
        @Op(outputs = {@Op.Out(key = "add", definition = "is_add"), @Op.Out(key = "mult", definition = "is_mult"),
                @Op.Out(key = "numbers", definition = "numbers")})
        static Map<String, Object> parse_line(@Op.Def("calc_string") String line) {
            return CalcOps.parse_line(line);
        }

        @Op(conditions = "is_add", outputs = @Op.Out(key = "sum", definition = "result", primitive = "int"))
        static Map<String, Object> add(@Op.Def("numbers") List<Integer> numbers) {
            return CalcOps.add(numbers);
        }

        @Op(conditions = "is_mult", outputs = @Op.Out(key = "product", definition = "result"))
        static Map<String, Object> mult(@Op.Def("numbers") List<Integer> numbers) {
            return new CalcOps().mult(numbers);
        }
    }

    /** Definition {@code name} of {@code flow}, typed for {@link Input#of(Object, Definition)}. */
    @SuppressWarnings("unchecked")
    static Definition<Object> def(DataFlow flow, String name) {
        return (Definition<Object>) java.util.Objects.requireNonNull(flow.definitions().get(name), name);
    }

    private static Map<String, Object> runCalc(DataFlow.Builder b) {
        DataFlow flow = b.operation(Outputs.getSingle(), Outputs.GET_SINGLE)
                .seed(Input.of(List.of("result"), Outputs.GET_SINGLE_SPEC)).build();
        Map<String, Object> out = new HashMap<>();
        Definition<Object> line = def(flow, "calc_string");
        for (ContextResult r : ORCHESTRATOR.run(flow, Map.of(
                "add 40 and 2", List.of(Input.of("add 40 and 2", line)),
                "multiply 42 and 10", List.of(Input.of("multiply 42 and 10", line))))) {
            assertThat(r.failures()).isEmpty();
            out.put(r.context(), r.results().get("result"));
        }
        return out;
    }

    @Test
    void dffmlCalcFlowFromOpMethods() {
        assertThat(runCalc(Ops.addAll(DataFlow.builder(), new CalcOps())))
                .isEqualTo(Map.of("add 40 and 2", 42, "multiply 42 and 10", 420));
        assertThat(runCalc(Ops.addAll(DataFlow.builder(), CalcOpsDerived.class)))
                .isEqualTo(Map.of("add 40 and 2", 42, "multiply 42 and 10", 420));
    }

    @Test
    void calcOperationsEqualTheHandWrittenOnes() {
        Map<String, Operation> ops = new HashMap<>();
        Ops.of(new CalcOps()).forEach(b -> ops.put(b.operation().name(), b.operation()));
        assertThat(ops).containsOnlyKeys("parse_line", "add", "mult");
        assertThat(ops.get("parse_line")).isEqualTo(Calc.PARSE_LINE);
        assertThat(ops.get("add")).isEqualTo(Calc.ADD);
        assertThat(ops.get("mult")).isEqualTo(Calc.MULT);
    }

    @Test
    void derivedDefinitionsAreUnifiedByName() {
        Map<String, Operation> ops = new HashMap<>();
        Ops.of(CalcOpsDerived.class).forEach(b -> ops.put(b.operation().name(), b.operation()));
        // "numbers": derived from the List parameters; "result": the one explicit primitive; conditions: bool
        assertThat(ops.get("parse_line").outputs().get("numbers")).isEqualTo(Definition.of("numbers", "array"));
        assertThat(ops.get("add").inputs().get("numbers")).isEqualTo(Definition.of("numbers", "array"));
        assertThat(ops.get("mult").outputs().get("product")).isEqualTo(Definition.of("result", "int"));
        assertThat(ops.get("add").conditions()).containsExactly(Definition.of("is_add", "bool"));
        assertThat(ops.get("parse_line").outputs().get("add")).isEqualTo(Definition.of("is_add", "bool"));
        assertThat(ops.get("parse_line").inputs().get("line")).isEqualTo(Definition.of("calc_string", "str"));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Naming, primitives, wrapping

    static final class Naming {
        @Op
        static int square(int x) {
            return x * x;
        }

        @Op(name = "math.scale", stage = Stage.PROCESSING, retry = 2)
        static double scale(double value, @Op.Default("10") int factor, OperationContext ctx) {
            return value * factor + (ctx.instanceName().equals("math.scale") ? 0 : 1000);
        }

        @Op
        static void sink(String text, boolean flag, long n, Map<String, Object> m, List<String> l, byte[] bytes,
                         Object any, @Op.Def(value = "shared", lock = true) String locked) {
        }
    }

    @Test
    void namesInputsAndOutputsAreDerivedAsDffmlDoes() {
        Map<String, Operation> ops = new HashMap<>();
        Ops.of(Naming.class).forEach(b -> ops.put(b.operation().name(), b.operation()));
        assertThat(ops).containsOnlyKeys("square", "math.scale", "sink");
        Operation square = ops.get("square");
        assertThat(square.inputs()).isEqualTo(Map.of("x", Definition.of("square.inputs.x", "int")));
        assertThat(square.outputs()).isEqualTo(Map.of("result", Definition.of("square.outputs.result", "int")));
        assertThat(square.stage()).isEqualTo(Stage.PROCESSING);
        assertThat(square.conditions()).isEmpty();
        assertThat(square.expand()).isEmpty();

        Operation scale = ops.get("math.scale");
        assertThat(scale.inputs()).containsOnlyKeys("value", "factor"); // the OperationContext is no input
        assertThat(scale.inputs().get("value")).isEqualTo(Definition.of("math.scale.inputs.value", "float"));
        assertThat(scale.inputs().get("factor"))
                .isEqualTo(Definition.<Object>of("math.scale.inputs.factor", "int").withDefault(10));
        assertThat(scale.outputs().get("result")).isEqualTo(Definition.of("math.scale.outputs.result", "float"));
        assertThat(scale.retry()).isEqualTo(2);

        Operation sink = ops.get("sink");
        assertThat(sink.outputs()).isEmpty();
        Map<String, String> primitives = new HashMap<>();
        sink.inputs().forEach((k, d) -> primitives.put(k, d.primitive()));
        assertThat(primitives).isEqualTo(Map.of("text", "str", "flag", "bool", "n", "int", "m", "map", "l", "array",
                "bytes", "bytes", "any", "object", "locked", "str"));
        assertThat(sink.inputs().get("locked")).isEqualTo(Definition.of("shared", "str").locked());
    }

    @Test
    void resultIsWrappedAndDefaultsFillMissingInputs() throws Exception {
        Map<String, Ops.Bound> ops = new HashMap<>();
        Ops.of(Naming.class).forEach(b -> ops.put(b.operation().name(), b));
        assertThat(ops.get("square").implementation().run(null, Map.of("x", 7))).isEqualTo(Map.of("result", 49));
        assertThat(ops.get("sink").implementation().run(null, sinkArgs())).isNull();

        DataFlow flow = Ops.addAll(DataFlow.builder(), Naming.class)
                .operation(Outputs.getSingle(), Outputs.GET_SINGLE)
                .seed(Input.of(List.of("math.scale.outputs.result"), Outputs.GET_SINGLE_SPEC)).build();
        // factor has no input: its default (10) stands in; sink and square have none of theirs and wait
        var r = ORCHESTRATOR.run(flow, Map.of("c", List.of(Input.of(4.5,
                def(flow, "math.scale.inputs.value")))));
        assertThat(r.get(0).results()).isEqualTo(Map.of("math.scale.outputs.result", 45.0));
    }

    private static Map<String, Object> sinkArgs() {
        Map<String, Object> m = new HashMap<>();
        m.put("text", "t");
        m.put("flag", true);
        m.put("n", 1L);
        m.put("m", Map.of());
        m.put("l", List.of());
        m.put("bytes", new byte[0]);
        m.put("any", null);
        m.put("locked", "x");
        return m;
    }

    // ------------------------------------------------------------------------------------------------------------
    // null return, several output sets, expand

    static final class Shapes {
        static final Definition<Integer> N = Definition.of("n", "int");

        @Op
        static String maybe(@Op.Def("n") int n) {
            return n % 2 == 0 ? "even " + n : null; // null: no outputs
        }

        @Op
        static Stream<Integer> count(@Op.Def("limit") int limit) {
            return Stream.iterate(1, i -> i <= limit, i -> i + 1); // one output set per element
        }

        @Op(outputs = {@Op.Out(key = "word", definition = "word", primitive = "str"),
                @Op.Out(key = "len", definition = "len", primitive = "int")})
        static List<Map<String, Object>> words(@Op.Def("sentence") String sentence) {
            List<Map<String, Object>> sets = new ArrayList<>();
            for (String w : sentence.split(" ")) {
                sets.add(Map.of("word", w, "len", w.length()));
            }
            return sets;
        }

        @Op(expand = "result")
        static List<String> letters(@Op.Def("word") String word) {
            return word.chars().mapToObj(c -> String.valueOf((char) c)).toList();
        }
    }

    @Test
    void nullMeansNoOutputsAndStreamsAndIterablesGiveSeveralOutputSets() {
        DataFlow flow = Ops.addAll(DataFlow.builder(), Shapes.class)
                .operation(Outputs.getMulti(), Outputs.GET_MULTI)
                .seed(Input.of(List.of("maybe.outputs.result", "count.outputs.result", "word", "len",
                        "letters.outputs.result"), Outputs.GET_MULTI_SPEC)).build();
        assertThat(flow.operations().get("count").outputs().get("result"))
                .isEqualTo(Definition.of("count.outputs.result", "int"));
        assertThat(flow.operations().get("letters").outputs().get("result").primitive()).isEqualTo("array");
        var r = ORCHESTRATOR.run(flow, Map.of("c", List.of(Input.of(1, def(flow, "n")), Input.of(2, def(flow, "n")),
                Input.of(3, def(flow, "n")), Input.of(3, def(flow, "limit")), Input.of("ab cde", def(flow, "sentence")))))
                .get(0);
        assertThat(r.failures()).isEmpty();
        Map<String, Object> res = r.results();
        assertThat(res.get("maybe.outputs.result")).isEqualTo(List.of("even 2"));
        assertThat(res.get("count.outputs.result")).isEqualTo(List.of(1, 2, 3));
        assertThat(res.get("word")).isEqualTo(List.of("ab", "cde"));
        assertThat(res.get("len")).isEqualTo(List.of(2, 3));
        @SuppressWarnings("unchecked") List<String> letters = (List<String>) res.get("letters.outputs.result");
        assertThat(letters).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Stage and the OperationContext parameter

    static final class Summary {
        @Op
        static String shout(@Op.Def("word") String word) {
            return word.toUpperCase(java.util.Locale.ROOT);
        }

        @Op(stage = Stage.OUTPUT, outputs = @Op.Out(key = "all", primitive = "array"))
        static Map<String, Object> collect(OperationContext ctx) {
            List<String> all = new ArrayList<>();
            for (Input i : ctx.inputs("shout.outputs.result")) {
                all.add((String) i.value());
            }
            all.sort(null);
            return Map.of("all", all);
        }
    }

    @Test
    void anOutputStageOperationSummarisesTheContextThroughItsOperationContext() {
        DataFlow flow = Ops.addAll(DataFlow.builder(), Summary.class).build();
        assertThat(flow.operations().get("collect").stage()).isEqualTo(Stage.OUTPUT);
        assertThat(flow.operations().get("collect").inputs()).isEmpty();
        var r = ORCHESTRATOR.run(flow, Map.of("c", List.of(Input.of("b", def(flow, "word")),
                Input.of("a", def(flow, "word"))))).get(0);
        assertThat(r.results()).isEqualTo(Map.of("all", List.of("A", "B"))); // one output instance: unwrapped
    }

    // ------------------------------------------------------------------------------------------------------------
    // Exceptions

    static final class Failing {
        static final AtomicInteger CALLS = new AtomicInteger();

        @Op
        static String fails(String in) throws IOException {
            CALLS.incrementAndGet();
            throw new IOException("cannot read " + in);
        }

        @Op(name = "flaky", retry = 3)
        static String flaky(@Op.Def("fails.inputs.in") String in) throws IOException {
            if (CALLS.incrementAndGet() % 3 != 0) {
                throw new IOException("not yet");
            }
            return "ok " + in;
        }
    }

    @Test
    void theMethodsOwnExceptionIsTheCauseNotAnInvocationTargetException() {
        Ops.Bound fails = Ops.of(Failing.class).stream().filter(b -> b.operation().name().equals("fails"))
                .findFirst().orElseThrow();
        assertThatThrownBy(() -> fails.implementation().run(null, Map.of("in", "x")))
                .isExactlyInstanceOf(IOException.class).hasMessage("cannot read x");
        DataFlow flow = DataFlow.builder().operation(fails.operation(), fails.implementation()).build();
        assertThatThrownBy(() -> ORCHESTRATOR.run(flow, Map.of("c", List.of(Input.of("x",
                def(flow, "fails.inputs.in"))))))
                .isInstanceOf(OperationException.class)
                .hasMessageStartingWith("operation fails({in=fails.inputs.in}): {in=x} failed in context 'c'")
                .cause().isExactlyInstanceOf(IOException.class).hasMessage("cannot read x");
    }

    @Test
    void retryFromTheAnnotation() {
        Failing.CALLS.set(0);
        Ops.Bound flaky = Ops.of(Failing.class).stream().filter(b -> b.operation().name().equals("flaky"))
                .findFirst().orElseThrow();
        DataFlow flow = DataFlow.builder().operation(flaky.operation(), flaky.implementation())
                .operation(Outputs.getSingle(), Outputs.GET_SINGLE)
                .seed(Input.of(List.of("flaky.outputs.result"), Outputs.GET_SINGLE_SPEC)).build();
        var r = ORCHESTRATOR.run(flow, Map.of("c", List.of(Input.of("x",
                def(flow, "fails.inputs.in")))));
        assertThat(r.get(0).results()).isEqualTo(Map.of("flaky.outputs.result", "ok x"));
        assertThat(Failing.CALLS.get()).isEqualTo(3);
    }

    @Test
    void aValueOfTheWrongTypeIsRejectedByName() {
        Ops.Bound square = Ops.of(Naming.class).stream().filter(b -> b.operation().name().equals("square"))
                .findFirst().orElseThrow();
        assertThatThrownBy(() -> square.implementation().run(null, Map.of("x", "seven")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("operation 'square' input 'x' is of Java type int, but its value is java.lang.String "
                        + "seven");
        assertThatThrownBy(() -> square.implementation().run(null, new HashMap<>()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("operation 'square' input 'x' is of Java type int, but its value is null");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Misuse

    static final class NoOps {
        static int notAnOp(int x) {
            return x;
        }
    }

    static final class InstanceOp {
        @Op
        int twice(int x) {
            return 2 * x;
        }
    }

    static final class SameName {
        @Op(name = "dup")
        static int a(int x) {
            return x;
        }

        @Op(name = "dup")
        static int b(int x) {
            return x;
        }
    }

    static final class BadExpand {
        @Op(expand = "items")
        static List<Integer> items(int n) {
            return List.of(n);
        }
    }

    static final class VoidOutputs {
        @Op(outputs = @Op.Out(key = "x"))
        static void nothing(int n) {
        }
    }

    static final class WrongReturn {
        @Op(outputs = @Op.Out(key = "x"))
        static String text(int n) {
            return "";
        }
    }

    static final class DuplicateOut {
        @Op(outputs = {@Op.Out(key = "x"), @Op.Out(key = "x")})
        static Map<String, Object> twice(int n) {
            return Map.of();
        }
    }

    static final class BadDefault {
        @Op
        static int scaled(@Op.Default("ten") int factor) {
            return factor;
        }
    }

    static final class UnsupportedDefault {
        @Op
        static int size(@Op.Default("[]") List<String> l) {
            return l.size();
        }
    }

    static final class ConflictingPrimitives {
        @Op
        static void a(@Op.Def(value = "x", primitive = "int") Object x) {
        }

        @Op
        static void b(@Op.Def(value = "x", primitive = "str") Object x) {
        }
    }

    static final class FieldAndLock {
        static final Definition<String> X = Definition.of("x", "str");

        @Op
        static void a(@Op.Def(value = "x", lock = true) String x) {
        }
    }

    @Test
    void misuseFailsNamingTheClassTheMethodAndWhatIsWrong() {
        String p = OpsTest.class.getName() + "$";
        assertThatThrownBy(() -> Ops.of(NoOps.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(p + "NoOps declares no @Op method");
        assertThatThrownBy(() -> Ops.of(InstanceOp.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("@Op method " + p + "InstanceOp.twice(int) is an instance method; read it with "
                        + "Ops.of(object), not Ops.of(Class)");
        assertThat(Ops.of(new InstanceOp())).hasSize(1);
        assertThatThrownBy(() -> Ops.of(SameName.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("@Op method " + p + "SameName.b(int) has operation name 'dup', which " + p
                        + "SameName.a(int) has too");
        assertThatThrownBy(() -> Ops.of(BadExpand.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("@Op method " + p + "BadExpand.items(int) expands 'items', which is not one of its "
                        + "outputs [result]");
        assertThatThrownBy(() -> Ops.of(VoidOutputs.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("@Op method " + p + "VoidOutputs.nothing(int) declares outputs [x] but "
                        + "returns void");
        assertThatThrownBy(() -> Ops.of(WrongReturn.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("@Op method " + p + "WrongReturn.text(int) declares outputs [x] but returns "
                        + "java.lang.String");
        assertThatThrownBy(() -> Ops.of(DuplicateOut.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("@Op method " + p + "DuplicateOut.twice(int) declares output 'x' twice");
        assertThatThrownBy(() -> Ops.of(BadDefault.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("@Op method " + p + "BadDefault.scaled(int) has @Default(\"ten\") on "
                        + "parameter 'factor', which is not a Integer");
        assertThatThrownBy(() -> Ops.of(UnsupportedDefault.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("@Op method " + p + "UnsupportedDefault.size(List) has @Default on parameter 'l' of "
                        + "type java.util.List; defaults are supported for String, numbers, boolean and enums only");
        assertThatThrownBy(() -> Ops.of(ConflictingPrimitives.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(p + "ConflictingPrimitives: definition 'x' is given different primitives "
                        + "[int, str] by ");
        assertThatThrownBy(() -> Ops.of(FieldAndLock.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(p + "FieldAndLock: definition 'x' is a static Definition field of the "
                        + "class, so its primitive, lock and default are the field's");
    }
}
