package dev.weft.tube;

import java.time.Instant;

/**
 * One value a node emitted on one signal in one epoch; the {@link EventStore} keeps them until the epoch is cleared.
 * Immutable (the value itself is whatever the node returned).
 *
 * @param id unique within the runner, increasing in emission order
 * @param timestamp when it was emitted
 * @param nodeId the emitting node
 * @param signal the signal
 * @param epoch the epoch (a map's {@code value} events are in its sub-epochs; a gather's in the parent epoch)
 * @param value the value, possibly {@code null}
 */
public record Event(long id, Instant timestamp, String nodeId, String signal, Epoch epoch, Object value)
        implements TubeEvent {
}
