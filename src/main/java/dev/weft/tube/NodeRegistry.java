package dev.weft.tube;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The Java implementations a tube's {@code type} names resolve to: node types, asset types, and tube specifications
 * by {@code noob_id} (for {@code tube} nodes and {@code extends}). A name never loads a class: a tube can only run
 * what its program registered. The special node types {@code map}, {@code gather}, {@code return} and {@code tube}
 * are built in and cannot be registered.
 *
 * {@snippet :
 * NodeRegistry registry = NodeRegistry.builder()
 *         .register("count_source", NodeType.source(p -> LongStream.iterate(p.getLong("start", 0), i -> i + 1)
 *                 .iterator()).withSignals("index"))
 *         .register("multiply", NodeType.function(a -> ((Number) a.get("left")).longValue()
 *                 * ((Number) a.getOrDefault("right", 2)).longValue()))
 *         .build();
 * }
 *
 * Immutable and thread safe once built.
 */
public final class NodeRegistry {
    /** The node types every registry has. */
    public static final Set<String> SPECIAL_TYPES = Set.of("map", "gather", "return", "tube");

    private final Map<String, NodeType> types;
    private final Map<String, Function<Params, ?>> assets;
    private final Map<String, TubeSpec> tubes;

    private NodeRegistry(Map<String, NodeType> types, Map<String, Function<Params, ?>> assets,
            Map<String, TubeSpec> tubes) {
        this.types = types;
        this.assets = assets;
        this.tubes = tubes;
    }

    /** A builder for a registry. */
    public static Builder builder() {
        return new Builder();
    }

    /** The node type registered under {@code name}. */
    public Optional<NodeType> type(String name) {
        return Optional.ofNullable(types.get(name));
    }

    /** The asset type registered under {@code name}. */
    public Optional<Function<Params, ?>> assetType(String name) {
        return Optional.ofNullable(assets.get(name));
    }

    /** The tube specification registered under its {@code noob_id}. */
    public Optional<TubeSpec> tube(String id) {
        return Optional.ofNullable(tubes.get(id));
    }

    /** The registered node type names (without the special ones). */
    public Set<String> typeNames() {
        return types.keySet();
    }

    /** The registered asset type names. */
    public Set<String> assetTypeNames() {
        return assets.keySet();
    }

    /** The registered tube ids. */
    public Set<String> tubeIds() {
        return tubes.keySet();
    }

    /** This registry plus a tube specification (replacing one of the same id). */
    public NodeRegistry withTube(TubeSpec spec) {
        Map<String, TubeSpec> t = new LinkedHashMap<>(tubes);
        t.put(spec.id(), spec);
        return new NodeRegistry(types, assets, Collections.unmodifiableMap(t));
    }

    @Override
    public String toString() {
        return "NodeRegistry[types=" + types.keySet() + ", assets=" + assets.keySet() + ", tubes=" + tubes.keySet()
                + "]";
    }

    /** Collects registrations; not thread safe. Each name may be registered once. */
    public static final class Builder {
        private final Map<String, NodeType> types = new LinkedHashMap<>();
        private final Map<String, Function<Params, ?>> assets = new LinkedHashMap<>();
        private final Map<String, TubeSpec> tubes = new LinkedHashMap<>();

        private Builder() {
        }

        /** Registers a node type. */
        public Builder register(String type, NodeType nodeType) {
            checkName(type, "node type");
            if (SPECIAL_TYPES.contains(type)) {
                throw new IllegalArgumentException("node type '" + type + "' is built in " + SPECIAL_TYPES
                        + " and cannot be registered");
            }
            if (types.putIfAbsent(type, Objects.requireNonNull(nodeType, "nodeType")) != null) {
                throw new IllegalArgumentException("node type '" + type + "' is already registered");
            }
            return this;
        }

        /** Registers a stateless function node type: shorthand for {@link NodeType#function(NodeType.NodeFunction)}. */
        public Builder register(String type, NodeType.NodeFunction fn) {
            return register(type, NodeType.function(fn));
        }

        /** Registers an asset type: its factory makes the asset from the asset's params. */
        public Builder registerAsset(String type, Function<Params, ?> factory) {
            checkName(type, "asset type");
            if (assets.putIfAbsent(type, Objects.requireNonNull(factory, "factory")) != null) {
                throw new IllegalArgumentException("asset type '" + type + "' is already registered");
            }
            return this;
        }

        /** Registers a tube specification under its {@code noob_id}, for {@code tube} nodes and {@code extends}. */
        public Builder registerTube(TubeSpec spec) {
            if (tubes.putIfAbsent(spec.id(), spec) != null) {
                throw new IllegalArgumentException("tube '" + spec.id() + "' is already registered");
            }
            return this;
        }

        /** Registers every registration of another registry (a name twice is an error). */
        public Builder registerAll(NodeRegistry other) {
            other.types.forEach(this::register);
            other.assets.forEach(this::registerAsset);
            other.tubes.values().forEach(this::registerTube);
            return this;
        }

        /** The registry. */
        public NodeRegistry build() {
            return new NodeRegistry(Collections.unmodifiableMap(new LinkedHashMap<>(types)),
                    Collections.unmodifiableMap(new LinkedHashMap<>(assets)),
                    Collections.unmodifiableMap(new LinkedHashMap<>(tubes)));
        }

        private static void checkName(String name, String what) {
            Objects.requireNonNull(name, what);
            if (name.isBlank()) {
                throw new IllegalArgumentException(what + " name is blank");
            }
        }
    }
}
