package dev.weft.tube;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A plain or source node offered to a {@link NodeHost}: its tube, its id, the type name as the tube's spec gives it
 * (what a worker's {@link NodeRegistry} resolves), the driver's {@link NodeType} for that name, whether it is stateful
 * (the type's default or the tube's override), and its params with {@code input.name} references already replaced by
 * the tube inputs' values. What it emits, which slots are optional and whether it is stateful stay decided by the
 * driver's registry and tube: a worker only runs the node's body.
 *
 * <p>The runner makes these ({@link NodeHost#host}); a worker remakes one from what crossed the wire with
 * {@link #resolve}, then {@link #makeLocal()} and {@link #args}. Immutable and thread safe (the params map is an
 * unmodifiable copy; its values are whatever the tube gave).
 */
public final class HostedNode {
    private final String tubeId;
    private final String nodeId;
    private final String typeName;
    private final NodeType type;
    private final boolean stateful;
    private final Map<String, Object> params;

    HostedNode(String tubeId, String nodeId, String typeName, NodeType type, boolean stateful,
            Map<String, ?> params) {
        this.tubeId = tubeId;
        this.nodeId = nodeId;
        this.typeName = typeName;
        this.type = type;
        this.stateful = stateful;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /**
     * The node as a worker knows it: {@code typeName} found in the worker's own registry (a name never loads a class,
     * so a worker runs only the types its program registered), with the params and statefulness the driver sent.
     *
     * @throws IllegalArgumentException naming the tube, node and type, when the registry has no such type, or a
     *                                  source is said to be stateless
     */
    public static HostedNode resolve(NodeRegistry registry, String tubeId, String nodeId, String typeName,
            Map<String, ?> params, boolean stateful) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(tubeId, "tubeId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(typeName, "typeName");
        Objects.requireNonNull(params, "params");
        NodeType type = registry.type(typeName).orElseThrow(() -> new IllegalArgumentException("tube '" + tubeId
                + "': node '" + nodeId + "' has type '" + typeName + "', which is not registered here (registered: "
                + registry.typeNames() + ")"));
        if (type.kind == NodeType.Kind.SOURCE && !stateful) {
            throw new IllegalArgumentException("tube '" + tubeId + "': node '" + nodeId + "' of type '" + typeName
                    + "' is a source, and a source is always stateful");
        }
        return new HostedNode(tubeId, nodeId, typeName, type, stateful, params);
    }

    /** The tube's id. */
    public String tubeId() {
        return tubeId;
    }

    /** The node's id in the tube. */
    public String nodeId() {
        return nodeId;
    }

    /** The type name, as the tube's spec gives it and the registry resolves it. */
    public String typeName() {
        return typeName;
    }

    /** The node type this name resolves to here (signals, optional slots, default statefulness). */
    public NodeType type() {
        return type;
    }

    /** Whether the node is stateful in this tube: its runs never overlap and come in epoch order. */
    public boolean stateful() {
        return stateful;
    }

    /** Whether it is a source (one value per epoch from an iterator; no slots). */
    public boolean isSource() {
        return type.kind == NodeType.Kind.SOURCE;
    }

    /** The params, {@code input.name} references resolved; unmodifiable. */
    public Map<String, Object> params() {
        return params;
    }

    /**
     * Makes the node here, from its type and params, as the local runners do: what a worker calls once it has
     * {@link #resolve resolved} the node, and what {@link NodeHost#local()} returns.
     *
     * @throws IllegalStateException naming the node, when the type's factory returns null (and whatever it throws)
     */
    public Node makeLocal() {
        return type.make(new Params("node '" + nodeId + "'", params));
    }

    /**
     * The node's {@link Args} for one run, rebuilt from what crossed the wire: the epoch, the named slots (with, for
     * function nodes, the params, as the runner sent them) and the positional slots. The maps and lists are copied.
     */
    public Args args(Epoch epoch, Map<String, ?> named, List<?> positional) {
        Objects.requireNonNull(epoch, "epoch");
        return new Args(nodeId, epoch, new HashMap<>(named), new ArrayList<>(positional));
    }

    /**
     * What a host's {@code process} throws when the remote source ran out: the runner ends the run there, as when a
     * local source is exhausted (not a failure). Unchecked; no stack trace.
     */
    public RuntimeException exhausted() {
        return new NodeType.SourceExhausted("node '" + nodeId + "'");
    }

    /** Whether {@code t} is a source saying it ran out (what a local source node's {@code process} throws then). */
    public static boolean isExhausted(Throwable t) {
        return t instanceof NodeType.SourceExhausted;
    }

    @Override
    public String toString() {
        return "HostedNode[" + tubeId + "/" + nodeId + ": " + typeName + (stateful ? ", stateful" : "") + ", params="
                + params + "]";
    }
}
