package dev.weft.tube;

import java.time.Instant;

/**
 * A runner's own event: {@link Type#NODE_READY} when a node's inputs for an epoch are ready (before it runs),
 * {@link Type#EPOCH_ENDED} when a root epoch has ended (every node resolved, sub-epochs included).
 *
 * @param type what happened
 * @param nodeId the node, or {@code null} for an epoch's end
 * @param epoch the epoch
 * @param timestamp when
 */
public record MetaEvent(Type type, String nodeId, Epoch epoch, Instant timestamp) implements TubeEvent {
    /** The kinds of meta event. */
    public enum Type {
        /** A node's inputs for an epoch are ready. */
        NODE_READY,
        /** A root epoch has ended. */
        EPOCH_ENDED
    }
}
