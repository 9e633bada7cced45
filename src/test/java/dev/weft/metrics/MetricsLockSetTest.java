package dev.weft.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.lock.LockSet;
import dev.weft.lock.LockTimeoutException;
import dev.weft.lock.OrderedLock;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** LockSet wait timers (acquired, timeout, interrupted) and the timeout counter. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MetricsLockSetTest {

    private static long count(MeterRegistry r, String outcome) {
        var t = r.find("weft.lock.wait").tags("locks", "ab", "outcome", outcome).timer();
        return t == null ? 0 : t.count();
    }

    /** Waits until another thread is queued on {@code lock}, without sleeping a guessed time. */
    private static void awaitQueued(OrderedLock lock) {
        while (!lock.hasQueuedThreads()) {
            Thread.onSpinWait();
        }
    }

    @Test
    void recordsFreeContendedTimedOutAndInterruptedAcquisitions() throws Exception {
        Metrics metrics = Metrics.simple().withTags("locks", "ab");
        MeterRegistry r = metrics.registry();
        OrderedLock a = new OrderedLock("a"), b = new OrderedLock("b");
        LockSet set = LockSet.of(a, b).withObserver(metrics);
        assertThat(set.observer()).isSameAs(metrics);
        assertThat(LockSet.of(a).observer()).isNull();

        set.run(Duration.ofSeconds(5), () -> { }); // free at once
        assertThat(count(r, "acquired")).isEqualTo(1);

        // contended, then released: acquired after a wait
        b.lock();
        CompletableFuture<Void> waiter;
        try {
            waiter = CompletableFuture.runAsync(() -> {
                try {
                    set.run(Duration.ofSeconds(20), () -> { });
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, r2 -> Thread.ofVirtual().start(r2));
            awaitQueued(b);
        } finally {
            b.unlock();
        }
        waiter.get(20, TimeUnit.SECONDS);
        assertThat(count(r, "acquired")).isEqualTo(2);

        // times out
        b.lock();
        try {
            Thread t = Thread.ofVirtual().start(() -> assertThatThrownBy(() -> set.run(Duration.ofMillis(20), () -> { }))
                    .isInstanceOf(LockTimeoutException.class));
            t.join();
        } finally {
            b.unlock();
        }
        assertThat(count(r, "timeout")).isEqualTo(1);
        assertThat(r.get("weft.lock.timeouts").tags("locks", "ab").counter().count()).isEqualTo(1);
        assertThat(r.get("weft.lock.wait").tags("outcome", "timeout").timer().totalTime(TimeUnit.MILLISECONDS))
                .isGreaterThanOrEqualTo(19);

        // interrupted while waiting
        b.lock();
        try {
            Thread t = Thread.ofVirtual().start(() -> assertThatThrownBy(() -> set.run(Duration.ofSeconds(20), () -> { }))
                    .isInstanceOf(InterruptedException.class));
            awaitQueued(b);
            t.interrupt();
            t.join();
        } finally {
            b.unlock();
        }
        assertThat(count(r, "interrupted")).isEqualTo(1);
        assertThat(count(r, "acquired")).isEqualTo(2);
        assertThat(a.isLocked()).isFalse();
    }

    @Test
    void noneOrNullRecordsNothing() throws InterruptedException {
        OrderedLock a = new OrderedLock("a");
        LockSet set = LockSet.of(a).withObserver(Metrics.none());
        assertThat(set.observer()).isNull();
        set.run(Duration.ofSeconds(1), () -> { });
        assertThat(LockSet.of(a).withObserver(null).observer()).isNull();
        assertThat(Metrics.none().registry().getMeters()).isEmpty();
    }
}
