package dev.weft.tube;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * noob's tube YAML, read into a {@link TubeSpec} and written back. {@link Tube#fromYaml} and {@link Tube#read} call
 * it; the format is noob's {@code TubeSpecification}:
 *
 * <ul>
 * <li>Top level: {@code noob_id} (required), {@code description}, {@code nodes} (id to node), {@code input} (name to
 * input), {@code assets} (name to asset), {@code extends} (a list of tube ids); {@code noob_model} and
 * {@code noob_version} are accepted and ignored.
 * <li>A node: {@code type} (required once {@code extends} is merged), {@code depends}, {@code params} (a mapping),
 * {@code enabled} ({@code true}/{@code false}, also as strings), {@code stateful} (a boolean or {@code null}),
 * {@code description}, and {@code id}, which must equal the node's key. {@code depends} is a scalar
 * {@code node.signal} ({@link Depends.Shape#SCALAR}), a list of {@code node.signal} (positional slots 0, 1, …), or a
 * list of one-key mappings {@code slot: node.signal} (named slots; a key of digits is a positional slot at that
 * index), or a list mixing bare sources and mappings; a bare source takes the next position counting only bare
 * sources, as noob does.
 * <li>An input: {@code type} (noob requires it; here it may be left out, as {@link InputSpec} allows), {@code scope}
 * ({@code tube} or {@code process}; {@code tube} when absent, noob's default), {@code default} (even {@code null}),
 * {@code required}, {@code description}, {@code id}.
 * <li>An asset: {@code type} and {@code scope} ({@code runner}, {@code process} or {@code node}) required,
 * {@code params} (a mapping), {@code depends} (one {@code node.signal}, runner scope only), {@code description},
 * {@code id}.
 * </ul>
 *
 * Unknown keys are refused at every level. Node, input and asset names and the parts of every {@code node.signal}
 * must be identifiers (noob's Python identifiers), and no node, input or asset may be named {@code input},
 * {@code assets}, {@code meta} or {@code tube}. Every problem is a {@link TubeException} naming the tube, the node
 * (input, asset) and the field, and the file when read from one; a YAML syntax error names its line.
 *
 * <p>{@code extends} merges as noob does, at the level of the YAML mappings: the extended tubes in order, then the
 * extending file, each later one overriding the earlier. Mappings merge key by key, recursively (so a node that gives
 * only {@code params: {start: 10}} keeps its parent's type and its other params); any other value (a list, a scalar)
 * is replaced whole, and a node's {@code depends} is always replaced whole, never merged, so an extending tube can
 * drop a dependency. A tube has one return node: when both sides have one, the earlier one is merged into the later
 * one, under the later one's id. Extended tubes are found by id through the {@code tubes} function (already resolved
 * specifications, or ones whose own {@code extends} is resolved in turn); a cycle of {@code extends} is an error
 * naming the chain. The result's {@link TubeSpec#extendsIds()} is empty.
 *
 * <p>Written back ({@link #toMap}, {@link #toYaml}), a specification leaves out what is default: {@code enabled: true},
 * a {@code null} {@code stateful}, empty params, the {@code tube} scope of an input; it writes no {@code noob_model}
 * or {@code noob_version} (noob fills them in when it loads the file). Reading what was written gives an equal
 * specification.
 *
 * <p>Stateless apart from each {@link #folder} function's index; thread safe.
 */
final class TubeYaml {
    /** The origin {@link Tube#fromYaml} gives: text, not a file, so messages do not repeat it. */
    static final String TEXT = "YAML text";

    private static final List<String> TOP_KEYS = List.of("noob_id", "noob_model", "noob_version", "description",
            "nodes", "input", "assets", "extends");
    private static final List<String> NODE_KEYS = List.of("type", "id", "depends", "params", "enabled", "stateful",
            "description");
    private static final List<String> INPUT_KEYS = List.of("type", "scope", "default", "required", "description",
            "id");
    private static final List<String> ASSET_KEYS = List.of("type", "scope", "params", "depends", "description",
            "id");
    // noob's RESERVED_IDS: names a dependency source or a special node already means something by
    private static final Set<String> RESERVED = Set.of("assets", "input", "meta", "tube");
    private static final Set<String> DEPENDS_ONLY = Set.of("depends");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    // noob finds a file's id by peeking at the line, so a file broken further down is still known by its id
    private static final Pattern PEEK_ID = Pattern.compile(
            "^noob_id:[ \\t]*[\"']?([^\"'\\s#]+)[\"']?[ \\t]*(?:#.*)?$", Pattern.MULTILINE);

    /** The tubes being resolved on this thread (for cycles) and the lookup the outermost read was given. */
    private record Resolving(List<String> chain, Function<String, Optional<TubeSpec>> tubes) {
    }

    private static final ScopedValue<Resolving> RESOLVING = ScopedValue.newInstance();

    private final String origin;
    private final boolean nameOrigin;
    private String tubeId;

    /** {@code nameOrigin}: whether messages name the origin after the tube (a file's path, not text). */
    private TubeYaml(String origin, boolean nameOrigin) {
        this.origin = origin;
        this.nameOrigin = nameOrigin;
    }

    /**
     * Reads a tube from YAML text; {@code extends} finds tubes through {@code tubes}.
     *
     * @param origin names the text in messages: a file's path, or {@link #TEXT}
     * @throws TubeException naming the tube, node and field of the first problem, or the line of a YAML error
     */
    static TubeSpec parse(String yaml, String origin, Function<String, Optional<TubeSpec>> tubes) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(tubes, "tubes");
        return new TubeYaml(origin, !TEXT.equals(origin)).read(topLevel(Jackson.load(yaml, origin), origin), tubes);
    }

    /**
     * Reads a tube from a YAML file; messages name the file.
     *
     * @throws TubeException naming the file, tube, node and field of the first problem
     * @throws UncheckedIOException naming the file when it cannot be read
     */
    static TubeSpec read(Path file, Function<String, Optional<TubeSpec>> tubes) {
        Objects.requireNonNull(file, "file");
        return parse(readText(file), file.toString(), tubes);
    }

    /**
     * Finds tubes by {@code noob_id} among the {@code .yaml} and {@code .yml} files of {@code dir} (not its
     * subfolders). The folder is indexed on the first lookup and the index kept (files added later are not seen);
     * each lookup reads its file afresh. A file that cannot be read or parsed is skipped unless it is the one asked
     * for; two files with the id asked for are an error naming both. The {@code extends} of a file found here are
     * resolved through the lookup of the read that asked (for {@link Tube#read}, the registry and then this folder),
     * or through this folder when called directly. A folder that does not exist has no tubes.
     */
    static Function<String, Optional<TubeSpec>> folder(Path dir) {
        return new Folder(Objects.requireNonNull(dir, "dir"));
    }

    /**
     * The specification with its {@code extends} resolved as when read, for one built in Java with
     * {@link TubeSpec#withExtends} (or given by a lookup); itself when it extends nothing. Needs no Jackson.
     *
     * @throws TubeException as {@link #parse} does
     */
    static TubeSpec resolve(TubeSpec spec, Function<String, Optional<TubeSpec>> tubes) {
        Objects.requireNonNull(tubes, "tubes");
        if (spec.extendsIds().isEmpty()) {
            return spec;
        }
        return new TubeYaml("tube '" + spec.id() + "'", false).read(toMap(spec), tubes);
    }

    /** The specification as noob's YAML mapping (insertion ordered, defaults left out); see the class comment. */
    static Map<String, Object> toMap(TubeSpec spec) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("noob_id", spec.id());
        if (spec.description() != null) {
            out.put("description", spec.description());
        }
        if (!spec.extendsIds().isEmpty()) {
            out.put("extends", new ArrayList<>(spec.extendsIds()));
        }
        if (!spec.inputs().isEmpty()) {
            Map<String, Object> inputs = new LinkedHashMap<>();
            spec.inputs().forEach((name, input) -> inputs.put(name, inputMap(input)));
            out.put("input", inputs);
        }
        if (!spec.assets().isEmpty()) {
            Map<String, Object> assets = new LinkedHashMap<>();
            spec.assets().forEach((name, asset) -> assets.put(name, assetMap(asset)));
            out.put("assets", assets);
        }
        if (!spec.nodes().isEmpty()) {
            Map<String, Object> nodes = new LinkedHashMap<>();
            spec.nodes().forEach((id, node) -> nodes.put(id, nodeMap(node)));
            out.put("nodes", nodes);
        }
        return out;
    }

    /**
     * The specification as noob's YAML text.
     *
     * @throws TubeException when a param or default cannot be written as YAML
     */
    static String toYaml(TubeSpec spec) {
        return Jackson.write(toMap(spec), spec.id());
    }

    // ---- writing

    private static Map<String, Object> nodeMap(NodeSpec node) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", node.type());
        if (node.description() != null) {
            m.put("description", node.description());
        }
        if (!node.params().isEmpty()) {
            m.put("params", new LinkedHashMap<>(node.params()));
        }
        if (!node.depends().isEmpty()) {
            m.put("depends", dependsValue(node.depends()));
        }
        if (!node.enabled()) {
            m.put("enabled", false);
        }
        if (node.stateful() != null) {
            m.put("stateful", node.stateful());
        }
        return m;
    }

    private static Object dependsValue(Depends depends) {
        if (depends.shape() == Depends.Shape.SCALAR) {
            return depends.entries().getFirst().source();
        }
        List<Object> list = new ArrayList<>();
        int nextBare = 0;
        for (Dependency d : depends.entries()) {
            if (d.isPositional() && d.position() == nextBare) {
                // a bare source takes the next position, counting only bare sources (as read)
                list.add(d.source());
                nextBare++;
            } else {
                Map<Object, Object> one = new LinkedHashMap<>();
                one.put(d.isPositional() ? (Object) d.position() : d.slot(), d.source());
                list.add(one);
            }
        }
        return list;
    }

    private static Map<String, Object> inputMap(InputSpec input) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (input.type() != null) {
            m.put("type", input.type());
        }
        if (input.scope() != InputSpec.Scope.TUBE) {
            m.put("scope", input.scope().name().toLowerCase(Locale.ROOT));
        }
        if (input.hasDefault()) {
            m.put("default", input.defaultValue());
        }
        // required() reads false whenever there is a default; InputSpec keeps what was written, and its equals
        // compares that, so find it out: a spec written with required: false is unchanged by withRequired(false)
        if (input.withRequired(false).equals(input)) {
            m.put("required", false);
        }
        if (input.description() != null) {
            m.put("description", input.description());
        }
        return m;
    }

    private static Map<String, Object> assetMap(AssetSpec asset) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", asset.type());
        m.put("scope", asset.scope().name().toLowerCase(Locale.ROOT));
        if (!asset.params().isEmpty()) {
            m.put("params", new LinkedHashMap<>(asset.params()));
        }
        if (asset.depends() != null) {
            m.put("depends", asset.depends());
        }
        if (asset.description() != null) {
            m.put("description", asset.description());
        }
        return m;
    }

    // ---- loading text

    private static String readText(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tube file " + file + ": " + e, e);
        }
    }

    private static Map<String, Object> topLevel(Object value, String origin) {
        if (!(value instanceof Map<?, ?>)) {
            throw new TubeException(origin, null, null, "a tube must be a YAML mapping at the top level, got "
                    + describe(value));
        }
        return asMap(value);
    }

    // ---- reading a mapping

    private TubeSpec read(Map<String, Object> raw, Function<String, Optional<TubeSpec>> tubes) {
        Object id = raw.get("noob_id");
        if (id == null) {
            throw error(null, "noob_id", "missing: every tube needs a noob_id");
        }
        if (!(id instanceof String s) || s.isBlank()) {
            throw error(null, "noob_id", "must be a non-blank string, got " + describe(id));
        }
        tubeId = s;
        unknownKeys(raw, TOP_KEYS, null);
        List<String> extendsIds = extendsIds(raw.get("extends"));
        return spec(extendsIds.isEmpty() ? raw : withExtended(raw, extendsIds, tubes));
    }

    private List<String> extendsIds(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw error(null, "extends", "must be a list of tube ids, got " + describe(value));
        }
        List<String> ids = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s) || s.isBlank()) {
                throw error(null, "extends", "must be a list of tube ids, got an entry " + describe(o));
            }
            ids.add(s);
        }
        return ids;
    }

    /** Merges the extended tubes, in order, and then {@code raw}, as noob does (see the class comment). */
    private Map<String, Object> withExtended(Map<String, Object> raw, List<String> extendsIds,
            Function<String, Optional<TubeSpec>> tubes) {
        Resolving outer = RESOLVING.isBound() ? RESOLVING.get() : null;
        List<String> chain = new ArrayList<>(outer == null ? List.of() : outer.chain());
        chain.add(tubeId);
        Resolving inner = new Resolving(List.copyOf(chain), outer == null ? tubes : outer.tubes());
        Map<String, Object> merged = null;
        for (String parentId : extendsIds) {
            int at = chain.indexOf(parentId);
            if (at >= 0) {
                List<String> cycle = new ArrayList<>(chain.subList(at, chain.size()));
                cycle.add(parentId);
                throw error(null, "extends", "extends cycle: " + String.join(" -> ", cycle));
            }
            TubeSpec parent = ScopedValue.where(RESOLVING, inner).call(() -> parent(parentId, tubes));
            Map<String, Object> parentMap = toMap(parent);
            merged = merged == null ? parentMap : merge(merged, parentMap);
        }
        return merge(Objects.requireNonNull(merged), raw);
    }

    private TubeSpec parent(String parentId, Function<String, Optional<TubeSpec>> tubes) {
        TubeSpec parent = tubes.apply(parentId).orElseThrow(() -> error(null, "extends", "no tube '" + parentId
                + "' to extend"));
        return resolve(parent, tubes);
    }

    // ---- merging (noob's merge_tube_specs)

    private Map<String, Object> merge(Map<String, Object> left, Map<String, Object> right) {
        Map<String, Object> l = new LinkedHashMap<>(left);
        Map<String, Object> r = new LinkedHashMap<>(right);
        Map<String, Object> leftNodes = l.get("nodes") instanceof Map<?, ?> m ? new LinkedHashMap<>(asMap(m)) : null;
        Map<String, Object> rightNodes = r.get("nodes") instanceof Map<?, ?> m ? new LinkedHashMap<>(asMap(m)) : null;
        if (leftNodes != null && rightNodes != null) {
            // one return node: the left one merges into the right one, under the right one's id
            List<String> leftReturn = returnIds(leftNodes);
            List<String> rightReturn = returnIds(rightNodes);
            if (leftReturn.size() > 1 || rightReturn.size() > 1) {
                throw error(null, "nodes", "a tube has one return node; got " + leftReturn + " and "
                        + rightReturn + " while merging extends");
            }
            if (leftReturn.size() == 1 && rightReturn.size() == 1) {
                String rightId = rightReturn.getFirst();
                Object merged = mergeNode(leftNodes.remove(leftReturn.getFirst()), rightNodes.get(rightId));
                rightNodes.put(rightId, merged);
            }
            Set<String> ids = new LinkedHashSet<>(leftNodes.keySet());
            ids.addAll(rightNodes.keySet());
            Map<String, Object> nodes = new LinkedHashMap<>();
            for (String id : ids) {
                nodes.put(id, !leftNodes.containsKey(id) ? rightNodes.get(id)
                        : !rightNodes.containsKey(id) ? leftNodes.get(id)
                        : mergeNode(leftNodes.get(id), rightNodes.get(id)));
            }
            l.remove("nodes");
            r.put("nodes", nodes);
        }
        return mergeMaps(l, r, Set.of());
    }

    private static List<String> returnIds(Map<String, Object> nodes) {
        List<String> ids = new ArrayList<>();
        nodes.forEach((id, node) -> {
            if (node instanceof Map<?, ?> m && "return".equals(m.get("type"))) {
                ids.add(id);
            }
        });
        return ids;
    }

    private static Object mergeNode(Object left, Object right) {
        return left instanceof Map<?, ?> l && right instanceof Map<?, ?> r ? mergeMaps(asMap(l), asMap(r),
                DEPENDS_ONLY) : right;
    }

    /** Key by key, mappings recursively; other values (and the keys in {@code replace}) from the right. */
    private static Map<String, Object> mergeMaps(Map<String, Object> left, Map<String, Object> right,
            Set<String> replace) {
        Map<String, Object> merged = new LinkedHashMap<>(left);
        right.forEach((key, r) -> {
            Object l = left.get(key);
            merged.put(key, !replace.contains(key) && l instanceof Map<?, ?> lm && r instanceof Map<?, ?> rm
                    ? mergeMaps(asMap(lm), asMap(rm), Set.of()) : r);
        });
        return merged;
    }

    // ---- converting the merged mapping

    private TubeSpec spec(Map<String, Object> raw) {
        TubeSpec spec = TubeSpec.named(tubeId);
        String description = optionalString(raw, "description", null);
        if (description != null) {
            spec = spec.withDescription(description);
        }
        for (Map.Entry<String, Object> e : section(raw, "input").entrySet()) {
            String where = "input '" + e.getKey() + "'";
            name(e.getKey(), where);
            spec = spec.withInput(e.getKey(), input(e.getKey(), e.getValue(), where));
        }
        for (Map.Entry<String, Object> e : section(raw, "assets").entrySet()) {
            String where = "asset '" + e.getKey() + "'";
            name(e.getKey(), where);
            spec = spec.withAsset(e.getKey(), asset(e.getKey(), e.getValue(), where));
        }
        for (Map.Entry<String, Object> e : section(raw, "nodes").entrySet()) {
            String where = "node '" + e.getKey() + "'";
            name(e.getKey(), where);
            spec = spec.withNode(e.getKey(), node(e.getKey(), e.getValue(), where));
        }
        return spec;
    }

    private Map<String, Object> section(Map<String, Object> raw, String key) {
        Object value = raw.get(key);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> m)) {
            throw error(null, key, "must be a mapping of names to entries, got " + describe(value));
        }
        return asMap(m);
    }

    private NodeSpec node(String id, Object value, String where) {
        Map<String, Object> m = entry(value, where, NODE_KEYS, id);
        Object type = m.get("type");
        if (type == null) {
            throw error(where, "type", "missing: every node needs a type (only a node that overrides a node of an "
                    + "extended tube may leave it out)");
        }
        if (!(type instanceof String t) || t.isBlank()) {
            throw error(where, "type", "must be a type name, got " + describe(type));
        }
        NodeSpec node = NodeSpec.of(t).withDepends(depends(m.get("depends"), where));
        Object params = m.get("params");
        if (params != null) {
            if (!(params instanceof Map<?, ?> p)) {
                throw error(where, "params", "must be a mapping of names to values, got " + describe(params));
            }
            node = node.withParams(freezeMap(asMap(p)));
        }
        if (m.containsKey("enabled")) {
            Object enabled = m.get("enabled");
            if (enabled instanceof String s && s.startsWith("input.")) {
                throw error(where, "enabled", "enabling a node from an input ('" + s + "') is not supported; give "
                        + "true or false");
            }
            node = node.withEnabled(bool(enabled, where, "enabled"));
        }
        Object stateful = m.get("stateful");
        if (stateful != null) {
            node = node.withStateful(bool(stateful, where, "stateful"));
        }
        String description = optionalString(m, "description", where);
        return description == null ? node : node.withDescription(description);
    }

    private Depends depends(Object value, String where) {
        if (value == null) {
            return Depends.NONE;
        }
        if (value instanceof String s) {
            return Depends.scalar(source(s, where, "depends"));
        }
        if (!(value instanceof List<?> list)) {
            throw error(where, "depends", "must be one 'node.signal', a list of them, or a list of one-key mappings "
                    + "'slot: node.signal'; got " + describe(value));
        }
        List<Dependency> deps = new ArrayList<>();
        Set<String> slots = new HashSet<>();
        int position = 0;
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            Dependency d;
            if (item instanceof String s) {
                d = Dependency.positional(position++, source(s, where, "depends"));
            } else if (item instanceof Map<?, ?> one && one.size() == 1) {
                Map.Entry<?, ?> e = one.entrySet().iterator().next();
                String slot = String.valueOf(e.getKey());
                if (!(e.getValue() instanceof String s)) {
                    throw error(where, "depends", "entry " + i + ": slot '" + slot + "' needs a source "
                            + "'node.signal', got " + describe(e.getValue()));
                }
                String source = source(s, where, "depends");
                d = DIGITS.matcher(slot).matches() ? Dependency.positional(index(slot, where), source)
                        : Dependency.named(identifier(slot, where, "depends", "slot"), source);
            } else if (item instanceof Map<?, ?> many) {
                throw error(where, "depends", "entry " + i + " has " + many.size() + " keys " + many.keySet()
                        + "; each entry maps one slot to one source, 'slot: node.signal'");
            } else {
                throw error(where, "depends", "entry " + i + " must be 'node.signal' or 'slot: node.signal', got "
                        + describe(item));
            }
            if (!slots.add(d.key())) {
                throw error(where, "depends", "slot '" + d.key() + "' is given more than once");
            }
            deps.add(d);
        }
        return Depends.of(deps);
    }

    private int index(String digits, String where) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw error(where, "depends", "slot position " + digits + " is too large");
        }
    }

    private String source(String s, String where, String field) {
        int dot = s.indexOf('.');
        if (dot < 0 || s.indexOf('.', dot + 1) >= 0 || !isIdentifier(s.substring(0, dot))
                || !isIdentifier(s.substring(dot + 1))) {
            throw error(where, field, "'" + s + "' is not a source 'node.signal' (or 'input.name', 'assets.name')");
        }
        return s;
    }

    private InputSpec input(String name, Object value, String where) {
        Map<String, Object> m = entry(value, where, INPUT_KEYS, name);
        Object scope = m.get("scope");
        InputSpec input = InputSpec.of(scope == null ? InputSpec.Scope.TUBE
                : scope(scope, InputSpec.Scope.class, where));
        String type = optionalString(m, "type", where);
        if (type != null) {
            input = input.withType(type);
        }
        if (m.containsKey("default")) {
            input = input.withDefault(freeze(m.get("default")));
        }
        if (m.containsKey("required")) {
            input = input.withRequired(bool(m.get("required"), where, "required"));
        }
        String description = optionalString(m, "description", where);
        return description == null ? input : input.withDescription(description);
    }

    private AssetSpec asset(String name, Object value, String where) {
        Map<String, Object> m = entry(value, where, ASSET_KEYS, name);
        String type = optionalString(m, "type", where);
        if (type == null || type.isBlank()) {
            throw error(where, "type", "missing: every asset needs a type");
        }
        Object scopeValue = m.get("scope");
        if (scopeValue == null) {
            throw error(where, "scope", "missing: every asset needs a scope (runner, process or node)");
        }
        AssetSpec.Scope scope = scope(scopeValue, AssetSpec.Scope.class, where);
        AssetSpec asset = AssetSpec.of(type, scope);
        Object params = m.get("params");
        if (params != null) {
            if (!(params instanceof Map<?, ?> p)) {
                throw error(where, "params", "must be a mapping of names to values, got " + describe(params)
                        + (params instanceof List<?> ? " (noob's list of positional params is not supported)" : ""));
            }
            asset = asset.withParams(freezeMap(asMap(p)));
        }
        String depends = optionalString(m, "depends", where);
        if (depends != null) {
            if (scope != AssetSpec.Scope.RUNNER) {
                throw error(where, "depends", "only a runner-scoped asset may have depends, this one's scope is "
                        + scope.name().toLowerCase(Locale.ROOT));
            }
            asset = asset.withDepends(source(depends, where, "depends"));
        }
        String description = optionalString(m, "description", where);
        return description == null ? asset : asset.withDescription(description);
    }

    /** An entry of nodes, input or assets: a mapping with known keys and, when given, {@code id} equal to its key. */
    private Map<String, Object> entry(Object value, String where, List<String> keys, String key) {
        if (!(value instanceof Map<?, ?> m)) {
            throw error(where, null, "must be a mapping of " + keys + ", got " + describe(value));
        }
        Map<String, Object> map = asMap(m);
        unknownKeys(map, keys, where);
        Object id = map.get("id");
        if (id != null && !key.equals(id)) {
            throw error(where, "id", "must equal the key '" + key + "' when given, got " + describe(id));
        }
        return map;
    }

    private <E extends Enum<E>> E scope(Object value, Class<E> type, String where) {
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(value)) {
                return e;
            }
        }
        List<String> names = Stream.of(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        throw error(where, "scope", "must be one of " + names + ", got " + describe(value));
    }

    private boolean bool(Object value, String where, String field) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw error(where, field, "must be true or false, got " + describe(value));
    }

    private String optionalString(Map<String, Object> m, String field, String where) {
        Object value = m.get(field);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw error(where, field, "must be a string, got " + describe(value));
    }

    private void name(String name, String where) {
        identifier(name, where, null, "name");
        if (RESERVED.contains(name)) {
            throw error(where, null, "'" + name + "' is reserved (" + RESERVED.stream().sorted().toList()
                    + " name dependency sources and special nodes)");
        }
    }

    private String identifier(String name, String where, String field, String what) {
        if (!isIdentifier(name)) {
            throw error(where, field, "the " + what + " '" + name + "' is not an identifier (a letter or _, then "
                    + "letters, digits or _)");
        }
        return name;
    }

    /** Python's {@code str.isidentifier}, near enough: noob's ids are Python identifiers. */
    private static boolean isIdentifier(String s) {
        if (s.isEmpty()) {
            return false;
        }
        int first = s.codePointAt(0);
        if (first != '_' && !Character.isUnicodeIdentifierStart(first)) {
            return false;
        }
        return s.codePoints().skip(1).allMatch(c -> Character.isUnicodeIdentifierPart(c)
                && !Character.isIdentifierIgnorable(c));
    }

    private void unknownKeys(Map<String, Object> m, List<String> known, String where) {
        for (String key : m.keySet()) {
            if (!known.contains(key)) {
                throw error(where, key, "unknown key (known: " + String.join(", ", known) + ")");
            }
        }
    }

    private TubeException error(String where, String field, String problem) {
        // the origin names the file; before noob_id is known it stands in for the tube's id
        String in = tubeId != null && nameOrigin ? " (in " + origin + ")" : "";
        return new TubeException(tubeId != null ? tubeId : origin, where, field, problem + in);
    }

    // ---- values

    /** Params and defaults as read, made unmodifiable all the way down (a specification is immutable). */
    private static Object freeze(Object value) {
        return switch (value) {
            case Map<?, ?> m -> freezeMap(asMap(m));
            case List<?> l -> {
                List<Object> copy = new ArrayList<>(l.size());
                l.forEach(o -> copy.add(freeze(o)));
                yield Collections.unmodifiableList(copy);
            }
            case null, default -> value;
        };
    }

    private static Map<String, Object> freezeMap(Map<String, Object> m) {
        Map<String, Object> copy = new LinkedHashMap<>();
        m.forEach((k, v) -> copy.put(k, freeze(v)));
        return Collections.unmodifiableMap(copy);
    }

    @SuppressWarnings("unchecked") // Jackson reads YAML mappings with String keys; toMap writes String keys
    private static Map<String, Object> asMap(Object map) {
        return (Map<String, Object>) map;
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        String type = switch (v) {
            case Map<?, ?> m -> "a mapping";
            case List<?> l -> "a list";
            case String s -> "a string";
            case Number n -> "a number";
            case Boolean b -> "a boolean";
            default -> v.getClass().getSimpleName();
        };
        String text = String.valueOf(v);
        return type + " (" + (text.length() > 60 ? text.substring(0, 57) + "..." : text) + ")";
    }

    // ---- text: the one place Jackson is reached

    /**
     * Jackson's YAML, reached only when text is read or written (the module requires Jackson statically, so it may be
     * absent): nothing else in this file names a Jackson type, so mappings ({@link #toMap}, {@code extends} of
     * specifications built in Java) need no Jackson.
     */
    private static final class Jackson {
        private static final ObjectMapper READ = YAMLMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        private static final ObjectMapper WRITE = YAMLMapper.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                .build();
        private static final Pattern SNAKE_MARK = Pattern.compile("\\s*in '[^']*', line (\\d+), column (\\d+):\\s*");

        static Object load(String yaml, String origin) {
            try {
                // Jackson reads an alias (*name) as the plain string "name": refuse it rather than read a wrong value
                try (JsonParser p = READ.createParser(yaml)) {
                    while (p.nextToken() != null) {
                        if (p instanceof YAMLParser y && y.isCurrentAlias()) {
                            JsonLocation at = p.currentTokenLocation();
                            throw new TubeException(origin, null, null, "YAML alias '*" + p.getText() + "' at line "
                                    + at.getLineNr() + ", column " + at.getColumnNr()
                                    + ": anchors and aliases are not supported in tube files");
                        }
                    }
                }
                return READ.readValue(yaml, Object.class);
            } catch (JsonProcessingException e) {
                throw new TubeException(origin, null, null, "malformed YAML" + syntax(e), e);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // reading a String: cannot happen
            }
        }

        /**
         * Where and what: SnakeYAML's message marks the problem ({@code in 'reader', line 3, column 1:}, then the
         * line and a caret) more precisely than Jackson's location, which is its last token's; keep the mark and the
         * words.
         */
        private static String syntax(JsonProcessingException e) {
            String message = Objects.requireNonNullElse(e.getOriginalMessage(), "");
            List<String> words = new ArrayList<>();
            String mark = null;
            String[] lines = message.split("\\R");
            for (int i = 0; i < lines.length; i++) {
                Matcher m = SNAKE_MARK.matcher(lines[i]);
                if (m.matches()) {
                    mark = " at line " + m.group(1) + ", column " + m.group(2);
                    i += 2; // the quoted line and its caret
                } else if (!lines[i].isBlank()) {
                    words.add(lines[i].strip());
                }
            }
            if (mark == null) {
                JsonLocation at = e.getLocation();
                mark = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            }
            return mark + ": " + String.join("; ", words);
        }

        static String write(Map<String, Object> map, String tubeId) {
            try {
                return WRITE.writeValueAsString(map);
            } catch (JsonProcessingException e) {
                throw new TubeException(tubeId, null, null, "cannot be written as YAML: " + e.getOriginalMessage(), e);
            }
        }
    }

    // ---- a folder of tube files

    /** {@link #folder}: an index of ids to files, made on the first lookup. */
    private static final class Folder implements Function<String, Optional<TubeSpec>> {
        private final Path dir;
        private Map<String, List<Path>> files; // by noob_id; guarded by this
        private Map<Path, RuntimeException> unreadable; // files whose id was peeked but which do not parse

        Folder(Path dir) {
            this.dir = dir;
        }

        @Override
        public Optional<TubeSpec> apply(String id) {
            Path file = find(Objects.requireNonNull(id, "id"));
            if (file == null) {
                return Optional.empty();
            }
            Function<String, Optional<TubeSpec>> tubes = RESOLVING.isBound() ? RESOLVING.get().tubes() : this;
            return Optional.of(read(file, tubes));
        }

        private synchronized Path find(String id) {
            if (files == null) {
                index();
            }
            List<Path> found = files.getOrDefault(id, List.of());
            if (found.size() > 1) {
                throw new TubeException(id, null, "noob_id", "two files in " + dir + " have this id: "
                        + found.get(0).getFileName() + " and " + found.get(1).getFileName());
            }
            Path file = found.isEmpty() ? null : found.getFirst();
            if (file != null && unreadable.containsKey(file)) {
                throw unreadable.get(file);
            }
            return file;
        }

        private void index() {
            List<Path> candidates;
            try (Stream<Path> list = Files.list(dir)) {
                candidates = list.filter(p -> {
                    String name = p.getFileName().toString();
                    return (name.endsWith(".yaml") || name.endsWith(".yml")) && Files.isRegularFile(p);
                }).sorted().toList();
            } catch (NoSuchFileException e) {
                candidates = List.of();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list tube folder " + dir + ": " + e, e);
            }
            Map<String, List<Path>> byId = new LinkedHashMap<>();
            Map<Path, RuntimeException> broken = new LinkedHashMap<>();
            for (Path file : candidates) {
                String text;
                try {
                    text = Files.readString(file);
                } catch (IOException e) {
                    continue; // unreadable and unidentifiable: skipped
                }
                String id;
                try {
                    Object noobId = topLevel(Jackson.load(text, file.toString()), file.toString()).get("noob_id");
                    id = noobId instanceof String s ? s : null;
                } catch (TubeException e) {
                    Matcher peek = PEEK_ID.matcher(text);
                    id = peek.find() ? peek.group(1) : null;
                    if (id != null) {
                        broken.put(file, e);
                    }
                }
                if (id != null) {
                    byId.computeIfAbsent(id, k -> new ArrayList<>()).add(file);
                }
            }
            files = byId;
            unreadable = broken;
        }
    }
}
