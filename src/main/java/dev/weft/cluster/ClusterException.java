package dev.weft.cluster;

/**
 * A cluster member could not start, join, or do what was asked of it: a bad option, an address that needs TLS, a
 * worker that never showed up, a value that may not cross the wire. The message names the member, address,
 * operation or type concerned.
 */
public class ClusterException extends RuntimeException {
    /** An exception with {@code message}. */
    public ClusterException(String message) {
        super(message);
    }

    /** An exception with {@code message} and {@code cause}. */
    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
