package dev.weft.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Every legal and illegal transition of a CPU event, with its message; callbacks, waiting and futures. */
class EventTest {
    private static final Duration LONG = Duration.ofSeconds(10);

    @Test
    void caffe2EventBasics() throws Exception {
        // caffe2's EventBasics test, step by step
        Event event = Event.cpu();
        assertThat(event.query()).isEqualTo(EventStatus.INITIALIZED);
        event.record(DeviceType.CPU);
        assertThat(event.isScheduled()).isTrue();
        event.setFinished();
        assertThat(event.query()).isEqualTo(EventStatus.SUCCESS);
        Event.wait(DeviceType.CPU, event); // context.WaitEvent(event)
        Event.cpu().waitOn(done());
        assertThat(event.finish()).isEqualTo(EventStatus.SUCCESS);
        event.reset();
        assertThat(event.query()).isEqualTo(EventStatus.INITIALIZED);
        event.record();
        event.setFinished();
        Event.wait(DeviceType.CPU, event);
        assertThat(event.isFinished()).isTrue();
        assertThat(event.errorMessage()).isEmpty();
    }

    private static Event done() {
        Event e = Event.cpu();
        e.setFinished();
        return e;
    }

    @Test
    void caffe2EventErrors() {
        Event event = Event.cpu();
        event.setFinished();
        assertThatThrownBy(() -> event.setFinished("error"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setFinished called on event")
                .hasMessageContaining("already SUCCEEDED")
                .hasMessageContaining("error");
        assertThat(event.errorMessage()).isEmpty();
        event.reset();
        event.setFinished("error 1");
        event.setFinished("error 2"); // ignored with a warning: the first failure wins
        assertThat(event.errorMessage()).contains("error 1");
        assertThat(event.query()).isEqualTo(EventStatus.FAILED);
    }

    @Test
    void recordTwiceThrowsNamingTheEvent() {
        Event event = Event.cpu(EventOptions.named("copy"));
        event.record();
        assertThatThrownBy(event::record).isInstanceOf(IllegalStateException.class)
                .hasMessage("record called twice on event 'copy': it is already SCHEDULED");
        assertThatThrownBy(() -> event.record("late error")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("record called twice");
        assertThat(event.query()).isEqualTo(EventStatus.SCHEDULED);
    }

    @Test
    void recordOnFinishedEventDoesNothing() {
        Event ok = Event.cpu();
        ok.setFinished(); // the asynchronous part finished before the record
        ok.record();
        assertThat(ok.query()).isEqualTo(EventStatus.SUCCESS);
        Event failed = Event.cpu();
        failed.setFinished("boom");
        failed.record();
        failed.record("other");
        assertThat(failed.query()).isEqualTo(EventStatus.FAILED);
        assertThat(failed.errorMessage()).contains("boom");
    }

    @Test
    void recordWithErrorFailsAtOnceAndRunsCallbacks() {
        Event event = Event.cpu();
        List<EventStatus> seen = new ArrayList<>();
        event.onComplete(e -> seen.add(e.query()));
        event.record("no memory");
        assertThat(event.query()).isEqualTo(EventStatus.FAILED);
        assertThat(event.errorMessage()).contains("no memory");
        assertThat(seen).containsExactly(EventStatus.FAILED); // caffe2 skips callbacks here; Weft does not
    }

    @Test
    void recordFromAnotherDeviceNamesBoth() {
        Event event = Event.cpu(EventOptions.named("kernel"));
        assertThatThrownBy(() -> event.record(DeviceType.CUDA)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("event 'kernel' belongs to device CPU but was recorded by device CUDA; record it from CPU");
        assertThatThrownBy(() -> event.record(DeviceType.of("TPU"), "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("device TPU");
        assertThat(event.query()).isEqualTo(EventStatus.INITIALIZED);
    }

    @Test
    void setFinishedFromInitializedOrScheduled() {
        Event a = Event.cpu();
        a.setFinished();
        assertThat(a.query()).isEqualTo(EventStatus.SUCCESS);
        Event b = Event.cpu();
        b.record();
        b.setFinished("bad");
        assertThat(b.query()).isEqualTo(EventStatus.FAILED);
        assertThat(b.errorMessage()).contains("bad");
        assertThat(b.exception()).isEmpty();
        assertThat(b.exceptionTime()).isEmpty();
    }

    @Test
    void successOnFailedEventIsIgnored() {
        Event event = Event.cpu();
        event.setFinished("cancelled");
        event.setFinished(); // external cancellation came first; the later success is logged and ignored
        assertThat(event.query()).isEqualTo(EventStatus.FAILED);
        assertThat(event.errorMessage()).contains("cancelled");
    }

    @Test
    void exceptionsAreKeptFirstOneWins() {
        Event event = Event.cpu();
        IOException first = new IOException("disk");
        event.setFinished(first);
        event.setFinished(new IllegalStateException("second"));
        assertThat(event.errorMessage()).contains("java.io.IOException: disk");
        assertThat(event.exception()).containsSame(first);
        assertThat(event.exceptionTime()).isPresent();
        assertThatThrownBy(event::rethrow).isInstanceOf(EventFailedException.class).hasCause(first)
                .hasMessageContaining("failed: java.io.IOException: disk");
    }

    @Test
    void exceptionAfterMessageOnlyFailureIsKeptMessageStays() {
        Event event = Event.cpu();
        event.setFinished("first message");
        IllegalArgumentException late = new IllegalArgumentException("late");
        event.setFinished(late);
        assertThat(event.errorMessage()).contains("first message");
        assertThat(event.exception()).containsSame(late);
        assertThatThrownBy(event::rethrow).isSameAs(late);
    }

    @Test
    void rethrowForEachState() {
        Event event = Event.cpu();
        event.rethrow(); // INITIALIZED: nothing
        event.record();
        event.rethrow(); // SCHEDULED: nothing
        event.setFinished();
        event.rethrow(); // SUCCESS: nothing
        Event failed = Event.cpu(EventOptions.named("f"));
        failed.setFinished("plain");
        assertThatThrownBy(failed::rethrow).isInstanceOf(EventFailedException.class)
                .hasMessage("event 'f' failed: plain").hasNoCause()
                .satisfies(t -> assertThat(((EventFailedException) t).errorMessage()).isEqualTo("plain"));
        Event error = Event.cpu();
        error.setFinished(new AssertionError("oops"));
        assertThatThrownBy(error::rethrow).isInstanceOf(AssertionError.class).hasMessage("oops");
    }

    @Test
    void resetThrowsWhileScheduledAndClearsOtherwise() {
        Event event = Event.cpu(EventOptions.named("r"));
        event.record();
        assertThatThrownBy(event::reset).isInstanceOf(IllegalStateException.class)
                .hasMessage("reset of event 'r' while it is SCHEDULED: finish it first (setFinished), then reset");
        event.setFinished(new IOException("x"));
        event.reset();
        assertThat(event.query()).isEqualTo(EventStatus.INITIALIZED);
        assertThat(event.errorMessage()).isEmpty();
        assertThat(event.exception()).isEmpty();
        assertThat(event.exceptionTime()).isEmpty();
        event.reset(); // from INITIALIZED: allowed
        assertThat(event.query()).isEqualTo(EventStatus.INITIALIZED);
    }

    @Test
    void resetClearsPendingCallbacks() {
        Event event = Event.cpu();
        List<String> ran = new ArrayList<>();
        event.onComplete(e -> ran.add("cleared"));
        event.reset();
        event.onComplete(e -> ran.add("kept"));
        event.setFinished();
        assertThat(ran).containsExactly("kept");
    }

    @Test
    void callbacksRunOnceInRegistrationOrderOnTheCompletingThread() throws Exception {
        Event event = Event.cpu();
        List<String> ran = new ArrayList<>();
        AtomicReference<Thread> where = new AtomicReference<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            event.onComplete(e -> {
                ran.add("cb" + n);
                where.set(Thread.currentThread());
            });
        }
        event.record();
        Thread completer = Thread.ofVirtual().start(event::setFinished);
        completer.join();
        assertThat(ran).containsExactly("cb0", "cb1", "cb2", "cb3", "cb4");
        assertThat(where.get()).isSameAs(completer);
        // registered after completion: at once, on the caller's thread
        event.onComplete(e -> {
            ran.add("late");
            where.set(Thread.currentThread());
        });
        assertThat(ran).endsWith("late");
        assertThat(where.get()).isSameAs(Thread.currentThread());
        assertThat(ran).hasSize(6);
    }

    @Test
    void throwingCallbackDoesNotStopTheOthers() {
        Event event = Event.cpu();
        List<String> ran = new ArrayList<>();
        event.onComplete(e -> ran.add("first"));
        event.onComplete(e -> {
            throw new IllegalStateException("callback bug");
        });
        event.onComplete(e -> ran.add("third"));
        event.setFinished();
        assertThat(ran).containsExactly("first", "third");
        assertThat(event.query()).isEqualTo(EventStatus.SUCCESS);
    }

    @Test
    void callbackSeesTerminalStatusAndCanUseTheEvent() {
        Event event = Event.cpu();
        List<Object> seen = new ArrayList<>();
        event.onComplete(e -> {
            seen.add(e.query());
            seen.add(e.errorMessage().orElse(""));
            e.onComplete(inner -> seen.add("nested")); // registering from a callback runs at once: no lock held
        });
        event.setFinished("why");
        assertThat(seen).containsExactly(EventStatus.FAILED, "why", "nested");
        assertThat(event.supportsCallback()).isTrue();
    }

    @Test
    void awaitBlocksUntilFinishedOnAVirtualThread() throws Exception {
        Event event = Event.cpu();
        event.record();
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<EventStatus> after = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                waiting.countDown();
                event.await();
                after.set(event.query());
            } catch (InterruptedException e) {
                after.set(null);
            }
        });
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(event.await(Duration.ofMillis(1))).isFalse();
        event.setFinished();
        assertThat(waiter.join(LONG)).isTrue();
        assertThat(after.get()).isEqualTo(EventStatus.SUCCESS);
        assertThat(event.await(Duration.ZERO)).isTrue();
    }

    @Test
    void manyVirtualThreadsAwaitWithoutPinningTheirCarriers() throws Exception {
        // JFR reports a virtual thread that parks while pinned to its carrier; none may do so in await or callbacks.
        // (The check can fail: a virtual thread parking inside a class initializer, which still pins on JDK 25,
        // produces one such event with this same recording set-up.)
        try (var recording = new jdk.jfr.Recording()) {
            recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO);
            recording.start();
            Event gate = Event.cpu();
            gate.record();
            CountDownLatch parked = new CountDownLatch(1000);
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                waiters.add(Thread.ofVirtual().start(() -> {
                    parked.countDown();
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            assertThat(parked.await(10, TimeUnit.SECONDS)).isTrue();
            gate.setFinished();
            for (Thread t : waiters) {
                assertThat(t.join(LONG)).as("waiter %s woke", t).isTrue();
            }
            recording.stop();
            java.nio.file.Path file = java.nio.file.Files.createTempFile("weft-pinned", ".jfr");
            try {
                recording.dump(file);
                assertThat(jdk.jfr.consumer.RecordingFile.readAllEvents(file))
                        .as("jdk.VirtualThreadPinned events").isEmpty();
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
        }
    }

    @Test
    void awaitIsInterruptible() throws Exception {
        Event event = Event.cpu();
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            started.countDown();
            try {
                event.await();
            } catch (InterruptedException e) {
                thrown.set(e);
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        waiter.interrupt();
        assertThat(waiter.join(LONG)).isTrue();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        // the interrupted waiter left no callback behind: completing runs nothing of it and is fine
        event.setFinished();
    }

    @Test
    void timedAwaitThatTimesOutLeavesNothingBehind() throws Exception {
        Event event = Event.cpu();
        for (int i = 0; i < 1000; i++) {
            assertThat(event.await(Duration.ofNanos(1))).isFalse();
        }
        // each timed-out waiter removed itself: the state is the bare INITIALIZED node again
        assertThat(((HostEvent) event.backendState()).snapshot()).isSameAs(HostEvent.INITIALIZED);
    }

    @Test
    void awaitSurvivesResetFromInitialized() throws Exception {
        Event event = Event.cpu();
        CountDownLatch started = new CountDownLatch(1);
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                started.countDown();
                event.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        // the waiter may or may not have registered yet; either way a reset must not lose its wake-up
        event.reset();
        event.record();
        event.setFinished();
        assertThat(waiter.join(LONG)).as("waiter woke up").isTrue();
    }

    @Test
    void completableFutureView() throws Exception {
        Event ok = Event.cpu();
        var f = ok.toCompletableFuture();
        assertThat(f).isNotDone();
        ok.setFinished();
        assertThat(f.get(10, TimeUnit.SECONDS)).isSameAs(ok);

        Event bad = Event.cpu(EventOptions.named("b"));
        var g = bad.toCompletableFuture();
        bad.setFinished(new IOException("io"));
        assertThatThrownBy(() -> g.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(EventFailedException.class).hasMessage("event 'b' failed: java.io.IOException: io")
                .cause().isInstanceOf(IOException.class);

        Event pending = Event.cpu();
        var h = pending.toCompletableFuture();
        h.cancel(true); // cancelling the view leaves the event alone
        assertThat(pending.query()).isEqualTo(EventStatus.INITIALIZED);
        pending.record();
        pending.setFinished();
        assertThat(h).isCancelled();
        assertThatThrownBy(h::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void canScheduleFollowsCaffe2() {
        Event parent = Event.cpu();
        DeviceType cuda = DeviceType.CUDA;
        assertThat(Event.canSchedule(parent, DeviceType.CPU, true)).isFalse(); // INITIALIZED
        parent.record();
        assertThat(Event.canSchedule(parent, DeviceType.CPU, true)).isTrue();   // same device, async
        assertThat(Event.canSchedule(parent, DeviceType.CPU, false)).isFalse(); // same device, sync
        assertThat(Event.canSchedule(parent, cuda, true)).isFalse();            // other device
        parent.setFinished();
        assertThat(Event.canSchedule(parent, cuda, false)).isTrue();            // SUCCESS
        Event failed = Event.cpu();
        failed.setFinished("x");
        assertThat(Event.canSchedule(failed, DeviceType.CPU, true)).isFalse();
    }

    @Test
    void badArgumentsAreNamed() {
        Event event = Event.cpu();
        assertThatThrownBy(() -> event.setFinished((String) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("use setFinished() for success");
        assertThatThrownBy(() -> event.record((String) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("use record() when there is no error");
        assertThatThrownBy(() -> event.onComplete(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("callback");
        assertThatThrownBy(() -> EventOptions.named("x").withDeviceId(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("event deviceId must be >= 0, got -1 for event 'x'");
        assertThatThrownBy(() -> DeviceType.of("my gpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("my gpu");
        assertThat(event.toString()).startsWith("Event[CPU@").endsWith(", CPU, INITIALIZED]");
    }
}
