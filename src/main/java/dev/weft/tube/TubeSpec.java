package dev.weft.tube;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A tube specification: noob's YAML format as a value ({@code noob_id}, {@code description}, {@code nodes},
 * {@code input}, {@code assets}, {@code extends}). Read one with {@link Tube#fromYaml} or {@link Tube#read}, or build
 * one in Java, which is the same thing:
 *
 * {@snippet :
 * Tube tube = Tube.builder("basic")
 *         .withNode("a", NodeSpec.of("count_source"))
 *         .withNode("b", NodeSpec.of("multiply").withNamedDepends("left", "a.index"))
 *         .withNode("c", NodeSpec.of("return").withDepends("b.value"))
 *         .build(registry);
 * }
 *
 * Immutable; the {@code with…} methods return changed copies and keep insertion order. Nothing is checked until
 * {@link #build}, which names the node and field of every problem.
 */
public final class TubeSpec {
    private final String id;
    private final String description;
    private final Map<String, NodeSpec> nodes;
    private final Map<String, InputSpec> inputs;
    private final Map<String, AssetSpec> assets;
    private final List<String> extendsIds;

    private TubeSpec(String id, String description, Map<String, NodeSpec> nodes, Map<String, InputSpec> inputs,
            Map<String, AssetSpec> assets, List<String> extendsIds) {
        this.id = id;
        this.description = description;
        this.nodes = nodes;
        this.inputs = inputs;
        this.assets = assets;
        this.extendsIds = extendsIds;
    }

    /** An empty specification with this {@code noob_id}. */
    public static TubeSpec named(String id) {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("tube id (noob_id) is blank");
        }
        return new TubeSpec(id, null, Map.of(), Map.of(), Map.of(), List.of());
    }

    /** The {@code noob_id}. */
    public String id() {
        return id;
    }

    /** The description, or {@code null}. */
    public String description() {
        return description;
    }

    /** The nodes by id, in the order written; unmodifiable. */
    public Map<String, NodeSpec> nodes() {
        return nodes;
    }

    /** The inputs by name; unmodifiable. */
    public Map<String, InputSpec> inputs() {
        return inputs;
    }

    /** The assets by name; unmodifiable. */
    public Map<String, AssetSpec> assets() {
        return assets;
    }

    /** The ids of the tubes this one extends (resolved when read; empty in a resolved specification). */
    public List<String> extendsIds() {
        return extendsIds;
    }

    /** With another id. */
    public TubeSpec withId(String id) {
        return new TubeSpec(named(id).id, description, nodes, inputs, assets, extendsIds);
    }

    /** With a description. */
    public TubeSpec withDescription(String description) {
        return new TubeSpec(id, description, nodes, inputs, assets, extendsIds);
    }

    /** With a node (replacing one of the same id, keeping its place). */
    public TubeSpec withNode(String nodeId, NodeSpec node) {
        return new TubeSpec(id, description, put(nodes, nodeId, node), inputs, assets, extendsIds);
    }

    /** Without a node. */
    public TubeSpec withoutNode(String nodeId) {
        Map<String, NodeSpec> m = new LinkedHashMap<>(nodes);
        m.remove(nodeId);
        return new TubeSpec(id, description, Collections.unmodifiableMap(m), inputs, assets, extendsIds);
    }

    /** With an input. */
    public TubeSpec withInput(String name, InputSpec input) {
        return new TubeSpec(id, description, nodes, put(inputs, name, input), assets, extendsIds);
    }

    /** With an asset. */
    public TubeSpec withAsset(String name, AssetSpec asset) {
        return new TubeSpec(id, description, nodes, inputs, put(assets, name, asset), extendsIds);
    }

    /** With the ids it extends (kept for reference; {@link Tube#read} resolves them). */
    public TubeSpec withExtends(List<String> ids) {
        return new TubeSpec(id, description, nodes, inputs, assets, List.copyOf(ids));
    }

    /** Checks this specification and makes the tube; see {@link Tube#of}. */
    public Tube build(NodeRegistry registry) {
        return Tube.of(this, registry);
    }

    private static <V> Map<String, V> put(Map<String, V> map, String key, V value) {
        Objects.requireNonNull(key, "id");
        Objects.requireNonNull(value, "value");
        Map<String, V> m = new LinkedHashMap<>(map);
        m.put(key, value);
        return Collections.unmodifiableMap(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TubeSpec t && id.equals(t.id) && Objects.equals(description, t.description)
                && nodes.equals(t.nodes) && inputs.equals(t.inputs) && assets.equals(t.assets)
                && extendsIds.equals(t.extendsIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, nodes, inputs, assets);
    }

    @Override
    public String toString() {
        return "TubeSpec[" + id + ", nodes=" + nodes.keySet() + ", inputs=" + inputs.keySet() + ", assets="
                + assets.keySet() + "]";
    }
}
