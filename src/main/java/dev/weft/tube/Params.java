package dev.weft.tube;

import java.util.Collections;
import java.util.Map;

/**
 * A node's or asset's static {@code params}, as given to the factory that makes it (with {@code input.name}
 * references to tube-scoped inputs already replaced by their values). Immutable.
 */
public final class Params {
    private final String owner;
    private final Map<String, Object> values;

    Params(String owner, Map<String, Object> values) {
        this.owner = owner;
        this.values = Collections.unmodifiableMap(values);
    }

    /** Whether the param is present. */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /**
     * The param.
     *
     * @throws IllegalArgumentException naming the node and param, when absent
     */
    @SuppressWarnings("unchecked")
    public <T> T get(String name) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException(owner + " has no param '" + name + "' (present: " + values.keySet()
                    + ")");
        }
        return (T) values.get(name);
    }

    /** The param, or {@code otherwise} when absent. */
    @SuppressWarnings("unchecked")
    public <T> T getOrDefault(String name, T otherwise) {
        return values.containsKey(name) ? (T) values.get(name) : otherwise;
    }

    /**
     * An integer param (any {@link Number} or decimal string), or {@code otherwise} when absent.
     *
     * @throws IllegalArgumentException naming the node and param, when not an integer
     */
    public long getLong(String name, long otherwise) {
        Object v = values.get(name);
        if (v == null) {
            return otherwise;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(owner + " param '" + name + "' is not an integer: " + v, e);
        }
    }

    /** All params; unmodifiable. */
    public Map<String, Object> asMap() {
        return values;
    }

    /** Who the params belong to, as errors name it ({@code node 'b'}). */
    public String owner() {
        return owner;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
