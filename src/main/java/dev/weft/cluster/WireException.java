package dev.weft.cluster;

/**
 * A value that may not cross the wire between cluster members: on the sending side, a value whose graph holds a class
 * that {@link WireTypes} does not allow, a cycle, or nesting too deep (refused before anything is serialised); on the
 * receiving side, bytes that name a class this member does not allow (refused before anything is instantiated) or that
 * are not a value Weft wrote. The message names where the value was going (the input, output or event, its operation
 * or node, and its context), the path inside the value ({@code value.items[3].owner}), the class, and how to allow it
 * where it can be allowed.
 */
public class WireException extends ClusterException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public WireException(String message) {
        super(message);
    }

    /** An exception with {@code message} and {@code cause}. */
    public WireException(String message, Throwable cause) {
        super(message, cause);
    }
}
