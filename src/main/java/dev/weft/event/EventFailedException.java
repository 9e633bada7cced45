package dev.weft.event;

import java.io.Serial;

/**
 * Thrown where a failed {@link Event} is turned into an exception: by {@link Event#rethrow()} when the event kept no
 * unchecked exception of its own, and as the exceptional completion of {@link Event#toCompletableFuture()}.
 */
public class EventFailedException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;
    private final String errorMessage;

    /**
     * @param event        the failed event's description, for the message
     * @param errorMessage the event's error message
     * @param cause        the exception the event kept, or {@code null}
     */
    public EventFailedException(String event, String errorMessage, Throwable cause) {
        super("event " + event + " failed: " + errorMessage, cause);
        this.errorMessage = errorMessage;
    }

    /** The failed event's error message, as {@link Event#errorMessage()} gives it. */
    public String errorMessage() {
        return errorMessage;
    }
}
