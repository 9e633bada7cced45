package dev.weft.tube;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a tube's {@code nodes}: the node's {@code type} (a name in the {@link NodeRegistry}, or one of the
 * special types {@code map}, {@code gather}, {@code return}, {@code tube}), its {@code depends}, static
 * {@code params}, whether it is {@code enabled}, and whether it is {@code stateful} ({@code null}: the type's
 * default). Immutable; the {@code with…} methods return changed copies.
 */
public final class NodeSpec {
    private final String type;
    private final Depends depends;
    private final Map<String, Object> params;
    private final boolean enabled;
    private final Boolean stateful;
    private final String description;

    private NodeSpec(String type, Depends depends, Map<String, Object> params, boolean enabled, Boolean stateful,
            String description) {
        this.type = type;
        this.depends = depends;
        this.params = params;
        this.enabled = enabled;
        this.stateful = stateful;
        this.description = description;
    }

    /** A node of {@code type} with no dependencies or params, enabled, of the type's default statefulness. */
    public static NodeSpec of(String type) {
        Objects.requireNonNull(type, "type");
        if (type.isBlank()) {
            throw new IllegalArgumentException("node type is blank");
        }
        return new NodeSpec(type, Depends.NONE, Map.of(), true, null, null);
    }

    /** The type's name. */
    public String type() {
        return type;
    }

    /** The {@code depends} block ({@link Depends#NONE} when absent). */
    public Depends depends() {
        return depends;
    }

    /** The static params, in the order written; unmodifiable. */
    public Map<String, Object> params() {
        return params;
    }

    /** Whether the node runs; a disabled node emits nothing, so its dependants do not run. */
    public boolean enabled() {
        return enabled;
    }

    /** Whether the node is stateful, or {@code null} for its type's default. */
    public Boolean stateful() {
        return stateful;
    }

    /** A description, or {@code null}. */
    public String description() {
        return description;
    }

    /** With another type. */
    public NodeSpec withType(String type) {
        return new NodeSpec(of(type).type, depends, params, enabled, stateful, description);
    }

    /** With these dependencies. */
    public NodeSpec withDepends(Depends depends) {
        return new NodeSpec(type, Objects.requireNonNull(depends, "depends"), params, enabled, stateful,
                description);
    }

    /** With one scalar dependency ({@code depends: node.signal}). */
    public NodeSpec withDepends(String scalarSource) {
        return withDepends(Depends.scalar(scalarSource));
    }

    /** With named dependencies from slot, source pairs. */
    public NodeSpec withNamedDepends(String... slotSourcePairs) {
        return withDepends(Depends.named(slotSourcePairs));
    }

    /** With one more param (replacing one of the same name). */
    public NodeSpec withParam(String name, Object value) {
        Objects.requireNonNull(name, "name");
        Map<String, Object> p = new LinkedHashMap<>(params);
        p.put(name, value);
        return new NodeSpec(type, depends, Collections.unmodifiableMap(p), enabled, stateful, description);
    }

    /** With these params (replacing all). */
    public NodeSpec withParams(Map<String, ?> params) {
        Map<String, Object> p = new LinkedHashMap<>();
        params.forEach((k, v) -> p.put(Objects.requireNonNull(k, "param name"), v));
        return new NodeSpec(type, depends, Collections.unmodifiableMap(p), enabled, stateful, description);
    }

    /** Enabled or disabled. */
    public NodeSpec withEnabled(boolean enabled) {
        return new NodeSpec(type, depends, params, enabled, stateful, description);
    }

    /** Stateful, stateless, or {@code null} for the type's default. */
    public NodeSpec withStateful(Boolean stateful) {
        return new NodeSpec(type, depends, params, enabled, stateful, description);
    }

    /** With a description. */
    public NodeSpec withDescription(String description) {
        return new NodeSpec(type, depends, params, enabled, stateful, description);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeSpec n && type.equals(n.type) && depends.equals(n.depends)
                && params.equals(n.params) && enabled == n.enabled && Objects.equals(stateful, n.stateful)
                && Objects.equals(description, n.description);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, depends, params, enabled, stateful);
    }

    @Override
    public String toString() {
        return "NodeSpec[type=" + type + ", depends=" + depends + ", params=" + params + ", enabled=" + enabled
                + ", stateful=" + stateful + "]";
    }
}
