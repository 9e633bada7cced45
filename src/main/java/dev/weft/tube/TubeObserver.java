package dev.weft.tube;

import java.time.Duration;

/**
 * The hook metrics and live views attach to a runner through ({@link Runners.Options#withObserver}); see
 * {@code dev.weft.metrics.TubeMeters}. Called on the runner's threads, outside its locks; implementations must be
 * thread safe and quick. Every method has an empty default.
 */
public interface TubeObserver {
    /** A node ran (or failed) in an epoch, taking {@code time}. */
    default void nodeRan(String tubeId, String nodeId, Epoch epoch, Duration time, boolean failed) {
    }

    /**
     * A root epoch ended (failed ones included; not one dropped because a source had run out: it has no result);
     * {@code inFlight} root epochs remain started and not ended.
     */
    default void epochEnded(String tubeId, Epoch epoch, Duration time, int inFlight) {
    }

    /** A root epoch started; {@code inFlight} now counts it. */
    default void epochStarted(String tubeId, Epoch epoch, int inFlight) {
    }
}
