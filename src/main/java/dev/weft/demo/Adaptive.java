package dev.weft.demo;

import dev.weft.flow.Orchestrator;
import java.util.List;

/**
 * Where the downloader report calls the adaptive orchestrator (issue 17): the data flow's options for a goal, and
 * the decisions it made turned into {@link LimitPoint}s.
 */
final class Adaptive {
    private Adaptive() {
    }

    /** Collects a run's decisions; safe to call from any thread. */
    static final class Recorder {
        /** The decisions so far, as points relative to {@code startNanos}. */
        List<LimitPoint> points(long startNanos) {
            return List.of();
        }
    }

    /**
     * {@code base} with the goal of {@code v} (speed, or memory under {@code budgetBytes}), the variant's concurrency
     * as the ceiling, and decisions going to {@code recorder}.
     */
    static Orchestrator.Options options(Orchestrator.Options base, Variants.Variant v, long budgetBytes,
                                        Recorder recorder) {
        throw new UnsupportedOperationException("the adaptive orchestrator's API (dev.weft.adapt) has not landed yet");
    }
}
