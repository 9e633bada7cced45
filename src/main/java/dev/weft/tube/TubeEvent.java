package dev.weft.tube;

import java.time.Instant;

/**
 * What a runner's callbacks see: every {@link Event} a node emits, and the {@link MetaEvent}s (a node ready to run,
 * an epoch ended). Callbacks run on the thread that caused the event (a node's virtual thread in the concurrent
 * runner), outside the runner's locks, so they must be thread safe and quick.
 */
public sealed interface TubeEvent permits Event, MetaEvent {
    /** The epoch it belongs to. */
    Epoch epoch();

    /** When it happened. */
    Instant timestamp();
}
