package dev.weft.tube;

/**
 * A node threw while running: the first failure of an epoch, which ended that epoch. The cause is the node's
 * exception; failures of other nodes of the epoch that happened before it was cancelled are suppressed under this
 * one.
 */
public final class NodeFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String tubeId;
    private final String nodeId;
    private final transient Epoch epoch;

    NodeFailedException(String tubeId, String nodeId, Epoch epoch, Throwable cause) {
        super("tube '" + tubeId + "': node '" + nodeId + "' failed in epoch " + epoch + ": " + cause, cause);
        this.tubeId = tubeId;
        this.nodeId = nodeId;
        this.epoch = epoch;
    }

    /** The tube. */
    public String tubeId() {
        return tubeId;
    }

    /** The node that failed. */
    public String nodeId() {
        return nodeId;
    }

    /** The epoch it failed in. */
    public Epoch epoch() {
        return epoch;
    }
}
