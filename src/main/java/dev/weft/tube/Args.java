package dev.weft.tube;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A node's inputs for one run: its named slots (and, for function nodes, its params, which act like a partial
 * application), its positional slots, and the current {@link Epoch}. Reading a slot that is absent throws, naming
 * the node and the slot; an optional slot whose source emitted nothing is absent. Immutable; owned by one run.
 */
public final class Args {
    private final String nodeId;
    private final Epoch epoch;
    private final Map<String, Object> named;
    private final List<Object> positional;

    Args(String nodeId, Epoch epoch, Map<String, Object> named, List<Object> positional) {
        this.nodeId = nodeId;
        this.epoch = epoch;
        this.named = Collections.unmodifiableMap(named);
        this.positional = Collections.unmodifiableList(positional);
    }

    /** The node being run. */
    public String nodeId() {
        return nodeId;
    }

    /** The epoch it runs in. */
    public Epoch epoch() {
        return epoch;
    }

    /** Whether the named slot (or param) is present. */
    public boolean has(String slot) {
        return named.containsKey(slot);
    }

    /**
     * The named slot's (or param's) value.
     *
     * @throws IllegalArgumentException naming the node and slot, when absent
     */
    @SuppressWarnings("unchecked")
    public <T> T get(String slot) {
        if (!named.containsKey(slot)) {
            throw new IllegalArgumentException("node '" + nodeId + "' in epoch " + epoch + " has no slot or param '"
                    + slot + "' (present: " + named.keySet() + ")");
        }
        return (T) named.get(slot);
    }

    /** The named slot's value, or {@code otherwise} when absent. */
    @SuppressWarnings("unchecked")
    public <T> T getOrDefault(String slot, T otherwise) {
        return named.containsKey(slot) ? (T) named.get(slot) : otherwise;
    }

    /**
     * The positional slot's value.
     *
     * @throws IllegalArgumentException naming the node, when there are not that many
     */
    @SuppressWarnings("unchecked")
    public <T> T get(int position) {
        if (position < 0 || position >= positional.size()) {
            throw new IllegalArgumentException("node '" + nodeId + "' in epoch " + epoch + " has no positional slot "
                    + position + " (it has " + positional.size() + ")");
        }
        return (T) positional.get(position);
    }

    /** The named slots and params; unmodifiable. */
    public Map<String, Object> named() {
        return named;
    }

    /** The positional slots in order; unmodifiable. */
    public List<Object> positional() {
        return positional;
    }

    @Override
    public String toString() {
        return "Args[" + nodeId + " @ " + epoch + ", " + named + ", " + positional + "]";
    }
}
