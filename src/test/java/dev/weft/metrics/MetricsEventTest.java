package dev.weft.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.event.Event;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Opt-in event metrics: pending gauge and completion timers by outcome. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MetricsEventTest {

    /** Waits, without sleeping a guessed time, until the completion callbacks ran. */
    private static void awaitPending(MeterRegistry r, double value) {
        while (r.get("weft.event.pending").tags("event", "io").gauge().value() != value) {
            Thread.onSpinWait();
        }
    }

    @Test
    void watchedEventsAreTimedByOutcome() throws InterruptedException {
        Metrics metrics = Metrics.simple();
        MeterRegistry r = metrics.registry();
        Event ok = metrics.watch(Event.cpu(), "io");
        Event bad = metrics.watch(Event.cpu(), "io");
        ok.record();
        bad.record();
        assertThat(r.get("weft.event.pending").tags("event", "io").gauge().value()).isEqualTo(2);
        ok.setFinished();
        bad.setFinished("disk on fire");
        ok.await();
        bad.await();
        awaitPending(r, 0);
        assertThat(r.get("weft.event.completed").tags("event", "io", "outcome", "success").timer().count())
                .isEqualTo(1);
        assertThat(r.get("weft.event.completed").tags("event", "io", "outcome", "failed").timer().count())
                .isEqualTo(1);
    }

    @Test
    void unwatchedEventsAndNoneRecordNothing() {
        Event e = Metrics.none().watch(Event.cpu(), "io");
        e.setFinished();
        assertThat(Metrics.none().registry().getMeters()).isEmpty();
    }
}
