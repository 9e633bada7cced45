package dev.weft.flow;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Data flows in DFFML's own dict format, as a DFFML data flow file holds it (JSON, or YAML as DFFML's
 * {@code configloader/yaml} plugin writes): {@link #export(DataFlow, boolean) export} a {@link DataFlow} to that dict
 * and {@link #toJson to JSON} or {@link #toYaml YAML}, and {@link #fromMap read} one back, from a map, a JSON or YAML
 * string, reader or file.
 *
 * <h2>The format</h2>
 * <pre>{@code
 * {"operations": {instance: {"name", "inputs": {param: definition}, "outputs": {key: definition},
 *                            "conditions": [definition], "stage": "processing"|"cleanup"|"output",
 *                            "expand": [key], "retry": n}},
 *  "seed": [{"value": v, "definition": definition, "origin": "seed"}],
 *  "flow": {instance: {"inputs": {param: [source]}, "conditions": [source]}},
 *  "configs": {instance: config}}
 * }</pre>
 * A definition is {@code {"name", "primitive"}} plus {@code "default"}, {@code "lock"} and {@code "validate"} (the
 * instance name of its validator operation, {@link Definition#withValidator(String)}) when set. As DFFML does,
 * {@code conditions} and {@code expand} are left out when empty, {@code seed}, {@code flow} and {@code configs} when
 * empty; Weft also writes {@code "validator": true} for a validator operation (DFFML reads it). A source is DFFML's:
 * an origin string ({@code "seed"} or a user's name), {@code {"instance": "output_key"}}, {@code {"origin":
 * ["DefA", "DefB"]}} (alternate definitions), or a lineage list {@code [{"instance": "key"}, parent_origin,
 * grandparent_origin, ...]} whose later entries are origin strings or {@code {instance: key}} maps.
 *
 * <p><b>Linked form</b> ({@code export(flow, true)}): {@code "linked": true} and a top-level {@code "definitions":
 * {name: definition}}, with every definition in operations and seed replaced by its name. On reading, a name that
 * is not among the definitions fails with DFFML's {@code DefinitionMissing} wording, adapted: <i>While resolving
 * add.conditions, missing definition is_add not found in [numbers, result]</i>.
 *
 * <h2>Reading</h2>
 * {@link #fromMap(Map, OperationRegistry)} builds the flow with {@link DataFlow#builder()}: explicit flows when the
 * file has {@code "flow"}, DFFML's automatic flow otherwise, and every {@link DataFlow} check. Each operation's
 * implementation is looked up by its {@code name} in an {@link OperationRegistry}, and only there (a file cannot
 * name code to load); an unregistered name fails, naming it, its instance and what is registered. Values are JSON
 * types: {@code String}, {@code Integer}/{@code Long}/{@code BigInteger}, {@code Double}, {@code Boolean},
 * {@code null}, {@code List} and {@code Map} (insertion-ordered). Keys this format does not have are rejected, naming
 * them and where. DFFML's {@code spec}, {@code subspec} and {@code links} of a definition are accepted and ignored:
 * a file cannot name a record class, so such values stay maps (give a definition a spec in Java with
 * {@link Definition#withSpec}); {@code forward} is read and written as DFFML's {@code {"book": {instance: [definition]}}}.
 *
 * <p>What cannot be written in the format fails {@link #export} with a {@link FlowException} naming it: alternate
 * definitions from an operation output. Configuration values and defaults are written as they are; to write JSON or
 * YAML they must be JSON types. A lineage source whose immediate origin is a name rather than an operation output is
 * written as a string first entry, which Weft reads back but DFFML's orchestrator does not accept.
 *
 * <p>Stateless and thread safe.
 */
public final class DataFlows {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Set<String> TOP_KEYS = Set.of("operations", "seed", "flow", "configs", "forward", "linked",
            "definitions");
    private static final Set<String> OPERATION_KEYS = Set.of("name", "inputs", "outputs", "stage", "conditions",
            "expand", "retry", "validator", "instance_name");
    private static final Set<String> DEFINITION_KEYS = Set.of("name", "primitive", "default", "lock", "spec",
            "subspec", "links", "validate");
    private static final Set<String> SEED_KEYS = Set.of("value", "definition", "origin", "uid", "parents",
            "validated");
    private static final Set<String> FLOW_KEYS = Set.of("inputs", "conditions");

    private DataFlows() {
    }

    // ---------------------------------------------------------------- writing

    /** {@code export(flow, false)}. */
    public static Map<String, Object> export(DataFlow flow) {
        return export(flow, false);
    }

    /**
     * DFFML's exported dict of {@code flow} (see the class description); a fresh, mutable, insertion-ordered map.
     *
     * @param linked whether to write the linked form (definitions once, by name elsewhere)
     * @throws FlowException if the flow holds something the format cannot express, naming it
     */
    public static Map<String, Object> export(DataFlow flow, boolean linked) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> ops = new LinkedHashMap<>();
        flow.operations().forEach((instance, op) -> ops.put(instance, exportOperation(op, linked)));
        out.put("operations", ops);
        if (!flow.seed().isEmpty()) {
            List<Object> seed = new ArrayList<>();
            for (Input i : flow.seed()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("value", i.value());
                m.put("definition", linked ? i.definition().name() : exportDefinition(i.definition()));
                m.put("origin", exportOrigin(i.origin()));
                seed.add(m);
            }
            out.put("seed", seed);
        }
        if (!flow.flow().isEmpty()) {
            Map<String, Object> flows = new LinkedHashMap<>();
            flow.flow().forEach((instance, f) -> flows.put(instance, exportInputFlow(instance, f)));
            out.put("flow", flows);
        }
        if (!flow.configs().isEmpty()) {
            out.put("configs", new LinkedHashMap<>(flow.configs()));
        }
        if (!flow.forward().isEmpty()) {
            Map<String, Object> book = new LinkedHashMap<>();
            flow.forward().forEach((instance, defs) -> book.put(instance, defs.stream()
                    .map(d -> linked ? (Object) d.name() : exportDefinition(d)).toList()));
            out.put("forward", Map.of("book", book));
        }
        if (linked) {
            out.put("linked", true);
            Map<String, Object> defs = new LinkedHashMap<>();
            flow.definitions().forEach((name, d) -> defs.put(name, exportDefinition(d)));
            out.put("definitions", defs);
        }
        return out;
    }

    /**
     * DFFML's export of one operation: {@code name}, {@code inputs}, {@code outputs}, {@code conditions} (when any),
     * {@code stage}, {@code expand} (when any), {@code retry}, and {@code validator} when true.
     *
     * @param linked whether definitions are written by name
     */
    public static Map<String, Object> exportOperation(Operation op, boolean linked) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", op.name());
        Map<String, Object> inputs = new LinkedHashMap<>();
        op.inputs().forEach((k, d) -> inputs.put(k, linked ? d.name() : exportDefinition(d)));
        m.put("inputs", inputs);
        Map<String, Object> outputs = new LinkedHashMap<>();
        op.outputs().forEach((k, d) -> outputs.put(k, linked ? d.name() : exportDefinition(d)));
        m.put("outputs", outputs);
        if (!op.conditions().isEmpty()) {
            List<Object> conditions = new ArrayList<>();
            op.conditions().forEach(d -> conditions.add(linked ? d.name() : exportDefinition(d)));
            m.put("conditions", conditions);
        }
        m.put("stage", op.stage().exported());
        if (!op.expand().isEmpty()) {
            m.put("expand", new ArrayList<>(op.expand()));
        }
        m.put("retry", op.retry());
        if (op.validator()) {
            m.put("validator", true);
        }
        return m;
    }

    /**
     * DFFML's export of a definition: {@link Definition#export()}, plus {@code "validate"}: the validator instance
     * when one was given with {@link Definition#withValidator(String)}.
     */
    public static Map<String, Object> exportDefinition(Definition<?> d) {
        Map<String, Object> m = d.export();
        d.validator().ifPresent(instance -> m.put("validate", instance));
        return m;
    }

    private static Object exportOrigin(Origin o) {
        return switch (o) {
            case Origin.Named n -> n.name();
            case Origin.Output out -> new ArrayList<>(List.of(out.instance(), out.outputKey()));
        };
    }

    private static Map<String, Object> exportInputFlow(String instance, InputFlow f) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> inputs = new LinkedHashMap<>();
        f.inputs().forEach((param, sources) -> {
            List<Object> list = new ArrayList<>();
            sources.forEach(s -> list.add(exportSource(instance + ".inputs." + param, s)));
            inputs.put(param, list);
        });
        m.put("inputs", inputs);
        if (!f.conditions().isEmpty()) {
            List<Object> list = new ArrayList<>();
            f.conditions().forEach(s -> list.add(exportSource(instance + ".conditions", s)));
            m.put("conditions", list);
        }
        return m;
    }

    private static Object exportSource(String where, InputFlow.Source s) {
        return switch (s) {
            case InputFlow.Source.FromOrigin f -> exportFlowOrigin(f.origin());
            case InputFlow.Source.AlternateDefinitions a -> {
                if (!(a.origin() instanceof Origin.Named n)) {
                    throw new FlowException("flow of " + where + ": alternate definitions " + a.definitions()
                            + " from operation output " + a.origin() + " cannot be written in DFFML's format, whose "
                            + "alternate definitions come from a named origin such as \"seed\"");
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(n.name(), new ArrayList<>(a.definitions()));
                yield m;
            }
            case InputFlow.Source.Lineage l -> {
                List<Object> chain = new ArrayList<>();
                l.chain().forEach(o -> chain.add(exportFlowOrigin(o)));
                yield chain;
            }
        };
    }

    private static Object exportFlowOrigin(Origin o) {
        return switch (o) {
            case Origin.Named n -> n.name();
            case Origin.Output out -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(out.instance(), out.outputKey());
                yield m;
            }
        };
    }

    /**
     * {@code flow} as indented JSON in DFFML's format.
     *
     * @throws FlowException if the flow cannot be exported, or holds a value JSON cannot represent
     */
    public static String toJson(DataFlow flow, boolean linked) {
        return write(JSON, export(flow, linked), "JSON");
    }

    /**
     * {@code flow} as YAML in DFFML's format.
     *
     * @throws FlowException if the flow cannot be exported, or holds a value YAML cannot represent
     */
    public static String toYaml(DataFlow flow, boolean linked) {
        return write(YAML, export(flow, linked), "YAML");
    }

    private static String write(ObjectMapper mapper, Map<String, Object> exported, String format) {
        try {
            return mapper.writeValueAsString(exported);
        } catch (JsonProcessingException e) {
            throw new FlowException("cannot write the data flow as " + format + ": " + e.getOriginalMessage(), e);
        }
    }

    // ---------------------------------------------------------------- diagram

    /**
     * {@code flow} as a Mermaid graph, in the layout of DFFML's {@code dffml dataflow diagram}: a subgraph per stage
     * (in stage order), in it a subgraph per operation instance with the operation's node, a round node per input
     * (pointing at the operation) and per output (pointed at by it); then an {@code Inputs} subgraph that draws each
     * flow source: a node per seed (or other named origin) definition pointing at the input it feeds, and an edge
     * from each producer's output node to each consumer's input node. Node ids are DFFML's (hex MD5 of
     * {@code "stage." + stage}, {@code "subgraph." + instance}, {@code instance}, {@code "input." + instance + "." +
     * name}, {@code "output." + instance + "." + key}, {@code origin + "." + definition}), so a flow DFFML also
     * draws gets the same ids. Weft adds condition sources as dotted edges into the operation's node, which DFFML
     * does not draw. Labels with characters Mermaid would misread are quoted.
     *
     * @param simple DFFML's {@code -simple}: only operations, with edges between operations and from seed nodes
     * @return the graph text, lines ending in {@code \n}
     */
    public static String mermaid(DataFlow flow, boolean simple) {
        StringBuilder out = new StringBuilder("graph TD\n");
        for (Stage stage : Stage.values()) {
            String stageNode = md5("stage." + stage.exported());
            String title = Character.toUpperCase(stage.exported().charAt(0)) + stage.exported().substring(1);
            out.append("subgraph ").append(stageNode).append('[').append(title).append(" Stage]\n");
            out.append("style ").append(stageNode).append(" fill:#afd388b5,stroke:#a4ca7a\n");
            flow.operations().forEach((instance, op) -> {
                if (op.stage() != stage) {
                    return;
                }
                String subgraph = md5("subgraph." + instance);
                String node = md5(instance);
                if (!simple) {
                    out.append("subgraph ").append(subgraph).append(label('[', instance, ']')).append('\n');
                    out.append("style ").append(subgraph).append(" fill:#fff4de,stroke:#cece71\n");
                }
                out.append(node).append(label('[', instance, ']')).append('\n');
                if (!simple) {
                    for (String input : op.inputs().keySet()) {
                        String inputNode = md5("input." + instance + "." + input);
                        out.append(inputNode).append(label('(', input, ')')).append('\n');
                        out.append(inputNode).append(" --> ").append(node).append('\n');
                    }
                    for (String output : op.outputs().keySet()) {
                        String outputNode = md5("output." + instance + "." + output);
                        out.append(outputNode).append(label('(', output, ')')).append('\n');
                        out.append(node).append(" --> ").append(outputNode).append('\n');
                    }
                    out.append("end\n");
                }
            });
            out.append("end\n");
        }
        out.append("subgraph inputs[Inputs]\n");
        out.append("style inputs fill:#f6dbf9,stroke:#a178ca\n");
        flow.flow().forEach((instance, f) -> {
            Operation op = flow.operations().get(instance);
            String node = md5(instance);
            f.inputs().forEach((input, sources) -> {
                String target = simple ? node : md5("input." + instance + "." + input);
                for (InputFlow.Source source : sources) {
                    drawSource(out, source, List.of(op.inputs().get(input).name()), target, " --> ", simple);
                }
            });
            List<String> conditionNames = new ArrayList<>();
            op.conditions().forEach(d -> conditionNames.add(d.name()));
            for (InputFlow.Source source : f.conditions()) {
                drawSource(out, source, conditionNames, node, " -.-> ", simple);
            }
        });
        out.append("end\n");
        return out.toString();
    }

    private static void drawSource(StringBuilder out, InputFlow.Source source, List<String> definitions,
                                   String target, String arrow, boolean toOperation) {
        List<String> named = definitions;
        if (source instanceof InputFlow.Source.AlternateDefinitions a) {
            named = a.definitions();
        }
        switch (source.origin()) {
            case Origin.Output o -> out.append(toOperation ? md5(o.instance())
                    : md5("output." + o.instance() + "." + o.outputKey())).append(arrow).append(target).append('\n');
            case Origin.Named n -> {
                for (String definition : named) {
                    String seedNode = md5(n.name() + "." + definition);
                    out.append(seedNode).append(label('(', definition, ')')).append('\n');
                    out.append(seedNode).append(arrow).append(target).append('\n');
                }
            }
        }
    }

    private static String label(char open, String text, char close) {
        boolean plain = !text.isEmpty();
        for (int i = 0; i < text.length() && plain; i++) {
            char c = text.charAt(i);
            plain = Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == ':' || c == '-' || c == ' ';
        }
        return plain ? open + text + close : open + "\"" + text.replace("\"", "#quot;") + "\"" + close;
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks MD5, which every Java platform must provide", e);
        }
    }

    // ---------------------------------------------------------------- reading

    /** {@link #fromMap(Map, OperationRegistry)} with the {@linkplain OperationRegistry#defaultRegistry() default}. */
    public static DataFlow fromMap(Map<String, ?> exported) {
        return fromMap(exported, OperationRegistry.defaultRegistry());
    }

    /**
     * The data flow {@code exported} describes, in DFFML's dict format, plain or linked. The map is not modified.
     *
     * @param registry where operation names resolve to implementations
     * @throws FlowException naming what is wrong and where: a missing or malformed key, a missing definition
     *                       (DFFML's {@code DefinitionMissing}), an unregistered operation, or any {@link DataFlow}
     *                       check
     */
    public static DataFlow fromMap(Map<String, ?> exported, OperationRegistry registry) {
        return new Reading(exported, registry).read();
    }

    /** {@link #fromJson(String, OperationRegistry)} with the default registry. */
    public static DataFlow fromJson(String json) {
        return fromJson(json, OperationRegistry.defaultRegistry());
    }

    /**
     * The data flow in JSON text {@code json}.
     *
     * @throws FlowException for malformed JSON (with line and column) or as {@link #fromMap(Map, OperationRegistry)}
     */
    public static DataFlow fromJson(String json, OperationRegistry registry) {
        try {
            return fromMap(parse(JSON, JSON.readValue(json, Object.class), "JSON text"), registry);
        } catch (JsonProcessingException e) {
            throw syntax("JSON text", e);
        }
    }

    /**
     * The data flow in the JSON {@code reader} holds; the reader is read to its end, not closed.
     *
     * @throws IOException   if reading fails
     * @throws FlowException as {@link #fromJson(String, OperationRegistry)}
     */
    public static DataFlow fromJson(Reader reader, OperationRegistry registry) throws IOException {
        return fromMap(readMap(JSON, reader, "JSON input"), registry);
    }

    /**
     * The data flow in JSON file {@code file}.
     *
     * @throws IOException   if the file cannot be read
     * @throws FlowException as {@link #fromJson(String, OperationRegistry)}, naming the file
     */
    public static DataFlow fromJson(Path file, OperationRegistry registry) throws IOException {
        try (Reader r = Files.newBufferedReader(file)) {
            return fromMap(readMap(JSON, r, file.toString()), registry);
        }
    }

    /** {@link #fromYaml(String, OperationRegistry)} with the default registry. */
    public static DataFlow fromYaml(String yaml) {
        return fromYaml(yaml, OperationRegistry.defaultRegistry());
    }

    /**
     * The data flow in YAML text {@code yaml}.
     *
     * @throws FlowException for malformed YAML (with line and column) or as {@link #fromMap(Map, OperationRegistry)}
     */
    public static DataFlow fromYaml(String yaml, OperationRegistry registry) {
        try {
            return fromMap(parse(YAML, YAML.readValue(yaml, Object.class), "YAML text"), registry);
        } catch (JsonProcessingException e) {
            throw syntax("YAML text", e);
        }
    }

    /**
     * The data flow in the YAML {@code reader} holds; the reader is read to its end, not closed.
     *
     * @throws IOException   if reading fails
     * @throws FlowException as {@link #fromYaml(String, OperationRegistry)}
     */
    public static DataFlow fromYaml(Reader reader, OperationRegistry registry) throws IOException {
        return fromMap(readMap(YAML, reader, "YAML input"), registry);
    }

    /**
     * The data flow in YAML file {@code file}.
     *
     * @throws IOException   if the file cannot be read
     * @throws FlowException as {@link #fromYaml(String, OperationRegistry)}, naming the file
     */
    public static DataFlow fromYaml(Path file, OperationRegistry registry) throws IOException {
        try (Reader r = Files.newBufferedReader(file)) {
            return fromMap(readMap(YAML, r, file.toString()), registry);
        }
    }

    /**
     * The data flow in {@code file}, JSON or YAML by its extension ({@code .json}; {@code .yaml} or {@code .yml}).
     *
     * @throws IOException   if the file cannot be read
     * @throws FlowException for another extension, naming it, or as the JSON and YAML readers
     */
    public static DataFlow read(Path file, OperationRegistry registry) throws IOException {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return fromJson(file, registry);
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return fromYaml(file, registry);
        }
        throw new FlowException("data flow file " + file + ": unknown format; name it *.json, *.yaml or *.yml");
    }

    /**
     * A data flow of the registered operations {@code names}, each instance named as its operation, with DFFML's
     * automatic flow: what DFFML's {@code dataflow create} writes. Add seed inputs (such as an output operation's
     * spec) with {@link DataFlow#builder()} when a flow needs them, or export this one and edit the file.
     *
     * @throws FlowException if a name is not registered, or registered without an {@link Operation}, naming it
     */
    public static DataFlow create(OperationRegistry registry, String... names) {
        DataFlow.Builder b = DataFlow.builder();
        for (String name : names) {
            OperationRegistry.Entry e = registry.require(name, "given to create");
            if (e.operation() == null) {
                throw new FlowException("operation '" + name + "' is registered without its declaration (inputs, "
                        + "outputs), so a data flow cannot be made of it; register it with an Operation");
            }
            b.operation(e.operation(), e.implementation());
        }
        return b.build();
    }

    private static Map<String, ?> readMap(ObjectMapper mapper, Reader reader, String source) throws IOException {
        try {
            return parse(mapper, mapper.readValue(reader, Object.class), source);
        } catch (JsonProcessingException e) {
            throw syntax(source, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> parse(ObjectMapper mapper, Object value, String source) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new FlowException(source + ": a data flow must be a " + (mapper == YAML ? "YAML mapping" : "JSON "
                    + "object") + " at the top level, got " + describe(value));
        }
        return (Map<String, ?>) m;
    }

    private static FlowException syntax(String source, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return new FlowException(source + ": malformed" + where + ": " + e.getOriginalMessage(), e);
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        String type = switch (v) {
            case Map<?, ?> m -> "an object";
            case List<?> l -> "a list";
            case String s -> "a string";
            case Number n -> "a number";
            case Boolean b -> "a boolean";
            default -> v.getClass().getSimpleName();
        };
        String text = String.valueOf(v);
        return type + " (" + (text.length() > 60 ? text.substring(0, 57) + "..." : text) + ")";
    }

    /** One reading of one exported dict. */
    private static final class Reading {
        private final Map<String, ?> exported;
        private final OperationRegistry registry;
        private final boolean linked;
        private final Map<String, Definition<Object>> definitions = new LinkedHashMap<>();

        Reading(Map<String, ?> exported, OperationRegistry registry) {
            this.exported = Objects.requireNonNull(exported, "exported data flow");
            this.registry = Objects.requireNonNull(registry, "registry");
            this.linked = Boolean.TRUE.equals(exported.get("linked"));
        }

        DataFlow read() {
            unknownKeys(exported, TOP_KEYS, "the data flow");
            Object linkedValue = exported.get("linked");
            if (linkedValue != null && !(linkedValue instanceof Boolean)) {
                throw new FlowException("\"linked\" must be true or false, got " + describe(linkedValue));
            }
            Map<String, ?> defs = optionalMap(exported, "definitions", "the data flow");
            defs.forEach((name, d) -> definitions.put(name, definition(d, "definitions." + name, name)));
            Map<String, ?> forward = optionalMap(exported, "forward", "the data flow");
            unknownKeys(forward, Set.of("book"), "\"forward\"");

            DataFlow.Builder b = DataFlow.builder();
            Object opsValue = exported.get("operations");
            if (opsValue == null) {
                throw new FlowException("the data flow has no \"operations\"");
            }
            Map<String, ?> ops = map(opsValue, "\"operations\"");
            List<String> unregistered = new ArrayList<>();
            Map<String, OperationImplementation> implementations = new LinkedHashMap<>();
            ops.forEach((instance, value) -> {
                Operation op = operation(instance, map(value, "operation instance '" + instance + "'"));
                b.operation(instance, op);
                registry.find(op.name()).ifPresentOrElse(
                        e -> implementations.put(op.name(), e.implementation()),
                        () -> unregistered.add("'" + op.name() + "' (instance '" + instance + "')"));
            });
            if (!unregistered.isEmpty()) {
                throw new FlowException("operation" + (unregistered.size() > 1 ? "s " : " ")
                        + String.join(", ", unregistered) + (unregistered.size() > 1 ? " are" : " is")
                        + " not registered; registered operations are " + registry.names() + ". Register a Java "
                        + "implementation with OperationRegistry.register or an OperationProvider service");
            }
            implementations.forEach(b::implementation);

            Object seedValue = exported.get("seed");
            if (seedValue != null) {
                List<?> seed = list(seedValue, "\"seed\"");
                for (int i = 0; i < seed.size(); i++) {
                    b.seed(seedInput(map(seed.get(i), "seed[" + i + "]"), "seed[" + i + "]"));
                }
            }
            optionalMap(exported, "flow", "the data flow").forEach((instance, value) -> {
                String where = "flow." + instance;
                Map<String, ?> f = map(value, where);
                unknownKeys(f, FLOW_KEYS, where);
                Map<String, List<InputFlow.Source>> inputs = new LinkedHashMap<>();
                optionalMap(f, "inputs", where).forEach((param, sources) ->
                        inputs.put(param, sources(sources, where + ".inputs." + param)));
                List<InputFlow.Source> conditions = f.get("conditions") == null ? List.of()
                        : sources(f.get("conditions"), where + ".conditions");
                b.flow(instance, new InputFlow(inputs, conditions));
            });
            optionalMap(exported, "configs", "the data flow").forEach(b::config);
            optionalMap(forward, "book", "\"forward\"").forEach((instance, forwarded) -> {
                List<?> list = list(forwarded, "forward.book." + instance);
                for (int i = 0; i < list.size(); i++) {
                    b.forward(instance, resolve(list.get(i), instance, "forward",
                            "forward.book." + instance + "[" + i + "]"));
                }
            });
            return b.build();
        }

        private Operation operation(String instance, Map<String, ?> m) {
            String where = "operation instance '" + instance + "'";
            unknownKeys(m, OPERATION_KEYS, where);
            Object nameValue = m.get("name");
            String name = nameValue == null ? instance : string(nameValue, where + " \"name\"");
            Operation.Builder b = Operation.builder(name);
            optionalMap(m, "inputs", where).forEach((param, d) ->
                    b.input(param, resolve(d, instance, "inputs", instance + ".inputs." + param)));
            optionalMap(m, "outputs", where).forEach((key, d) ->
                    b.output(key, resolve(d, instance, "outputs", instance + ".outputs." + key)));
            if (m.get("conditions") != null) {
                List<?> conditions = list(m.get("conditions"), where + " \"conditions\"");
                for (int i = 0; i < conditions.size(); i++) {
                    b.condition(resolve(conditions.get(i), instance, "conditions",
                            instance + ".conditions[" + i + "]"));
                }
            }
            if (m.get("stage") != null) {
                String stage = string(m.get("stage"), where + " \"stage\"");
                try {
                    b.stage(Stage.of(stage.toLowerCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new FlowException(where + ": " + e.getMessage(), e);
                }
            }
            if (m.get("expand") != null) {
                for (Object key : list(m.get("expand"), where + " \"expand\"")) {
                    b.expand(string(key, where + " \"expand\" entry"));
                }
            }
            if (m.get("retry") != null) {
                if (!(m.get("retry") instanceof Integer n)) {
                    throw new FlowException(where + ": \"retry\" must be a whole number, got "
                            + describe(m.get("retry")));
                }
                b.retry(n);
            }
            if (m.get("validator") != null) {
                if (!(m.get("validator") instanceof Boolean v)) {
                    throw new FlowException(where + ": \"validator\" must be true or false, got "
                            + describe(m.get("validator")));
                }
                if (v) {
                    b.validator();
                }
            }
            try {
                return b.build();
            } catch (IllegalArgumentException e) {
                throw new FlowException(where + ": " + e.getMessage(), e);
            }
        }

        /** A definition given inline (a map) or by name (the linked form). */
        private Definition<Object> resolve(Object value, String instance, String arg, String where) {
            if (value instanceof String name) {
                Definition<Object> d = definitions.get(name);
                if (d == null) {
                    throw new FlowException("While resolving " + instance + "." + arg + ", missing definition "
                            + name + " not found in " + definitions.keySet() + " (DFFML's DefinitionMissing"
                            + (linked ? "" : "; a definition given by name needs \"linked\": true and the top-level "
                            + "\"definitions\"") + ")");
                }
                return d;
            }
            return definition(value, where, null);
        }

        private Definition<Object> definition(Object value, String where, String defaultName) {
            Map<String, ?> m = map(value, "definition " + where);
            unknownKeys(m, DEFINITION_KEYS, "definition " + where);
            Object nameValue = m.get("name") != null ? m.get("name") : defaultName;
            if (nameValue == null) {
                throw new FlowException("definition " + where + " has no \"name\"");
            }
            String name = string(nameValue, "definition " + where + " \"name\"");
            if (defaultName != null && !name.equals(defaultName)) {
                throw new FlowException("definition " + where + " is named '" + name + "'; the key and the name "
                        + "must match");
            }
            if (m.get("primitive") == null) {
                throw new FlowException("definition " + where + " ('" + name + "') has no \"primitive\"");
            }
            Definition<Object> d = Definition.of(name, string(m.get("primitive"), "definition " + where
                    + " \"primitive\""));
            if (m.get("validate") != null) {
                // DFFML writes a validator operation's instance name here; a function cannot be in a file
                d = d.withValidator(string(m.get("validate"), "definition " + where + " ('" + name + "') "
                        + "\"validate\" (the instance name of a validator operation)"));
            }
            if (m.containsKey("default")) {
                d = d.withDefault(m.get("default"));
            }
            Object lock = m.get("lock");
            if (lock != null && !(lock instanceof Boolean)) {
                throw new FlowException("definition " + where + " ('" + name + "'): \"lock\" must be true or false, "
                        + "got " + describe(lock));
            }
            if (Boolean.TRUE.equals(lock)) {
                d = d.locked();
            }
            return d;
        }

        private Input seedInput(Map<String, ?> m, String where) {
            unknownKeys(m, SEED_KEYS, where);
            if (!m.containsKey("value")) {
                throw new FlowException(where + " has no \"value\"");
            }
            Object defValue = m.get("definition");
            if (defValue == null) {
                throw new FlowException(where + " has no \"definition\"");
            }
            Definition<Object> d;
            if (defValue instanceof String name) {
                d = definitions.get(name);
                if (d == null) {
                    throw new FlowException("While resolving seed " + m + ", definition " + name + " not found in "
                            + definitions.keySet() + " (DFFML's DefinitionMissing)");
                }
            } else {
                d = definition(defValue, where + ".definition", null);
            }
            if (m.get("parents") instanceof List<?> p && !p.isEmpty() || m.get("parents") instanceof Map<?, ?>) {
                throw new FlowException(where + ": seed inputs cannot have \"parents\"");
            }
            Object originValue = m.get("origin");
            Origin origin = originValue == null ? Origin.SEED : inputOrigin(originValue, where + ".origin");
            Object uid = m.get("uid");
            String id = uid == null || "".equals(uid) ? UUID.randomUUID().toString() : string(uid, where + ".uid");
            return Input.of(m.get("value"), d, List.of(), origin, id);
        }

        /** An input's origin: a name, or DFFML's origin tuple as a two-element list. */
        private static Origin inputOrigin(Object value, String where) {
            if (value instanceof String s) {
                return Origin.named(s);
            }
            if (value instanceof List<?> l && l.size() == 2 && l.get(0) instanceof String inst
                    && l.get(1) instanceof String key) {
                return Origin.output(inst, key);
            }
            throw new FlowException(where + " must be an origin name or [instance, output_key], got "
                    + describe(value));
        }

        private List<InputFlow.Source> sources(Object value, String where) {
            List<InputFlow.Source> out = new ArrayList<>();
            List<?> items = list(value, where);
            for (int i = 0; i < items.size(); i++) {
                Object item = items.get(i);
                String at = where + "[" + i + "]";
                switch (item) {
                    case String s -> out.add(InputFlow.Source.origin(s));
                    case Map<?, ?> m -> out.addAll(mapSources(m, at));
                    case List<?> chain -> out.add(lineage(chain, at));
                    case null, default -> throw new FlowException(at + ": a flow source must be an origin name, "
                            + "{instance: output_key}, {origin: [definition names]} or a lineage list, got "
                            + describe(item));
                }
            }
            return out;
        }

        /** Each entry of a dict source is one source, as DFFML iterates its items. */
        private static List<InputFlow.Source> mapSources(Map<?, ?> m, String where) {
            List<InputFlow.Source> out = new ArrayList<>();
            if (m.isEmpty()) {
                throw new FlowException(where + ": an empty {} is not a flow source");
            }
            m.forEach((k, v) -> {
                String key = String.valueOf(k);
                switch (v) {
                    case String outputKey -> out.add(InputFlow.Source.output(key, outputKey));
                    case List<?> names -> {
                        List<String> defs = new ArrayList<>();
                        for (Object n : names) {
                            defs.add(string(n, where + " alternate definition"));
                        }
                        out.add(new InputFlow.Source.AlternateDefinitions(Origin.named(key), defs));
                    }
                    case null, default -> throw new FlowException(where + ": {\"" + key + "\": ...} must map an "
                            + "instance to an output key or an origin to a list of definition names, got "
                            + describe(v));
                }
            });
            return out;
        }

        private static InputFlow.Source lineage(List<?> chain, String where) {
            if (chain.isEmpty()) {
                throw new FlowException(where + ": an empty lineage list is not a flow source");
            }
            List<Origin> origins = new ArrayList<>();
            for (int i = 0; i < chain.size(); i++) {
                Object o = chain.get(i);
                String at = where + "[" + i + "]";
                switch (o) {
                    case String s -> origins.add(Origin.named(s));
                    case Map<?, ?> m -> m.forEach((k, v) -> {
                        if (!(v instanceof String key)) {
                            throw new FlowException(at + ": a lineage entry must be an origin name or {instance: "
                                    + "output_key}" + (v instanceof List<?> ? " (alternate definitions in a lineage"
                                    + " are not supported yet)" : "") + ", got " + describe(m));
                        }
                        origins.add(Origin.output(String.valueOf(k), key));
                    });
                    case null, default -> throw new FlowException(at + ": a lineage entry must be an origin name "
                            + "or {instance: output_key}, got " + describe(o));
                }
            }
            return new InputFlow.Source.Lineage(origins);
        }

        private static void unknownKeys(Map<String, ?> m, Set<String> known, String where) {
            Set<String> unknown = new TreeSet<>();
            for (Object k : m.keySet()) {
                if (!known.contains(String.valueOf(k))) {
                    unknown.add(String.valueOf(k));
                }
            }
            if (!unknown.isEmpty()) {
                throw new FlowException(where + " has unknown key" + (unknown.size() > 1 ? "s " : " ") + unknown
                        + "; expected some of " + new TreeSet<>(known));
            }
        }

        private static Map<String, ?> optionalMap(Map<String, ?> m, String key, String where) {
            Object v = m.get(key);
            return v == null ? Map.of() : map(v, where + " \"" + key + "\"");
        }

        @SuppressWarnings("unchecked")
        private static Map<String, ?> map(Object v, String where) {
            if (!(v instanceof Map<?, ?> m)) {
                throw new FlowException(where + " must be an object, got " + describe(v));
            }
            for (Object k : m.keySet()) {
                if (!(k instanceof String)) {
                    throw new FlowException(where + " has a key that is not a string: " + describe(k));
                }
            }
            return (Map<String, ?>) m;
        }

        private static List<?> list(Object v, String where) {
            if (!(v instanceof List<?> l)) {
                throw new FlowException(where + " must be a list, got " + describe(v));
            }
            return l;
        }

        private static String string(Object v, String where) {
            if (!(v instanceof String s)) {
                throw new FlowException(where + " must be a string, got " + describe(v));
            }
            return s;
        }
    }
}
