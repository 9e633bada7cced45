package dev.weft.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.demo.CalcOperations;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** DFFML's data flow dict format: export, linked form, reading JSON and YAML, errors, the diagram. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DataFlowsTest {
    private static final Path FLOWS = Path.of("src/test/resources/flows");
    private static final Map<String, Object> EXPECTED = Map.of("add 40 and 2", 42, "multiply 42 and 10", 420);

    /** The built-ins plus the calc operations, registered explicitly (not through the ServiceLoader). */
    private static OperationRegistry calcRegistry() {
        return OperationRegistry.withBuiltins().register(new CalcOperations());
    }

    private static Input line(DataFlow flow, String value) {
        return Input.of(value, flow.definitions().get("calc_string"), List.of(), Origin.SEED, value + "#uid");
    }

    private static Map<String, Object> runCalc(DataFlow flow) {
        Map<String, Object> out = new HashMap<>();
        for (ContextResult r : Orchestrator.withDefaults().run(flow, Map.of(
                "add 40 and 2", List.of(line(flow, "add 40 and 2")),
                "multiply 42 and 10", List.of(line(flow, "multiply 42 and 10"))))) {
            assertThat(r.failures()).isEmpty();
            out.put(r.context(), r.results().get("result"));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseJson(String json) throws IOException {
        return new ObjectMapper().readValue(json, Map.class);
    }

    /** The calc flow built in Java from the registered calc operations, with get_single and its spec. */
    private static DataFlow javaCalcFlow(OperationRegistry registry) {
        DataFlow.Builder b = DataFlow.builder();
        for (String name : List.of("parse_line", "add", "mult", "get_single")) {
            OperationRegistry.Entry e = registry.require(name, "test");
            b.operation(e.operation(), e.implementation());
        }
        return b.seed(Input.of(List.of("result"), Outputs.GET_SINGLE_SPEC)).build();
    }

    @Test
    void dffmlCalcFileRunsLikeTheJavaFlow() throws IOException {
        DataFlow flow = DataFlows.read(FLOWS.resolve("calc.json"), calcRegistry());
        assertThat(flow.operations()).containsOnlyKeys("parse_line", "add", "mult", "get_single");
        assertThat(flow.flow().get("add").conditions()).containsExactly(InputFlow.Source.output("parse_line", "add"));
        assertThat(runCalc(flow)).isEqualTo(EXPECTED);
    }

    @Test
    void exportOfTheJavaCalcFlowIsTheDffmlFile() throws IOException {
        Map<String, Object> file = parseJson(Files.readString(FLOWS.resolve("calc.json")));
        assertThat(DataFlows.export(javaCalcFlow(calcRegistry()))).isEqualTo(file);
        assertThat(file).isEqualTo(parseJson(Files.readString(Path.of("docs/flows/calc.json"))));
    }

    @Test
    void linkedFileAndYamlFileRunTheSame() throws IOException {
        DataFlow linked = DataFlows.read(FLOWS.resolve("calc_linked.json"), calcRegistry());
        DataFlow yaml = DataFlows.read(FLOWS.resolve("calc.yaml"), calcRegistry());
        DataFlow json = DataFlows.read(FLOWS.resolve("calc.json"), calcRegistry());
        assertThat(runCalc(linked)).isEqualTo(EXPECTED);
        assertThat(runCalc(yaml)).isEqualTo(EXPECTED);
        // the linked file has no "flow" and the YAML file neither: the automatic flow equals the calc file's flow
        assertThat(DataFlows.export(linked)).isEqualTo(DataFlows.export(json));
        assertThat(DataFlows.export(yaml)).isEqualTo(DataFlows.export(json));
    }

    @Test
    @SuppressWarnings("unchecked")
    void linkedExportNamesDefinitionsOnce() {
        Map<String, Object> linked = DataFlows.export(javaCalcFlow(calcRegistry()), true);
        assertThat(linked.get("linked")).isEqualTo(true);
        assertThat((Map<String, Object>) linked.get("definitions")).containsOnlyKeys("get_single_spec",
                "calc_string", "is_add", "is_mult", "numbers", "result", "get_single_output");
        assertThat(((Map<String, Object>) linked.get("definitions")).get("numbers"))
                .isEqualTo(Map.of("name", "numbers", "primitive", "List[int]"));
        Map<String, Object> add = (Map<String, Object>) ((Map<String, Object>) linked.get("operations")).get("add");
        assertThat(add.get("inputs")).isEqualTo(Map.of("numbers", "numbers"));
        assertThat(add.get("outputs")).isEqualTo(Map.of("sum", "result"));
        assertThat(add.get("conditions")).isEqualTo(List.of("is_add"));
        assertThat(add.get("stage")).isEqualTo("processing");
        assertThat(add).doesNotContainKey("expand");
        Map<String, Object> seed = ((List<Map<String, Object>>) linked.get("seed")).get(0);
        assertThat(seed).isEqualTo(Map.of("value", List.of("result"), "definition", "get_single_spec",
                "origin", "seed"));
    }

    /** A flow with every form the format has: defaults (null too), lock, expand, retry, validator, stages, alternate
     * definitions, lineage, named origins, an output-origin seed, configs. */
    private static DataFlow everyForm() {
        Definition<Object> a = Definition.<Object>of("a", "int").withDefault(5);
        Definition<Object> altA = Definition.of("alt_a", "int");
        Definition<Object> b = Definition.<Object>of("b", "string").locked();
        Definition<Object> c = Definition.of("c", "array");
        Definition<Object> d = Definition.<Object>of("d", "int").withDefault(null);
        Definition<Object> flag = Definition.of("flag", "bool");
        Operation produce = Operation.builder("produce").input("x", a).output("items", c).output("b", b)
                .expand("items").retry(3).build();
        Operation consume = Operation.builder("consume").input("item", d).input("tag", b).condition(flag)
                .stage(Stage.CLEANUP).validator().build();
        OperationImplementation nothing = (ctx, in) -> null;
        return DataFlow.builder()
                .operation(produce, nothing)
                .operation("consume_it", consume).implementation("consume", nothing)
                .seed(Input.of(1, a), Input.of(true, flag, "user"),
                        Input.of(7, altA, List.of(), Origin.output("produce", "items"), "uid-1"))
                .flow("produce", new InputFlow(Map.of("x", List.of(InputFlow.Source.seed(),
                        new InputFlow.Source.AlternateDefinitions(Origin.SEED, List.of("a", "alt_a")),
                        InputFlow.Source.origin("user"))), List.of()))
                .flow("consume_it", new InputFlow(Map.of(
                        "item", List.of(InputFlow.Source.output("produce", "items"),
                                new InputFlow.Source.Lineage(List.of(Origin.output("produce", "items"), Origin.SEED))),
                        "tag", List.of(InputFlow.Source.output("produce", "b"))),
                        List.of(InputFlow.Source.origin("user"))))
                .config("produce", Map.of("k", new ArrayList<>(java.util.Arrays.asList(1, "two", null, true, 2.5))))
                // strings YAML would read as other types, or as syntax, unless quoted
                .config("consume_it", List.of("42", "true", "null", "yes", "1.5", "", "- x", "a: b", "#c", "~",
                        "0x1F", "2024-01-01", " padded ", "multi\nline"))
                .build();
    }

    private static OperationRegistry everyFormRegistry() {
        OperationImplementation nothing = (ctx, in) -> null;
        return OperationRegistry.empty().register("produce", null, nothing).register("consume", null, nothing);
    }

    @Test
    void roundTripsThroughJsonAndYamlPlainAndLinked() {
        DataFlow flow = everyForm();
        for (boolean linked : new boolean[] {false, true}) {
            String json = DataFlows.write(flow, FlowFormat.JSON, linked);
            DataFlow back = DataFlows.read(json, FlowFormat.JSON, everyFormRegistry());
            assertThat(DataFlows.export(back, linked)).as("JSON, linked=%s", linked)
                    .isEqualTo(DataFlows.export(flow, linked));
            assertThat(DataFlows.write(back, FlowFormat.JSON, linked)).isEqualTo(json);
            assertThat(back.flow()).isEqualTo(flow.flow());
            assertThat(back.definitions()).isEqualTo(flow.definitions());
            assertThat(back.seed().get(2).origin()).isEqualTo(Origin.output("produce", "items"));
            assertThat(back.seed().get(2).uid()).isNotEqualTo("uid-1"); // DFFML exports no uid: a fresh one

            String yaml = DataFlows.write(flow, FlowFormat.YAML, linked);
            DataFlow fromYaml = DataFlows.read(yaml, FlowFormat.YAML, everyFormRegistry());
            assertThat(DataFlows.export(fromYaml, linked)).as("YAML, linked=%s", linked)
                    .isEqualTo(DataFlows.export(flow, linked));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void exportWritesDffmlSourceShapes() throws IOException {
        Map<String, Object> exported = parseJson(DataFlows.write(everyForm(), FlowFormat.JSON, false));
        Map<String, Object> flow = (Map<String, Object>) exported.get("flow");
        assertThat(flow.get("produce")).isEqualTo(Map.of("inputs",
                Map.of("x", List.of("seed", Map.of("seed", List.of("a", "alt_a")), "user"))));
        assertThat(flow.get("consume_it")).isEqualTo(Map.of(
                "inputs", Map.of("item", List.of(Map.of("produce", "items"), List.of(Map.of("produce", "items"), "seed")),
                        "tag", List.of(Map.of("produce", "b"))),
                "conditions", List.of("user")));
        Map<String, Object> ops = (Map<String, Object>) exported.get("operations");
        assertThat(ops.get("produce")).isEqualTo(Map.of("name", "produce",
                "inputs", Map.of("x", Map.of("name", "a", "primitive", "int", "default", 5)),
                "outputs", Map.of("items", Map.of("name", "c", "primitive", "array"),
                        "b", Map.of("name", "b", "primitive", "string", "lock", true)),
                "stage", "processing", "expand", List.of("items"), "retry", 3));
        Map<String, Object> consume = (Map<String, Object>) ops.get("consume_it");
        assertThat(consume).containsEntry("name", "consume").containsEntry("stage", "cleanup")
                .containsEntry("validator", true).containsEntry("conditions", List.of(Map.of("name", "flag",
                        "primitive", "bool")));
        Map<String, Object> nullDefault = new HashMap<>();
        nullDefault.put("name", "d");
        nullDefault.put("primitive", "int");
        nullDefault.put("default", null);
        assertThat(((Map<String, Object>) consume.get("inputs")).get("item")).isEqualTo(nullDefault);
        assertThat(((List<Object>) exported.get("seed")).get(2)).isEqualTo(Map.of("value", 7,
                "definition", Map.of("name", "alt_a", "primitive", "int"), "origin", List.of("produce", "items")));
        assertThat(((Map<String, Object>) exported.get("configs")).get("produce")).isEqualTo(
                Map.of("k", java.util.Arrays.asList(1, "two", null, true, 2.5)));
    }

    @Test
    void missingDefinitionInLinkedFormUsesDffmlWording() {
        String json = """
                {"linked": true,
                 "definitions": {"numbers": {"name": "numbers", "primitive": "List[int]"},
                                 "result": {"name": "result", "primitive": "int"}},
                 "operations": {"add": {"name": "add", "inputs": {"numbers": "numbers"},
                                        "outputs": {"sum": "result"}, "conditions": ["is_add"]}}}
                """;
        assertThatThrownBy(() -> DataFlows.read(json, FlowFormat.JSON, calcRegistry())).isInstanceOf(FlowException.class)
                .hasMessageStartingWith("While resolving add.conditions, missing definition is_add not found in "
                        + "[numbers, result]")
                .hasMessageContaining("DefinitionMissing");
        String missingOutput = json.replace("\"sum\": \"result\"", "\"sum\": \"total\"");
        assertThatThrownBy(() -> DataFlows.read(missingOutput, FlowFormat.JSON, calcRegistry()))
                .hasMessageStartingWith("While resolving add.outputs, missing definition total not found in");
        String missingSeed = """
                {"linked": true, "definitions": {},
                 "operations": {"get_single": {"name": "get_single", "inputs": {"spec": {"name": "get_single_spec",
                                "primitive": "array"}}, "stage": "output"}},
                 "seed": [{"value": ["result"], "definition": "get_single_spec"}]}
                """;
        assertThatThrownBy(() -> DataFlows.read(missingSeed, FlowFormat.JSON, calcRegistry()))
                .hasMessageStartingWith("While resolving seed ")
                .hasMessageContaining("definition get_single_spec not found in []");
    }

    @Test
    void seedInputsKeepAGivenUidAndOrigin() {
        DataFlow flow = DataFlows.read("""
                {"operations": {},
                 "seed": [{"value": 1, "definition": {"name": "a", "primitive": "int"}, "uid": "u-1",
                           "origin": "user"}]}
                """, FlowFormat.JSON, OperationRegistry.empty());
        assertThat(flow.seed().get(0).uid()).isEqualTo("u-1");
        assertThat(flow.seed().get(0).origin()).isEqualTo(new Origin.Named("user"));
        assertThatThrownBy(() -> DataFlows.read("""
                {"operations": {}, "seed": [{"value": 1, "definition": {"name": "a", "primitive": "int"},
                                             "origin": ["x"]}]}
                """, FlowFormat.JSON, OperationRegistry.empty()))
                .hasMessage("seed[0].origin must be an origin name or [instance, output_key], got a list ([x])");
    }

    @Test
    void unregisteredOperationsAreNamedWithWhatIsRegistered() {
        String json = """
                {"operations": {
                   "div": {"name": "divide", "inputs": {}, "outputs": {}},
                   "rm": {"name": "java.lang.Runtime:exec"}}}
                """;
        assertThatThrownBy(() -> DataFlows.read(json, FlowFormat.JSON, calcRegistry())).isInstanceOf(FlowException.class)
                .hasMessage("operations 'divide' (instance 'div'), 'java.lang.Runtime:exec' (instance 'rm') are not "
                        + "registered; registered operations are [add, associate, associate_definition, dffml.dataflow.run, get_multi, "
                        + "get_single, group_by, mult, parse_line]. Register a Java implementation with "
                        + "OperationRegistry.register or an OperationProvider service");
    }

    @Test
    void malformedFilesFailNamingWhatAndWhere() {
        assertThatThrownBy(() -> DataFlows.read("{\"operations\": {", FlowFormat.JSON, calcRegistry()))
                .isInstanceOf(FlowException.class).hasMessageStartingWith("JSON text: malformed at line 1");
        assertThatThrownBy(() -> DataFlows.read("[1]", FlowFormat.JSON, calcRegistry()))
                .hasMessageContaining("must be a JSON object at the top level, got a list");
        assertThatThrownBy(() -> DataFlows.read("{\"operations\": {}, \"opertions\": {}}", FlowFormat.JSON,
                calcRegistry()))
                .hasMessageStartingWith("the data flow has unknown key [opertions]");
        assertThatThrownBy(() -> DataFlows.read("{}", FlowFormat.JSON, calcRegistry()))
                .hasMessage("the data flow has no \"operations\"");
        assertThatThrownBy(() -> DataFlows.read("""
                {"operations": {"add": {"name": "add", "inputs": {"numbers": {"name": "numbers"}}}}}
                """, FlowFormat.JSON, calcRegistry())).hasMessage("definition add.inputs.numbers ('numbers') has no \"primitive\"");
        assertThatThrownBy(() -> DataFlows.read("""
                {"operations": {"add": {"name": "add", "stage": "later"}}}
                """, FlowFormat.JSON, calcRegistry())).hasMessageStartingWith("operation instance 'add': unknown stage 'later'");
        assertThatThrownBy(() -> DataFlows.read("""
                {"operations": {"get_single": {"name": "get_single",
                   "inputs": {"spec": {"name": "get_single_spec", "primitive": "array"}}}},
                 "flow": {"get_single": {"inputs": {"spec": [42]}}}}
                """, FlowFormat.JSON, calcRegistry())).hasMessageStartingWith("flow.get_single.inputs.spec[0]: a flow source must be");
        assertThatThrownBy(() -> DataFlows.read("operations:\n  a: [1\n", FlowFormat.YAML, calcRegistry()))
                .hasMessageStartingWith("YAML text: malformed at line");
    }

    @Test
    void oneReaderTakesTheFormat() throws IOException {
        String json = Files.readString(FLOWS.resolve("calc.json"));
        String yaml = Files.readString(FLOWS.resolve("calc.yaml"));
        DataFlow fromJson = DataFlows.read(json, FlowFormat.JSON, calcRegistry());
        DataFlow fromYaml = DataFlows.read(yaml, FlowFormat.YAML, calcRegistry());
        assertThat(DataFlows.export(fromYaml)).isEqualTo(DataFlows.export(fromJson));
        assertThat(runCalc(fromJson)).isEqualTo(EXPECTED);
        assertThat(runCalc(fromYaml)).isEqualTo(EXPECTED);
        // YAML is a superset of JSON, but JSON is not YAML: the format given is the one parsed
        assertThatThrownBy(() -> DataFlows.read(yaml, FlowFormat.JSON, calcRegistry()))
                .isInstanceOf(FlowException.class).hasMessageStartingWith("JSON text: malformed at line 1");
        // what is written in a format reads back in it
        for (FlowFormat format : FlowFormat.values()) {
            String text = DataFlows.write(fromJson, format, true);
            assertThat(DataFlows.export(DataFlows.read(text, format, calcRegistry())))
                    .as("%s", format).isEqualTo(DataFlows.export(fromJson));
        }
    }

    @Test
    void fileFormatComesFromTheExtension(@TempDir Path dir) throws IOException {
        String json = Files.readString(FLOWS.resolve("calc.json"));
        Path upper = Files.writeString(dir.resolve("CALC.JSON"), json);
        Path yml = Files.writeString(dir.resolve("calc.yml"), Files.readString(FLOWS.resolve("calc.yaml")));
        assertThat(runCalc(DataFlows.read(upper, calcRegistry()))).isEqualTo(EXPECTED);
        assertThat(runCalc(DataFlows.read(yml, calcRegistry()))).isEqualTo(EXPECTED);

        Path txt = Files.writeString(dir.resolve("calc.txt"), json);
        assertThatThrownBy(() -> DataFlows.read(txt, calcRegistry()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data flow file " + txt + ": unknown format; name it *.json, *.yaml or *.yml");
        // a file's syntax errors name the file
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "operations:\n  a: [1\n");
        assertThatThrownBy(() -> DataFlows.read(bad, calcRegistry()))
                .isInstanceOf(FlowException.class).hasMessageStartingWith(bad + ": malformed at line");
    }

    @Test
    void readsFromReaders() throws IOException {
        String json = Files.readString(FLOWS.resolve("calc.json"));
        assertThat(runCalc(DataFlows.read(new StringReader(json), FlowFormat.JSON, calcRegistry()))).isEqualTo(EXPECTED);
        String yaml = Files.readString(FLOWS.resolve("calc.yaml"));
        assertThat(runCalc(DataFlows.read(new StringReader(yaml), FlowFormat.YAML, calcRegistry()))).isEqualTo(EXPECTED);
    }

    @Test
    void createWiresRegisteredOperationsAutomatically() {
        DataFlow flow = DataFlows.create(calcRegistry(), "parse_line", "add", "mult");
        assertThat(flow.flow().get("mult").inputs().get("numbers"))
                .containsExactly(InputFlow.Source.output("parse_line", "numbers"));
        assertThatThrownBy(() -> DataFlows.create(OperationRegistry.empty().register("x", null, (c, i) -> null), "x"))
                .hasMessageContaining("registered without its declaration");
    }

    @Test
    void linkedDffmlExportWithoutRetryOrOriginLoadsAndDrawsWithDffmlIds() throws IOException {
        // the shape of DFFML's shouldi example export: linked, no "retry", a seed with no "origin", a cleanup stage
        OperationRegistry registry = OperationRegistry.withBuiltins();
        for (String name : List.of("cleanup_pypi_package", "pypi_package_contents", "pypi_package_json", "run_bandit",
                "safety_check")) {
            registry.register(name, null, (ctx, in) -> null);
        }
        DataFlow flow = DataFlows.read(FLOWS.resolve("shouldi_linked.json"), registry);
        assertThat(flow.operations().get("cleanup_pypi_package").stage()).isEqualTo(Stage.CLEANUP);
        assertThat(flow.seed().get(0).origin()).isEqualTo(Origin.SEED);
        assertThat(flow.flow().get("safety_check").inputs().get("version"))
                .containsExactly(InputFlow.Source.output("pypi_package_json", "version"));
        // the node ids DFFML's documentation prints for "dffml dataflow diagram -simple" of that flow
        assertThat(DataFlows.mermaid(flow, true).lines().toList()).contains(
                "d273c0a72c6acc57e33c2f7162fa7363[pypi_package_contents]",
                "83503ba9fe6c0f5649644d26e59c5590[pypi_package_json]",
                "9220cb5f5732d9e6dcc130a4908ddf92[run_bandit]",
                "88517e4cd0cae33deff50d987f2683fe[safety_check]",
                "subgraph a4827add25f5c7d5895c5728b74e2beb[Cleanup Stage]",
                "7ec0058800fd4bed6fb63633330588c7[cleanup_pypi_package]",
                "83503ba9fe6c0f5649644d26e59c5590 --> d273c0a72c6acc57e33c2f7162fa7363");
    }

    @Test
    @SuppressWarnings("unchecked")
    void validateNamesTheValidatorOperation() throws IOException {
        OperationRegistry registry = OperationRegistry.withBuiltins()
                .register("validate_shape", null, (ctx, in) -> Map.of("shape",
                        ((String) in.get("shape")).toUpperCase(java.util.Locale.ROOT)))
                .register("describe", null, (ctx, in) -> Map.of("d", "a " + in.get("shape")));
        DataFlow flow = DataFlows.read(FLOWS.resolve("shapes_validated.json"), registry);
        Definition<?> shape = flow.definitions().get("shape_name");
        assertThat(shape.validator()).contains("validate_shape");
        assertThat(flow.operations().get("validate_shape").validator()).isTrue();
        List<ContextResult> results = Orchestrator.withDefaults().run(flow,
                Map.of("c", List.of(Input.of("unitcircle", shape, List.of(), Origin.SEED, "u"))));
        assertThat(results.get(0).results()).isEqualTo(Map.of("described", List.of("a UNITCIRCLE"),
                "shape_name", List.of("UNITCIRCLE")));
        Map<String, Object> linked = DataFlows.export(flow, true);
        assertThat(((Map<String, Object>) linked.get("definitions")).get("shape_name")).isEqualTo(Map.of(
                "name", "shape_name", "primitive", "str", "validate", "validate_shape"));
        String json = DataFlows.write(flow, FlowFormat.JSON, false);
        assertThat(DataFlows.export(DataFlows.read(json, FlowFormat.JSON, registry))).isEqualTo(DataFlows.export(flow));
    }

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void mermaidDiagramHasDffmlLayoutAndIds() throws Exception {
        String diagram = DataFlows.mermaid(DataFlows.read(FLOWS.resolve("calc.json"), calcRegistry()), false);
        List<String> lines = diagram.lines().toList();
        assertThat(lines.get(0)).isEqualTo("graph TD");
        // ids as DFFML's own documentation prints them for its stages, get_single and its seeded spec
        assertThat(lines).contains("subgraph a759a07029077edc5c37fea0326fa281[Processing Stage]",
                "style a759a07029077edc5c37fea0326fa281 fill:#afd388b5,stroke:#a4ca7a",
                "subgraph 58ca4d24d2767176f196436c2890b926[Output Stage]",
                "b42e9e149e775202b18841f1f67061c4[get_single]",
                "d60584024f765273b6f41d6d36f8320c(get_single_spec)",
                "subgraph inputs[Inputs]");
        String add = md5("add");
        assertThat(lines).containsSubsequence("subgraph " + md5("subgraph.add") + "[add]",
                add + "[add]", md5("input.add.numbers") + "(numbers)", md5("input.add.numbers") + " --> " + add,
                md5("output.add.sum") + "(sum)", add + " --> " + md5("output.add.sum"), "end");
        assertThat(lines).contains(md5("output.parse_line.numbers") + " --> " + md5("input.add.numbers"),
                md5("seed.calc_string") + " --> " + md5("input.parse_line.line"),
                md5("output.parse_line.add") + " -.-> " + add);
        assertThat(lines.get(lines.size() - 1)).isEqualTo("end");

        String simple = DataFlows.mermaid(DataFlows.read(FLOWS.resolve("calc.json"), calcRegistry()), true);
        String addSubgraph = "subgraph " + md5("subgraph.add");
        assertThat(simple.lines().toList()).contains(md5("parse_line") + " --> " + add)
                .noneMatch(l -> l.startsWith(addSubgraph));
    }
}
