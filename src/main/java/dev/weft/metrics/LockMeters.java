package dev.weft.metrics;

import dev.weft.lock.LockObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** The meters of one lock set, looked up once when {@link Metrics} is attached to it. Thread safe. */
final class LockMeters implements LockObserver.Probe {
    private final Timer acquired, timedOut, interrupted;
    private final Counter timeouts;

    LockMeters(Metrics m) {
        acquired = m.timer("weft.lock.wait", "outcome", "acquired");
        timedOut = m.timer("weft.lock.wait", "outcome", "timeout");
        interrupted = m.timer("weft.lock.wait", "outcome", "interrupted");
        timeouts = m.counter("weft.lock.timeouts");
    }

    @Override
    public void acquired(long waitNanos) {
        acquired.record(waitNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void timedOut(long waitNanos) {
        timedOut.record(waitNanos, TimeUnit.NANOSECONDS);
        timeouts.increment();
    }

    @Override
    public void interrupted(long waitNanos) {
        interrupted.record(waitNanos, TimeUnit.NANOSECONDS);
    }
}
