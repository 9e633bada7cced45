package dev.weft.event;

import java.util.Objects;

/**
 * The writing side of a read-only CPU {@link Event}: the event is SCHEDULED from the start, and only this source
 * can finish it, so code that receives the event ({@code Task.event()}, {@link Events#allOf}) can wait on it but
 * never complete or reset it. Like a {@link java.util.concurrent.CompletableFuture}'s {@code complete}, the first
 * call that finishes it wins and the others return {@code false}; none throws for the event's state.
 *
 * <p>Thread safety: every method may be called from any thread; memory effects are those of {@link Event}.
 */
public final class EventSource {
    private final Event event;
    private final HostEvent host;

    /**
     * A source whose event is named {@code name} (for messages) and SCHEDULED.
     *
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public EventSource(String name) {
        this.event = new Event(DeviceType.CPU, EventOptions.named(Objects.requireNonNull(name, "name")),
                HostEventBackend.CPU, null, this);
        this.host = (HostEvent) event.backendState();
        host.record(event, null);
    }

    /** The read-only event this source finishes. */
    public Event event() {
        return event;
    }

    /** Finishes the event with SUCCESS; false if it was finished already. */
    public boolean succeed() {
        return host.setFinished(event, null, null, true);
    }

    /** Finishes the event as FAILED with {@code errorMessage}; false if it was finished already. */
    public boolean fail(String errorMessage) {
        return host.setFinished(event, Objects.requireNonNull(errorMessage, "errorMessage"), null, true);
    }

    /** Finishes the event as FAILED, keeping {@code exception}; false if it was finished already. */
    public boolean fail(Throwable exception) {
        return host.setFinished(event, null, Objects.requireNonNull(exception, "exception"), true);
    }

    /** Finishes the event as FAILED with a message of its own and the {@code exception} kept; false if finished. */
    public boolean fail(String errorMessage, Throwable exception) {
        return host.setFinished(event, Objects.requireNonNull(errorMessage, "errorMessage"), exception, true);
    }

    @Override
    public String toString() {
        return "EventSource[" + event + "]";
    }
}
