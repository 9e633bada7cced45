package dev.weft.cuda;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The one place the CUDA tests pause: to check that something does <em>not</em> happen (a waiter stays blocked, a
 * held stream stays held, a callback does not run a second time). No latch or event can signal an absence, so the
 * test gives the wrong outcome a grace period to show itself; a pass means "not within the grace period", and a
 * broken implementation fails the following assertion. Everything the tests wait <em>for</em> uses latches,
 * futures or events with a timeout that fails loudly.
 */
final class Quiet {
    private Quiet() {
    }

    /** Lets {@code grace} pass, so that an outcome that must not happen has the time to happen if it would. */
    static void gracePeriod(Duration grace) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(grace.toNanos());
    }
}
