package dev.weft.component;

/**
 * Thrown by {@link Component#receive()} (and the other waits on a data inbox) when the component was asked to end: a
 * {@link Shutdown} arrived on {@code "control"}, or a {@link ProducerFinished} arrived and the inbox is drained. Let it
 * leave {@code main}: the component then ends normally and passes {@link #message()} on through {@code "signal"}.
 * Catch it only to clean up (and rethrow). Not a failure, so it carries no stack trace.
 */
public final class ShutdownSignal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ControlMessage message;

    ShutdownSignal(String component, ControlMessage message) {
        super("component '" + component + "' received " + message, null, false, false);
        this.message = message;
    }

    /** The control message that ended the wait. */
    public ControlMessage message() {
        return message;
    }
}
