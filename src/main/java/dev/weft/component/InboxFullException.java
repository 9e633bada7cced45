package dev.weft.component;

/**
 * A send over a linkage with {@link Delivery#FAIL} found the destination inbox full. Names the sender's outbox and the
 * destination inbox.
 */
public final class InboxFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InboxFullException(String message) {
        super(message);
    }
}
