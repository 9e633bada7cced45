package dev.weft.tube;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a node with several signals returns: a value per signal it emits this epoch. A declared signal left out (or
 * given {@link Node#NO_EVENT}) emits nothing, so a node can emit only some of its signals; a name the node did not
 * declare is an error naming the node. Immutable.
 */
public final class Signals {
    private final Map<String, Object> values;

    private Signals(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** Signals from name, value pairs: {@code Signals.of("word", w, "count", n)}. */
    public static Signals of(Object... nameValuePairs) {
        if (nameValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("Signals.of takes name, value pairs; got an odd count "
                    + nameValuePairs.length);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            if (!(nameValuePairs[i] instanceof String name)) {
                throw new IllegalArgumentException("signal name at " + i + " is not a String: " + nameValuePairs[i]);
            }
            if (m.put(name, nameValuePairs[i + 1]) != null || m.size() * 2 != i + 2) {
                throw new IllegalArgumentException("signal '" + name + "' given twice");
            }
        }
        return new Signals(m);
    }

    /** Signals from a map of name to value. */
    public static Signals of(Map<String, ?> values) {
        Map<String, Object> m = new LinkedHashMap<>();
        values.forEach((k, v) -> m.put(Objects.requireNonNull(k, "signal name"), v));
        return new Signals(m);
    }

    /** The values by signal; unmodifiable. */
    public Map<String, Object> values() {
        return values;
    }

    @Override
    public String toString() {
        return "Signals" + values;
    }
}
