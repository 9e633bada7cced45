package dev.weft.component;

import java.time.Duration;

/**
 * An {@linkplain Asks ask} whose reply did not come within its timeout (counting the wait for room in a full inbox).
 * The asker has stopped waiting: a reply that comes later is dropped and counted at the asked component
 * ({@link Component#lateReplies()}).
 */
public final class AskTimeoutException extends AskException {
    private static final long serialVersionUID = 1L;
    private final Duration timeout;

    AskTimeoutException(String target, long requestId, Duration timeout, String message) {
        super(target, requestId, message, null);
        this.timeout = timeout;
    }

    /** The timeout that passed. */
    public Duration timeout() {
        return timeout;
    }
}
