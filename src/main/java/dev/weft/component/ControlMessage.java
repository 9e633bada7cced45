package dev.weft.component;

import java.util.Optional;

/**
 * A message about the flow rather than data in it, sent to a component's {@code "control"} inbox and passed on through
 * its {@code "signal"} outbox: {@link ProducerFinished} ("no more data") or {@link Shutdown} ("stop now"), as in
 * Kamaelia's Axon ({@code producerFinished}, {@code shutdownMicroprocess}). Immutable; either may carry a detail (a
 * reason, a sender) through its other constructor.
 */
public abstract sealed class ControlMessage permits ProducerFinished, Shutdown {
    private final Object detail;

    ControlMessage(Object detail) {
        this.detail = detail;
    }

    /** What the sender attached, if anything. */
    public Optional<Object> detail() {
        return Optional.ofNullable(detail);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + (detail == null ? "" : "(" + detail + ")");
    }
}
