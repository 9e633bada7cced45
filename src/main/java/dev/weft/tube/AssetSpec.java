package dev.weft.tube;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a tube's {@code assets}: an object shared by the nodes that depend on {@code assets.name}, made by
 * the {@link NodeRegistry}'s asset type from its params, living as long as its {@link Scope}: the runner (made when
 * the runner opens, closed when it closes), one process call (fresh per root epoch), or one node run. A
 * runner-scoped asset with {@code depends: node.signal} takes that signal's value at the end of each epoch, so the
 * next epoch sees it (noob's way to carry state between epochs). An asset that is {@link AutoCloseable} is closed
 * when its scope ends. Immutable.
 */
public final class AssetSpec {
    /** How long an asset lives. */
    public enum Scope {
        /** From runner open to close; may carry state between epochs. */
        RUNNER,
        /** One process call (root epoch). */
        PROCESS,
        /** One node run. */
        NODE
    }

    private final String type;
    private final Scope scope;
    private final Map<String, Object> params;
    private final String depends;
    private final String description;

    private AssetSpec(String type, Scope scope, Map<String, Object> params, String depends, String description) {
        this.type = type;
        this.scope = scope;
        this.params = params;
        this.depends = depends;
        this.description = description;
    }

    /** An asset of {@code type} and {@code scope}. */
    public static AssetSpec of(String type, Scope scope) {
        Objects.requireNonNull(type, "type");
        return new AssetSpec(type, Objects.requireNonNull(scope, "scope"), Map.of(), null, null);
    }

    /** The asset type's name in the registry. */
    public String type() {
        return type;
    }

    /** The scope. */
    public Scope scope() {
        return scope;
    }

    /** The params given to the asset type. */
    public Map<String, Object> params() {
        return params;
    }

    /** {@code node.signal} whose value replaces the asset after each epoch (runner scope only), or {@code null}. */
    public String depends() {
        return depends;
    }

    /** A description, or {@code null}. */
    public String description() {
        return description;
    }

    /** With another type. */
    public AssetSpec withType(String type) {
        return new AssetSpec(Objects.requireNonNull(type, "type"), scope, params, depends, description);
    }

    /** With another scope. */
    public AssetSpec withScope(Scope scope) {
        return new AssetSpec(type, Objects.requireNonNull(scope, "scope"), params, depends, description);
    }

    /** With one more param. */
    public AssetSpec withParam(String name, Object value) {
        Map<String, Object> p = new LinkedHashMap<>(params);
        p.put(Objects.requireNonNull(name, "name"), value);
        return new AssetSpec(type, scope, Collections.unmodifiableMap(p), depends, description);
    }

    /** With these params (replacing all). */
    public AssetSpec withParams(Map<String, ?> params) {
        Map<String, Object> p = new LinkedHashMap<>();
        params.forEach((k, v) -> p.put(Objects.requireNonNull(k, "param name"), v));
        return new AssetSpec(type, scope, Collections.unmodifiableMap(p), depends, description);
    }

    /** With the signal ({@code node.signal}) that updates it after each epoch. */
    public AssetSpec withDepends(String source) {
        return new AssetSpec(type, scope, params, source, description);
    }

    /** With a description. */
    public AssetSpec withDescription(String description) {
        return new AssetSpec(type, scope, params, depends, description);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AssetSpec a && type.equals(a.type) && scope == a.scope && params.equals(a.params)
                && Objects.equals(depends, a.depends) && Objects.equals(description, a.description);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, scope, params, depends);
    }

    @Override
    public String toString() {
        return "AssetSpec[type=" + type + ", scope=" + scope + ", params=" + params
                + (depends != null ? ", depends=" + depends : "") + "]";
    }
}
