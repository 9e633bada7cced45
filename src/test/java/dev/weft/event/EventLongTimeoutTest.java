package dev.weft.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 12, item 5: timeouts too long for a {@code long} of nanoseconds saturate instead of throwing. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EventLongTimeoutTest {
    private static final Duration LONGEST = Duration.ofSeconds(Long.MAX_VALUE);
    private static final Duration FOUR_CENTURIES = Duration.of(400 * 365, ChronoUnit.DAYS);

    @Test
    void awaitOnAFinishedEventWithAVeryLongTimeoutReturnsTrue() throws Exception {
        Event e = Event.cpu(EventOptions.named("done"));
        e.record();
        e.setFinished();
        assertThat(e.await(LONGEST)).isTrue();
        assertThat(e.await(FOUR_CENTURIES)).isTrue();
    }

    @Test
    void awaitWithAVeryLongTimeoutWaitsUntilFinished() throws Exception {
        Event e = Event.cpu(EventOptions.named("later"));
        e.record();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread finisher = Thread.ofVirtual().start(() -> {
            try {
                waiting.await();
                e.setFinished();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        waiting.countDown();
        assertThat(e.await(LONGEST)).isTrue();
        finisher.join();
    }

    @Test
    void aHostBackendOfAnotherDeviceSaturatesToo() throws Exception {
        DeviceType device = DeviceType.of("LONG_WAIT");
        EventRegistry registry = new EventRegistry().register(EventBackend.host(device));
        Event e = registry.create(device, EventOptions.named("other"));
        e.record();
        e.setFinished();
        assertThat(e.await(LONGEST)).isTrue();
    }
}
