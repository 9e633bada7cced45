package dev.weft.tube;

import java.util.Objects;

/**
 * One entry of a node's {@code depends}: a source signal ({@code node.signal}, {@code input.name} or
 * {@code assets.name}) and the slot it fills, either named ({@code left: a.value}) or positional (a bare
 * {@code a.value} in a list, or an integer key). Immutable.
 */
public final class Dependency {
    private final String slot;
    private final int position;
    private final String node;
    private final String signal;

    private Dependency(String slot, int position, String source) {
        Objects.requireNonNull(source, "source");
        int dot = source.indexOf('.');
        if (dot <= 0 || dot == source.length() - 1 || source.indexOf('.', dot + 1) >= 0) {
            throw new IllegalArgumentException("dependency source '" + source
                    + "' must be 'node.signal' (or 'input.name', 'assets.name')");
        }
        if (slot != null && slot.isBlank()) {
            throw new IllegalArgumentException("dependency slot for '" + source + "' is blank");
        }
        this.slot = slot;
        this.position = position;
        this.node = source.substring(0, dot);
        this.signal = source.substring(dot + 1);
    }

    /** A named slot: {@code slot: source}. */
    public static Dependency named(String slot, String source) {
        return new Dependency(Objects.requireNonNull(slot, "slot"), -1, source);
    }

    /** A positional slot at {@code position} (0-based): {@code 0: source}. */
    public static Dependency positional(int position, String source) {
        if (position < 0) {
            throw new IllegalArgumentException("dependency position " + position + " for '" + source
                    + "' is negative");
        }
        return new Dependency(null, position, source);
    }

    /** The named slot, or {@code null} when positional. */
    public String slot() {
        return slot;
    }

    /** The position, or -1 when the slot is named. */
    public int position() {
        return position;
    }

    /** Whether the slot is positional. */
    public boolean isPositional() {
        return slot == null;
    }

    /** The source node's id, or {@code input} / {@code assets}. */
    public String node() {
        return node;
    }

    /** The source signal (or input or asset name). */
    public String signal() {
        return signal;
    }

    /** {@code node.signal}. */
    public String source() {
        return node + "." + signal;
    }

    /** The slot's key as a string: the name, or the position in decimal. */
    public String key() {
        return slot != null ? slot : Integer.toString(position);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dependency d && Objects.equals(slot, d.slot) && position == d.position
                && node.equals(d.node) && signal.equals(d.signal);
    }

    @Override
    public int hashCode() {
        return Objects.hash(slot, position, node, signal);
    }

    @Override
    public String toString() {
        return key() + ": " + source();
    }
}
