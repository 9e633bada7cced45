package dev.weft.tube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

/**
 * noob's tube YAML: every test tube of noob's own suite, each form of {@code depends}, unknown keys at each level,
 * {@code extends} as noob merges it, finding tubes in a folder, writing a specification back, and the errors.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TubeYamlTest {
    private static final Path NOOB = Path.of("src/test/resources/tubes/noob");
    private static final Function<String, Optional<TubeSpec>> NONE = id -> Optional.empty();

    /** The files of noob's suite that are not valid tubes here, with the node (or null) and field named. */
    private static final Map<String, List<String>> INVALID = Map.of(
            // noob: a node without a type, in a tube that extends nothing
            "invalid/no_extends_no_type.yaml", List.of("node 'a'", "type"),
            // noob: not a tube at all (a test of comment-preserving YAML round trips)
            "special/roundtrip.yaml", List.of("", "x"),
            // noob enables a node from an input; NodeSpec's enabled is a boolean
            "input/input_optional.yaml", List.of("node 'd'", "enabled"));

    private static TubeSpec parse(String yaml) {
        return TubeYaml.parse(yaml, TubeYaml.TEXT, NONE);
    }

    private static TubeSpec parse(String yaml, Map<String, TubeSpec> tubes) {
        return TubeYaml.parse(yaml, TubeYaml.TEXT, id -> Optional.ofNullable(tubes.get(id)));
    }

    private static List<Path> noobFiles() throws IOException {
        try (Stream<Path> files = Files.walk(NOOB)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static String key(Path file) {
        return NOOB.relativize(file).toString().replace('\\', '/');
    }

    // ---- noob's suite

    @Test
    void everyNoobTubeParsesAndRoundTrips() throws IOException {
        List<Path> files = noobFiles();
        assertThat(files).hasSizeGreaterThan(50);
        int parsed = 0;
        for (Path file : files) {
            if (INVALID.containsKey(key(file))) {
                continue;
            }
            TubeSpec spec = TubeYaml.read(file, TubeYaml.folder(file.getParent()));
            assertThat(spec.id()).as(key(file)).isEqualTo(peekId(file));
            assertThat(spec.nodes()).as(key(file)).isNotEmpty();
            assertThat(spec.extendsIds()).as(key(file)).isEmpty();
            assertThat(parse(TubeYaml.toYaml(spec))).as(key(file) + " written and read back").isEqualTo(spec);
            parsed++;
        }
        assertThat(parsed).isEqualTo(files.size() - INVALID.size());
    }

    @Test
    void theInvalidNoobFilesNameTheirNodeAndField() {
        INVALID.forEach((name, whereField) -> {
            Path file = NOOB.resolve(name);
            assertThatThrownBy(() -> TubeYaml.read(file, TubeYaml.folder(file.getParent())))
                    .as(name).isInstanceOfSatisfying(TubeException.class, e -> {
                        assertThat(e.where()).isEqualTo(whereField.get(0).isEmpty() ? null : whereField.get(0));
                        assertThat(e.field()).isEqualTo(whereField.get(1));
                        assertThat(e.getMessage()).contains(file.toString());
                    });
        });
    }

    private static String peekId(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> l.startsWith("noob_id:"))
                .map(l -> l.substring("noob_id:".length()).trim()).findFirst().orElseThrow();
    }

    @Test
    void basicReadsAsWritten() {
        TubeSpec spec = TubeYaml.read(NOOB.resolve("basic/basic.yaml"), NONE);
        assertThat(spec.id()).isEqualTo("testing-basic");
        assertThat(spec.nodes().keySet()).containsExactly("a", "b", "c");
        assertThat(spec.nodes().get("a")).isEqualTo(NodeSpec.of("count_source"));
        assertThat(spec.nodes().get("b")).isEqualTo(NodeSpec.of("multiply").withNamedDepends("left", "a.index"));
        assertThat(spec.nodes().get("c")).isEqualTo(NodeSpec.of("return").withDepends("b.value"));
        assertThat(spec.nodes().get("c").depends().shape()).isEqualTo(Depends.Shape.SCALAR);
    }

    @Test
    void noobFilesKeepTheirFlagsInputsAndAssets() {
        TubeSpec disabled = TubeYaml.read(NOOB.resolve("special/disable_node.yaml"), NONE);
        assertThat(disabled.nodes().get("b").enabled()).isFalse();
        assertThat(disabled.nodes().get("a").params()).isEqualTo(Map.of("limit", 10));

        TubeSpec stateful = TubeYaml.read(NOOB.resolve("special/stateful.yaml"), NONE);
        assertThat(stateful.nodes().get("a").stateful()).isNull();
        assertThat(stateful.nodes().get("b").stateful()).isTrue();
        assertThat(TubeYaml.read(NOOB.resolve("special/stateless.yaml"), NONE).nodes().get("a").stateful())
                .isFalse();

        TubeSpec mixed = TubeYaml.read(NOOB.resolve("input/input_mixed.yaml"), NONE);
        assertThat(mixed.inputs().get("start")).isEqualTo(InputSpec.of(InputSpec.Scope.TUBE).withType("int"));
        assertThat(mixed.inputs().get("multiply_process").scope()).isEqualTo(InputSpec.Scope.PROCESS);
        assertThat(mixed.nodes().get("a").params()).isEqualTo(Map.of("start", "input.start"));

        TubeSpec assets = TubeYaml.read(NOOB.resolve("asset/asset_depends_multi.yaml"), NONE);
        assertThat(assets.assets().get("counter")).isEqualTo(AssetSpec.of("counter", AssetSpec.Scope.RUNNER)
                .withParam("start", 1).withDepends("c.iterator"));
        assertThat(assets.assets().get("counter2").params()).isEmpty();

        TubeSpec init = TubeYaml.read(NOOB.resolve("special/asset_node_init.yaml"), NONE);
        Map<String, Object> nullParam = new HashMap<>();
        nullParam.put("value", null);
        assertThat(init.nodes().get("no_depends").params()).isEqualTo(nullParam);

        TubeSpec parent = TubeYaml.read(NOOB.resolve("recursive/recursive_parent.yaml"), NONE);
        assertThat(parent.nodes().get("b").type()).isEqualTo("tube");
        assertThat(parent.nodes().get("b").params()).containsEntry("tube", "testing-recursive-child");

        TubeSpec sink = TubeYaml.read(NOOB.resolve("special/kitchen_sink_even_sinkier.yaml"), NONE);
        assertThat(sink.description()).startsWith("One of every graph feature:\n").endsWith("(n mode).\n");
    }

    // ---- depends

    @Test
    void dependsInEachForm() {
        TubeSpec spec = TubeYaml.read(NOOB.resolve("basic/mixed_slot.yaml"), NONE);
        assertThat(spec.nodes().get("b").depends()).isEqualTo(Depends.list("a.counts"));
        Depends c = spec.nodes().get("c").depends();
        assertThat(c.shape()).isEqualTo(Depends.Shape.MIXED);
        assertThat(c.entries()).containsExactly(Dependency.positional(0, "a.counts"),
                Dependency.positional(1, "b.value"), Dependency.positional(2, "a.word"),
                Dependency.named("four", "a.counts"), Dependency.named("five", "b.value"),
                Dependency.named("six", "a.word"), Dependency.named("seven", "a.counts"));

        assertThat(dependsOf("a.value")).isEqualTo(Depends.scalar("a.value"));
        assertThat(dependsOf("[a.value, b.value]")).isEqualTo(Depends.list("a.value", "b.value"));
        assertThat(dependsOf("[{left: a.value}, {right: b.value}]"))
                .isEqualTo(Depends.named("left", "a.value", "right", "b.value"));
        // noob's documented equivalent of a list of sources: integer keys (or strings of digits)
        assertThat(dependsOf("[{0: a.value}, {'1': b.value}]")).isEqualTo(Depends.list("a.value", "b.value"));
        // a bare source counts only bare sources before it
        assertThat(dependsOf("[a.value, {x: b.value}, c.value]").entries()).containsExactly(
                Dependency.positional(0, "a.value"), Dependency.named("x", "b.value"),
                Dependency.positional(1, "c.value"));
        assertThat(dependsOf("[{2: a.value}]").entries()).containsExactly(Dependency.positional(2, "a.value"));
        assertThat(dependsOf("[]")).isEqualTo(Depends.NONE);
        assertThat(dependsOf("null")).isEqualTo(Depends.NONE);
        assertThat(dependsOf("[input.x, assets.db]").entries()).extracting(Dependency::node)
                .containsExactly("input", "assets");
    }

    private static Depends dependsOf(String depends) {
        return parse("noob_id: t\nnodes:\n  n:\n    type: x\n    depends: " + depends + "\n").nodes().get("n")
                .depends();
    }

    @Test
    void badDependsNameTheNodeAndField() {
        for (String bad : List.of("{left: a.value}", "[{left: a.value, right: b.value}]", "[{left: 3}]",
                "[{left: [a.value]}]", "avalue", "[a.b.c]", "[.value]", "[a.]", "[3]", "[[a.value]]", "5",
                "[{left: a.value}, {left: b.value}]", "[a.value, {0: b.value}]", "[{9999999999: a.value}]",
                "[{'bad-slot': a.value}]", "[my-node.value]")) {
            assertThatThrownBy(() -> dependsOf(bad)).as(bad).isInstanceOfSatisfying(TubeException.class, e -> {
                assertThat(e.tubeId()).isEqualTo("t");
                assertThat(e.where()).isEqualTo("node 'n'");
                assertThat(e.field()).isEqualTo("depends");
            });
        }
        assertThatThrownBy(() -> dependsOf("[{left: a.value, right: b.value}]"))
                .hasMessageContaining("2 keys");
        assertThatThrownBy(() -> dependsOf("[{left: a.value}, {left: b.value}]"))
                .hasMessageContaining("slot 'left'");
    }

    // ---- keys and values

    @Test
    void unknownKeysAreRefusedAtEveryLevel() {
        expect("noob_id: t\nnodez: {}\n", null, "nodez");
        expect("noob_id: t\nnodes:\n  a:\n    type: x\n    param: {}\n", "node 'a'", "param");
        expect("noob_id: t\ninput:\n  x:\n    type: int\n    scop: tube\n", "input 'x'", "scop");
        expect("noob_id: t\nassets:\n  db:\n    type: x\n    scope: runner\n    deps: a.b\n", "asset 'db'", "deps");
        assertThatThrownBy(() -> parse("noob_id: t\nnodes:\n  a:\n    type: x\n    param: {}\n"))
                .hasMessage("tube 't': node 'a' field 'param': unknown key (known: type, id, depends, params, "
                        + "enabled, stateful, description)");
    }

    @Test
    void headerKeysAreAcceptedAndIgnored() {
        TubeSpec spec = parse("noob_id: t\nnoob_model: noob.tube.TubeSpecification\nnoob_version: 0.1.0\n"
                + "nodes:\n  a:\n    type: x\n");
        assertThat(spec).isEqualTo(TubeSpec.named("t").withNode("a", NodeSpec.of("x")));
    }

    @Test
    void enabledAndStatefulTakeBooleansAndTheirStrings() {
        assertThat(node("enabled: 'false'").enabled()).isFalse();
        assertThat(node("enabled: 'True'").enabled()).isTrue();
        assertThat(node("enabled: false").enabled()).isFalse();
        assertThat(node("stateful: 'false'").stateful()).isFalse();
        assertThat(node("stateful: null").stateful()).isNull();
        expect(nodeYaml("enabled: maybe"), "node 'n'", "enabled");
        expect(nodeYaml("enabled: 1"), "node 'n'", "enabled");
        expect(nodeYaml("enabled: null"), "node 'n'", "enabled");
        expect(nodeYaml("enabled: input.flag"), "node 'n'", "enabled");
        expect(nodeYaml("stateful: 0"), "node 'n'", "stateful");
    }

    private static String nodeYaml(String line) {
        return "noob_id: t\nnodes:\n  n:\n    type: x\n    " + line + "\n";
    }

    private static NodeSpec node(String line) {
        return parse(nodeYaml(line)).nodes().get("n");
    }

    @Test
    void eachFieldIsChecked() {
        expect("nodes: {}\n", null, "noob_id");
        expect("noob_id: 3\n", null, "noob_id");
        expect("noob_id: t\ndescription: [a]\n", null, "description");
        expect("noob_id: t\nnodes: [a]\n", null, "nodes");
        expect("noob_id: t\nextends: other\n", null, "extends");
        expect("noob_id: t\nnodes:\n  a:\n", "node 'a'", null);
        expect("noob_id: t\nnodes:\n  a:\n    depends: b.value\n", "node 'a'", "type");
        expect("noob_id: t\nnodes:\n  a:\n    type: 3\n", "node 'a'", "type");
        expect("noob_id: t\nnodes:\n  a:\n    type: x\n    id: b\n", "node 'a'", "id");
        expect("noob_id: t\nnodes:\n  a:\n    type: x\n    params: [1]\n", "node 'a'", "params");
        expect("noob_id: t\nnodes:\n  input:\n    type: x\n", "node 'input'", null);
        expect("noob_id: t\nnodes:\n  my-node:\n    type: x\n", "node 'my-node'", null);
        expect("noob_id: t\ninput:\n  x:\n    scope: runner\n", "input 'x'", "scope");
        expect("noob_id: t\ninput:\n  x:\n    required: sometimes\n", "input 'x'", "required");
        expect("noob_id: t\nassets:\n  db:\n    scope: runner\n", "asset 'db'", "type");
        expect("noob_id: t\nassets:\n  db:\n    type: x\n", "asset 'db'", "scope");
        expect("noob_id: t\nassets:\n  db:\n    type: x\n    scope: process\n    depends: a.b\n", "asset 'db'",
                "depends");
        expect("noob_id: t\nassets:\n  db:\n    type: x\n    scope: runner\n    depends: ab\n", "asset 'db'",
                "depends");
        expect("noob_id: t\nassets:\n  db:\n    type: x\n    scope: runner\n    params: [1, 2]\n", "asset 'db'",
                "params");
        // an id equal to the key is fine
        assertThat(parse("noob_id: t\nnodes:\n  a:\n    type: x\n    id: a\n").nodes()).containsKey("a");
    }

    @Test
    void inputsTakeNoobsDefaults() {
        TubeSpec spec = parse("noob_id: t\ninput:\n  a:\n    type: int\n  b:\n    scope: process\n    default: 3\n"
                + "  c:\n    required: false\n  d:\n    default: null\n");
        assertThat(spec.inputs().get("a")).isEqualTo(InputSpec.of(InputSpec.Scope.TUBE).withType("int"));
        assertThat(spec.inputs().get("a").required()).isTrue();
        assertThat(spec.inputs().get("b").scope()).isEqualTo(InputSpec.Scope.PROCESS);
        assertThat(spec.inputs().get("b").defaultValue()).isEqualTo(3);
        assertThat(spec.inputs().get("b").required()).isFalse();
        assertThat(spec.inputs().get("c").required()).isFalse();
        assertThat(spec.inputs().get("c").hasDefault()).isFalse();
        assertThat(spec.inputs().get("d").hasDefault()).isTrue();
    }

    @Test
    void paramsAreUnmodifiableAllTheWayDown() {
        NodeSpec n = node("params: {a: {b: [1, 2]}}");
        @SuppressWarnings("unchecked") // as written just above
        Map<String, Object> a = (Map<String, Object>) n.params().get("a");
        assertThatThrownBy(() -> a.put("c", 1)).isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked") // as written just above
        List<Object> b = (List<Object>) a.get("b");
        assertThatThrownBy(() -> b.add(3)).isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- YAML errors

    @Test
    void yamlErrorsNameTheLine() {
        assertThatThrownBy(() -> parse("noob_id: t\nnodes:\n  a:\n    type: x\n   depends: [a.b\n"))
                .isInstanceOfSatisfying(TubeException.class, e -> {
                    assertThat(e.tubeId()).isEqualTo(TubeYaml.TEXT);
                    assertThat(e.getMessage()).isEqualTo("tube 'YAML text': malformed YAML at line 5, column 4: "
                            + "while parsing a block mapping; expected <block end>, but found '<block mapping start>'");
                });
        // SnakeYAML's mark, not Jackson's last token (line 2)
        assertThatThrownBy(() -> parse("noob_id: t\nnodes:\n\ta: 1\n")).hasMessageContaining("at line 3, column 1");
        assertThatThrownBy(() -> parse("noob_id: t\nnodes:\n  a:\n    type: x\n  a:\n    type: y\n"))
                .hasMessageContaining("at line 5").hasMessageContaining("Duplicate field 'a'");
        assertThatThrownBy(() -> parse("noob_id: t\nnodes:\n  a:\n    type: &t x\n  b:\n    type: *t\n"))
                .hasMessageContaining("alias '*t' at line 6");
        assertThatThrownBy(() -> parse("- a\n- b\n")).hasMessageContaining("YAML mapping at the top level");
        assertThatThrownBy(() -> parse("")).isInstanceOf(TubeException.class);
        assertThatThrownBy(() -> parse("noob_id: a\n---\nnoob_id: b\n")).isInstanceOf(TubeException.class);
    }

    @Test
    void fileErrorsNameTheFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("t.yaml"), "noob_id: t\nnodes:\n  a:\n    typ: x\n");
        assertThatThrownBy(() -> TubeYaml.read(file, NONE)).isInstanceOf(TubeException.class)
                .hasMessage("tube 't': node 'a' field 'typ': unknown key (known: type, id, depends, params, enabled, "
                        + "stateful, description) (in " + file + ")");
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "noob_id: [\n");
        assertThatThrownBy(() -> TubeYaml.read(broken, NONE)).isInstanceOfSatisfying(TubeException.class,
                e -> assertThat(e.tubeId()).isEqualTo(broken.toString()));
        Path missing = dir.resolve("missing.yaml");
        assertThatThrownBy(() -> TubeYaml.read(missing, NONE)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(missing.toString());
    }

    private static void expect(String yaml, String where, String field) {
        assertThatThrownBy(() -> parse(yaml)).as(yaml).isInstanceOfSatisfying(TubeException.class, e -> {
            assertThat(e.where()).as(yaml + " -> " + e.getMessage()).isEqualTo(where);
            assertThat(e.field()).as(yaml + " -> " + e.getMessage()).isEqualTo(field);
        });
    }

    // ---- extends

    @Test
    void extendsMergesAsNoobDoes() {
        Path dir = NOOB.resolve("extends");
        TubeSpec main = TubeYaml.read(dir.resolve("main.yaml"), TubeYaml.folder(dir));
        TubeSpec expected = TubeYaml.read(dir.resolve("expected.yaml"), TubeYaml.folder(dir));
        assertThat(main.id()).isEqualTo("testing-extends-main");
        assertThat(main.extendsIds()).isEmpty();
        assertThat(main).isEqualTo(expected.withId(main.id()));
        // the order of everything, too
        assertThat(main.nodes().keySet()).containsExactlyElementsOf(expected.nodes().keySet());
        assertThat(main.inputs().keySet()).containsExactlyElementsOf(expected.inputs().keySet());
        assertThat(main.assets().keySet()).containsExactlyElementsOf(expected.assets().keySet());
        // a layer in the middle: l2_b's input keeps its scope and takes l1_a's type
        TubeSpec l1a = TubeYaml.folder(dir).apply("testing-extends-l1-a").orElseThrow();
        assertThat(l1a.inputs().get("l2_b")).isEqualTo(InputSpec.of(InputSpec.Scope.PROCESS).withType("int"));
        assertThat(l1a.nodes().keySet()).containsExactly("a", "b", "c", "d", "l1_a", "l1a_return");
    }

    @Test
    void extendsMergesMappingsReplacesDependsAndKeepsOneReturn() {
        TubeSpec parent = TubeSpec.named("parent")
                .withInput("a", InputSpec.of(InputSpec.Scope.PROCESS).withType("int"))
                .withNode("a", NodeSpec.of("something").withParam("a", "a_value").withParam("n", Map.of("x", 1))
                        .withNamedDepends("a", "b.value").withStateful(true))
                .withNode("b", NodeSpec.of("source"))
                .withNode("return_a", NodeSpec.of("return").withNamedDepends("a", "a.value"));
        TubeSpec child = parse("noob_id: child\nextends: [parent]\ninput:\n  a:\n    type: str\n"
                + "nodes:\n  a:\n    params:\n      b: b_value\n      n: {y: 2}\n    depends:\n      - c: b.value\n"
                + "  return_b:\n    type: return\n    depends: b.value\n", Map.of("parent", parent));
        assertThat(child.inputs().get("a")).isEqualTo(InputSpec.of(InputSpec.Scope.PROCESS).withType("str"));
        assertThat(child.nodes().keySet()).containsExactly("a", "b", "return_b");
        assertThat(child.nodes().get("a")).isEqualTo(NodeSpec.of("something")
                .withParams(Map.of("a", "a_value", "n", Map.of("x", 1, "y", 2), "b", "b_value"))
                .withNamedDepends("c", "b.value").withStateful(true));
        assertThat(child.nodes().get("return_b")).isEqualTo(NodeSpec.of("return").withDepends("b.value"));
        assertThat(child.extendsIds()).isEmpty();
    }

    @Test
    void extendsLaterTubesOverrideEarlierOnes() {
        TubeSpec first = TubeSpec.named("first").withDescription("first")
                .withNode("a", NodeSpec.of("one").withParam("p", 1).withEnabled(false));
        TubeSpec second = TubeSpec.named("second").withNode("a", NodeSpec.of("two"));
        TubeSpec child = parse("noob_id: child\nextends: [first, second]\n",
                Map.of("first", first, "second", second));
        // an enabled: true is a default, left out when written: the earlier false stays (so noob too)
        assertThat(child.nodes().get("a")).isEqualTo(NodeSpec.of("two").withParam("p", 1).withEnabled(false));
        assertThat(child.description()).isEqualTo("first");
        TubeSpec enabled = parse("noob_id: child\nextends: [first, second]\nnodes:\n  a:\n    enabled: true\n",
                Map.of("first", first, "second", second));
        assertThat(enabled.nodes().get("a").enabled()).isTrue();
    }

    @Test
    void extendsResolvesWhatAResolvedParentStillExtends() {
        TubeSpec base = TubeSpec.named("base").withNode("a", NodeSpec.of("x"));
        TubeSpec middle = TubeSpec.named("middle").withExtends(List.of("base")).withNode("b", NodeSpec.of("y"));
        TubeSpec child = parse("noob_id: child\nextends: [middle]\n", Map.of("base", base, "middle", middle));
        assertThat(child.nodes().keySet()).containsExactly("a", "b");
    }

    @Test
    void resolveMergesWhatASpecificationBuiltInJavaExtends() {
        TubeSpec base = TubeSpec.named("base").withNode("a", NodeSpec.of("x").withParam("p", 1));
        TubeSpec spec = TubeSpec.named("spec").withExtends(List.of("base"))
                .withNode("a", NodeSpec.of("x").withParam("q", 2));
        Function<String, Optional<TubeSpec>> tubes = id -> Optional.ofNullable(Map.of("base", base).get(id));
        assertThat(TubeYaml.resolve(spec, tubes)).isEqualTo(TubeSpec.named("spec")
                .withNode("a", NodeSpec.of("x").withParam("p", 1).withParam("q", 2)));
        assertThat(TubeYaml.resolve(base, tubes)).isSameAs(base);
        assertThatThrownBy(() -> TubeYaml.resolve(spec.withExtends(List.of("none")), tubes))
                .hasMessage("tube 'spec' field 'extends': no tube 'none' to extend");
    }

    @Test
    void extendsErrorsNameTheMissingIdAndTheCycle(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> parse("noob_id: t\nextends: [nowhere]\n"))
                .isInstanceOfSatisfying(TubeException.class, e -> {
                    assertThat(e.field()).isEqualTo("extends");
                    assertThat(e.getMessage()).contains("no tube 'nowhere'");
                });
        Files.writeString(dir.resolve("a.yaml"), "noob_id: a\nextends: [b]\n");
        Files.writeString(dir.resolve("b.yaml"), "noob_id: b\nextends: [c]\n");
        Files.writeString(dir.resolve("c.yaml"), "noob_id: c\nextends: [a]\n");
        Files.writeString(dir.resolve("self.yaml"), "noob_id: self\nextends: [self]\n");
        assertThatThrownBy(() -> TubeYaml.read(dir.resolve("a.yaml"), TubeYaml.folder(dir)))
                .isInstanceOf(TubeException.class).hasMessageContaining("extends cycle: a -> b -> c -> a");
        assertThatThrownBy(() -> TubeYaml.folder(dir).apply("b")).hasMessageContaining("b -> c -> a -> b");
        assertThatThrownBy(() -> TubeYaml.read(dir.resolve("self.yaml"), TubeYaml.folder(dir)))
                .hasMessageContaining("extends cycle: self -> self");
    }

    @Test
    void extendsThroughAFolderUsesTheOutermostLookup(@TempDir Path dir) throws IOException {
        // l1 is in the folder, but what it extends only in the lookup Tube.read gives (the registry first)
        Files.writeString(dir.resolve("l1.yaml"), "noob_id: l1\nextends: [registered]\nnodes:\n  b:\n    type: y\n");
        Function<String, Optional<TubeSpec>> folder = TubeYaml.folder(dir);
        TubeSpec registered = TubeSpec.named("registered").withNode("a", NodeSpec.of("x"));
        Function<String, Optional<TubeSpec>> tubes = id -> id.equals("registered") ? Optional.of(registered)
                : folder.apply(id);
        TubeSpec child = TubeYaml.parse("noob_id: child\nextends: [l1]\n", TubeYaml.TEXT, tubes);
        assertThat(child.nodes().keySet()).containsExactly("a", "b");
    }

    // ---- folders

    @Test
    void folderFindsTubesById(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("one.yaml"), "noob_id: one\nnodes:\n  a:\n    type: x\n");
        Files.writeString(dir.resolve("two.yml"), "noob_id: two\nnodes:\n  a:\n    type: y\n");
        Files.writeString(dir.resolve("notes.txt"), "noob_id: three\n");
        Files.writeString(dir.resolve("broken.yaml"), "nodes: [\n");
        Files.writeString(dir.resolve("bad.yaml"), "noob_id: bad\nnodes:\n  a:\n    typ: x\n");
        Files.writeString(dir.resolve("worse.yaml"), "noob_id: worse # broken below\nnodes: [\n");
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/four.yaml"), "noob_id: four\n");
        Function<String, Optional<TubeSpec>> folder = TubeYaml.folder(dir);
        assertThat(folder.apply("one").orElseThrow().nodes().get("a").type()).isEqualTo("x");
        assertThat(folder.apply("two").orElseThrow().nodes().get("a").type()).isEqualTo("y");
        assertThat(folder.apply("three")).isEmpty();
        assertThat(folder.apply("four")).isEmpty();
        // a broken file is an error only when it is the one asked for
        assertThatThrownBy(() -> folder.apply("bad")).isInstanceOfSatisfying(TubeException.class,
                e -> assertThat(e.getMessage()).contains("typ").contains("bad.yaml"));
        assertThatThrownBy(() -> folder.apply("worse")).isInstanceOf(TubeException.class)
                .hasMessageContaining("malformed YAML").hasMessageContaining("worse.yaml");
        // indexed once: a file added later is not seen
        Files.writeString(dir.resolve("late.yaml"), "noob_id: late\n");
        assertThat(folder.apply("late")).isEmpty();
        assertThat(TubeYaml.folder(dir.resolve("nowhere")).apply("one")).isEmpty();
    }

    @Test
    void folderRefusesTwoFilesOfOneId(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), "noob_id: same\n");
        Files.writeString(dir.resolve("b.yaml"), "noob_id: same\n");
        Files.writeString(dir.resolve("c.yaml"), "noob_id: other\nnodes:\n  a:\n    type: x\n");
        Function<String, Optional<TubeSpec>> folder = TubeYaml.folder(dir);
        assertThatThrownBy(() -> folder.apply("same")).isInstanceOf(TubeException.class)
                .hasMessageContaining("a.yaml").hasMessageContaining("b.yaml");
        assertThat(folder.apply("other")).isPresent();
    }

    // ---- writing

    @Test
    void writtenSpecificationsReadBackEqual() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("list", List.of(1, 2.5, "three", true));
        nested.put("none", null);
        TubeSpec spec = TubeSpec.named("everything").withDescription("line one\nline two\n")
                .withInput("t", InputSpec.of(InputSpec.Scope.TUBE).withType("int"))
                .withInput("p", InputSpec.of(InputSpec.Scope.PROCESS).withDefault(List.of("a", "b")))
                .withInput("o", InputSpec.of(InputSpec.Scope.TUBE).withRequired(false).withDescription("optional"))
                .withInput("od", InputSpec.of(InputSpec.Scope.TUBE).withRequired(false).withDefault(1))
                .withInput("n", InputSpec.of(InputSpec.Scope.TUBE).withDefault(null))
                .withAsset("db", AssetSpec.of("database", AssetSpec.Scope.RUNNER).withParam("url", "jdbc:x")
                        .withDepends("c.value").withDescription("state"))
                .withAsset("tmp", AssetSpec.of("scratch", AssetSpec.Scope.NODE))
                .withNode("a", NodeSpec.of("count_source").withParams(Map.of("start", "input.t")))
                .withNode("b", NodeSpec.of("multiply").withNamedDepends("left", "a.index", "right", "assets.db")
                        .withStateful(false).withDescription("multiplies"))
                .withNode("c", NodeSpec.of("sum").withDepends(Depends.list("a.index", "b.value"))
                        .withEnabled(false).withStateful(true))
                .withNode("d", NodeSpec.of("mixed").withDepends(Depends.of(List.of(Dependency.positional(1, "a.index"),
                        Dependency.named("x", "b.value"), Dependency.positional(0, "c.value"),
                        Dependency.positional(5, "input.p")))))
                .withNode("e", NodeSpec.of("strings").withParam("yes", "yes").withParam("true", "true")
                        .withParam("null", "null").withParam("number", "123").withParam("float", "1.5")
                        .withParam("empty", "").withParam("colon", "a: b").withParam("hash", "#x")
                        .withParam("nested", nested).withParam("long", 12345678901L))
                .withNode("r", NodeSpec.of("return").withDepends("c.value"));
        String yaml = TubeYaml.toYaml(spec);
        assertThat(parse(yaml)).isEqualTo(spec);
        assertThat(yaml).startsWith("noob_id: everything\ndescription: |\n  line one\n  line two\n")
                .contains("    depends:\n      - left: a.index\n      - right: assets.db\n")
                .contains("    depends: c.value\n")
                .doesNotContain("noob_model").doesNotContain("enabled: true").doesNotContain("scope: tube");
        // an input keeps whether it was written required: false, default or not
        assertThat(parse(yaml).inputs().get("od")).isEqualTo(spec.inputs().get("od"))
                .isNotEqualTo(InputSpec.of(InputSpec.Scope.TUBE).withDefault(1));
    }

    @Test
    void toMapLeavesOutDefaults() {
        TubeSpec spec = TubeSpec.named("t").withNode("a", NodeSpec.of("x"));
        assertThat(TubeYaml.toMap(spec)).isEqualTo(Map.of("noob_id", "t", "nodes", Map.of("a", Map.of("type", "x"))));
        assertThat(TubeYaml.toMap(spec.withExtends(List.of("base")))).containsEntry("extends", List.of("base"));
    }

    @Test
    void anyDependsReadsBackAsWritten() {
        // slots: named s0..s3 or positional 0..5, in any order; sources from three nodes
        Gen<Dependency> dependency = integers().between(0, 9).zip(integers().between(0, 2), (slot, node) -> slot < 4
                ? Dependency.named("s" + slot, "n" + node + ".value")
                : Dependency.positional(slot - 4, "n" + node + ".value"));
        qt().withExamples(300).forAll(lists().of(dependency).ofSizeBetween(0, 8)).checkAssert(deps -> {
            List<Dependency> unique = new ArrayList<>();
            deps.stream().filter(d -> unique.stream().noneMatch(u -> u.key().equals(d.key()))).forEach(unique::add);
            TubeSpec spec = TubeSpec.named("t").withNode("n", NodeSpec.of("x").withDepends(Depends.of(unique)));
            assertThat(parse(TubeYaml.toYaml(spec))).isEqualTo(spec);
        });
    }
}
