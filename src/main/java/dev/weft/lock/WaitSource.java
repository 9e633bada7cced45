package dev.weft.lock;

import java.util.function.Consumer;

/**
 * Reports the waits in progress that one part of Weft knows of, as {@link WaitEdge}s, for the deadlock detector; added
 * once with {@link Deadlocks#addSource(WaitSource)}. The lock package's own waits are always reported; the component
 * package adds its blocked sends this way, so that a layer above locks can take part in the wait-for graph without the
 * lock package importing it.
 *
 * <p>Called by any thread (a {@link DeadlockDetector}'s, or one calling {@link Deadlocks#dump()}), concurrently with
 * the waits it reports: it must be thread safe, quick and must not block. Its view may be racy; the detector confirms
 * every cycle through {@link WaitEdge#isCurrent()} before reporting it.
 */
@FunctionalInterface
public interface WaitSource {

    /** Passes each wait in progress to {@code out}. */
    void collect(Consumer<? super WaitEdge> out);
}
