package dev.weft.flow;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Reading: JSON or YAML text to DFFML's exported dict, and that dict to a {@link DataFlow}. The format and the checks
 * are described on {@link DataFlows}; users call its {@code read} methods and {@link DataFlows#fromMap}. An instance
 * is one reading of one dict (it collects the dict's definitions as it goes); the static methods are thread safe.
 */
final class FlowReader {
    // Jackson is reached only when text is read: the module requires it statically
    private static final class Mappers {
        static final ObjectMapper JSON = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        static final ObjectMapper YAML = YAMLMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();

        static ObjectMapper of(FlowFormat format) {
            return switch (format) {
                case JSON -> JSON;
                case YAML -> YAML;
            };
        }
    }

    private static final Set<String> TOP_KEYS = Set.of("operations", "seed", "flow", "configs", "forward", "linked",
            "definitions");
    private static final Set<String> OPERATION_KEYS = Set.of("name", "inputs", "outputs", "stage", "conditions",
            "expand", "retry", "validator", "instance_name");
    private static final Set<String> DEFINITION_KEYS = Set.of("name", "primitive", "default", "lock", "spec",
            "subspec", "links", "validate");
    private static final Set<String> SEED_KEYS = Set.of("value", "definition", "origin", "uid", "parents",
            "validated");
    private static final Set<String> FLOW_KEYS = Set.of("inputs", "conditions");

    private final Map<String, ?> exported;
    private final OperationRegistry registry;
    private final boolean linked;
    private final Map<String, Definition<Object>> definitions = new LinkedHashMap<>();

    private FlowReader(Map<String, ?> exported, OperationRegistry registry) {
        this.exported = Objects.requireNonNull(exported, "exported data flow");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.linked = Boolean.TRUE.equals(exported.get("linked"));
    }

    /** See {@link DataFlows#fromMap(Map, OperationRegistry)}. */
    static DataFlow fromMap(Map<String, ?> exported, OperationRegistry registry) {
        return new FlowReader(exported, registry).read();
    }

    /** See {@link DataFlows#read(String, FlowFormat, OperationRegistry)}. */
    static DataFlow read(String text, FlowFormat format, OperationRegistry registry) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(registry, "registry");
        String source = format + " text";
        try {
            return fromMap(topLevel(format, Mappers.of(format).readValue(text, Object.class), source), registry);
        } catch (JsonProcessingException e) {
            throw syntax(source, e);
        }
    }

    /** See {@link DataFlows#read(Reader, FlowFormat, OperationRegistry)}; {@code source} names it in messages. */
    static DataFlow read(Reader reader, FlowFormat format, OperationRegistry registry, String source)
            throws IOException {
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(registry, "registry");
        try {
            return fromMap(topLevel(format, Mappers.of(format).readValue(reader, Object.class), source), registry);
        } catch (JsonProcessingException e) {
            throw syntax(source, e);
        }
    }

    /** See {@link DataFlows#read(Path, OperationRegistry)}. */
    static DataFlow read(Path file, OperationRegistry registry) throws IOException {
        FlowFormat format = FlowFormat.ofFile(file);
        Objects.requireNonNull(registry, "registry");
        try (Reader r = Files.newBufferedReader(file)) {
            return read(r, format, registry, file.toString());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> topLevel(FlowFormat format, Object value, String source) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new FlowException(source + ": a data flow must be a " + (format == FlowFormat.YAML ? "YAML mapping"
                    : "JSON object") + " at the top level, got " + describe(value));
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

    private DataFlow read() {
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
