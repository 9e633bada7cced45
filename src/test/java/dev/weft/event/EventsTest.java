package dev.weft.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.scope.Scope;
import dev.weft.scope.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Combinators, read-only events, and tasks' completion events. */
class EventsTest {
    private static final Duration LONG = Duration.ofSeconds(10);

    @Test
    void allOfSucceedsWhenAllSucceed() {
        Event a = Event.cpu(), b = Event.cpu();
        Event all = Events.allOf(a, b);
        assertThat(all.query()).isEqualTo(EventStatus.SCHEDULED);
        a.setFinished();
        assertThat(all.query()).isEqualTo(EventStatus.SCHEDULED);
        b.setFinished();
        assertThat(all.query()).isEqualTo(EventStatus.SUCCESS);
        assertThat(Events.allOf().query()).isEqualTo(EventStatus.SUCCESS);
    }

    @Test
    void allOfFailsOnTheFirstFailure() {
        Event a = Event.cpu(EventOptions.named("a")), b = Event.cpu(EventOptions.named("b"));
        Event all = Events.allOf(List.of(a, b));
        IOException cause = new IOException("b broke");
        b.setFinished(cause);
        assertThat(all.query()).isEqualTo(EventStatus.FAILED);
        assertThat(all.errorMessage()).contains("input 'b' failed: java.io.IOException: b broke");
        assertThat(all.exception()).containsSame(cause);
        a.setFinished("later"); // decided already
        assertThat(all.errorMessage().orElseThrow()).doesNotContain("later");
    }

    @Test
    void anyOfSucceedsOnFirstSuccessAndFailsOnlyWhenAllFail() {
        Event a = Event.cpu(EventOptions.named("a")), b = Event.cpu(EventOptions.named("b"));
        Event any = Events.anyOf(a, b);
        a.setFinished("a broke");
        assertThat(any.query()).isEqualTo(EventStatus.SCHEDULED);
        b.setFinished();
        assertThat(any.query()).isEqualTo(EventStatus.SUCCESS);

        Event c = Event.cpu(EventOptions.named("c")), d = Event.cpu(EventOptions.named("d"));
        Event none = Events.anyOf(c, d);
        c.setFinished("c broke");
        d.record("d broke");
        assertThat(none.query()).isEqualTo(EventStatus.FAILED);
        assertThat(none.errorMessage().orElseThrow()).startsWith("all 2 inputs failed: [")
                .contains("'c': c broke").contains("'d': d broke");
        assertThatThrownBy(() -> Events.anyOf()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("anyOf needs at least one event");
        assertThatThrownBy(() -> Events.allOf(a, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void combinedEventsAreReadOnly() {
        Event all = Events.allOf(Event.cpu());
        assertThatThrownBy(all::setFinished).isInstanceOf(IllegalStateException.class)
                .hasMessage("setFinished on event 'allOf(1)', which is read-only: only its source completes it");
        assertThatThrownBy(all::reset).isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
        assertThatThrownBy(all::record).isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
    }

    @Test
    void eventSourceFirstCallWins() {
        EventSource source = new EventSource("job");
        Event event = source.event();
        assertThat(event.query()).isEqualTo(EventStatus.SCHEDULED);
        assertThat(source.fail("first")).isTrue();
        assertThat(source.succeed()).isFalse();
        assertThat(source.fail(new IOException("second"))).isFalse();
        assertThat(event.errorMessage()).contains("first");
        assertThat(event.exception()).isEmpty();
    }

    @Test
    void taskEventsFollowTheirTasks() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (var scope = Scope.<String>settle()) {
            Task<String> ok = scope.fork("ok", () -> {
                release.await();
                return "fine";
            });
            Task<String> bad = scope.fork("bad", () -> {
                release.await();
                throw new IOException("broken");
            });
            Event okEvent = ok.event();
            assertThat(okEvent).isSameAs(ok.event());
            assertThat(okEvent.query()).isEqualTo(EventStatus.SCHEDULED);
            Event both = Events.allOf(okEvent, bad.event());
            release.countDown();
            assertThat(okEvent.await(LONG)).isTrue();
            assertThat(bad.event().await(LONG)).isTrue();
            assertThat(okEvent.query()).isEqualTo(EventStatus.SUCCESS);
            assertThat(bad.event().query()).isEqualTo(EventStatus.FAILED);
            assertThat(bad.event().exception()).hasValueSatisfying(t -> assertThat(t).hasMessage("broken"));
            assertThat(both.await(LONG)).isTrue();
            assertThat(both.errorMessage().orElseThrow()).contains("task bad");
            scope.join();
            assertThatThrownBy(okEvent::setFinished).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("read-only");
        }
    }

    @Test
    void eventAskedForAfterTheTaskEndedIsFinished() throws Exception {
        Task<Integer> done;
        Task<Integer> cancelled;
        try (var scope = Scope.<Integer>race()) {
            done = scope.fork("quick", () -> 1);
            cancelled = scope.fork("slow", () -> {
                new CountDownLatch(1).await(); // until the race cancels it
                return 2;
            });
            assertThat(scope.join()).isEqualTo(1);
        }
        assertThat(done.event().query()).isEqualTo(EventStatus.SUCCESS);
        assertThat(cancelled.event().query()).isEqualTo(EventStatus.FAILED);
        assertThat(cancelled.event().errorMessage().orElseThrow()).isEqualTo("task 'slow' was cancelled");
    }

    @Test
    void completingFromAForkedTaskWakesAWaiter() throws Exception {
        Event ready = Event.cpu(EventOptions.named("ready"));
        ready.record();
        try (var scope = Scope.open()) {
            scope.fork("producer", () -> {
                ready.setFinished();
                return null;
            });
            ready.await();
            scope.join();
        }
        assertThat(ready.query()).isEqualTo(EventStatus.SUCCESS);
    }
}
