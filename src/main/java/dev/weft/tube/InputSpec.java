package dev.weft.tube;

import java.util.Objects;

/**
 * One entry of a tube's {@code input}: a value given when the tube is made ({@link Scope#TUBE}, through
 * {@link Tube#withInput}) or with each {@link TubeRunner#process(java.util.Map)} ({@link Scope#PROCESS}; a process
 * input overrides a tube input of the same name). Nodes read inputs through {@code depends: input.name}; params may
 * name tube-scoped inputs ({@code param: input.name}). Immutable.
 */
public final class InputSpec {
    /** When an input is given. */
    public enum Scope {
        /** When the tube is made; may be used in params. */
        TUBE,
        /** With every process call. */
        PROCESS
    }

    private final Scope scope;
    private final String type;
    private final Object defaultValue;
    private final boolean hasDefault;
    private final boolean required;
    private final String description;

    private InputSpec(Scope scope, String type, Object defaultValue, boolean hasDefault, boolean required,
            String description) {
        this.scope = scope;
        this.type = type;
        this.defaultValue = defaultValue;
        this.hasDefault = hasDefault;
        this.required = required;
        this.description = description;
    }

    /** A required input of this scope. */
    public static InputSpec of(Scope scope) {
        return new InputSpec(Objects.requireNonNull(scope, "scope"), null, null, false, true, null);
    }

    /** The scope. */
    public Scope scope() {
        return scope;
    }

    /** The declared type's name as written (informative: noob's Python type names), or {@code null}. */
    public String type() {
        return type;
    }

    /** Whether a default was given. */
    public boolean hasDefault() {
        return hasDefault;
    }

    /** The default ({@code null} when none). */
    public Object defaultValue() {
        return defaultValue;
    }

    /** Whether a value must be given (false when a default exists or {@code required: false}). */
    public boolean required() {
        return required && !hasDefault;
    }

    /** A description, or {@code null}. */
    public String description() {
        return description;
    }

    /** With a scope. */
    public InputSpec withScope(Scope scope) {
        return new InputSpec(Objects.requireNonNull(scope, "scope"), type, defaultValue, hasDefault, required,
                description);
    }

    /** With a type name. */
    public InputSpec withType(String type) {
        return new InputSpec(scope, type, defaultValue, hasDefault, required, description);
    }

    /** With a default (making the input optional). */
    public InputSpec withDefault(Object value) {
        return new InputSpec(scope, type, value, true, required, description);
    }

    /** Required or not; an input that is not required and not given is absent (its dependants do not run). */
    public InputSpec withRequired(boolean required) {
        return new InputSpec(scope, type, defaultValue, hasDefault, required, description);
    }

    /** With a description. */
    public InputSpec withDescription(String description) {
        return new InputSpec(scope, type, defaultValue, hasDefault, required, description);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputSpec i && scope == i.scope && Objects.equals(type, i.type)
                && Objects.equals(defaultValue, i.defaultValue) && hasDefault == i.hasDefault
                && required == i.required && Objects.equals(description, i.description);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scope, type, defaultValue, required);
    }

    @Override
    public String toString() {
        return "InputSpec[scope=" + scope + ", type=" + type + (hasDefault ? ", default=" + defaultValue : "")
                + ", required=" + required() + "]";
    }
}
