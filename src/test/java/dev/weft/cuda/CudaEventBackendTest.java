package dev.weft.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.event.DeviceType;
import dev.weft.event.Event;
import dev.weft.event.EventFailedException;
import dev.weft.event.EventOptions;
import dev.weft.event.EventRegistry;
import dev.weft.event.EventStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CUDA event backend's state machine, completion, callbacks, waits and handle lifecycle, over
 * {@link FakeCudaRuntime}: everything that needs no GPU.
 */
class CudaEventBackendTest {
    private final FakeCudaRuntime fake = new FakeCudaRuntime();
    private final EventRegistry registry = new EventRegistry().register(new CudaEventBackend(() -> fake, () -> 2));
    private final CudaStream s0 = CudaStream.create(fake, 2, 0, CudaStream.DEFAULT);

    private Event event(CudaStream s, int flags, CudaCompletion c, String name) {
        return CudaEvents.create(registry, s, flags, c, EventOptions.named(name).withDeviceId(s.deviceId()));
    }

    private Event event(CudaCompletion c) {
        return event(s0, CudaEvents.DISABLE_TIMING, c, "e");
    }

    private long addr(CudaStream s) {
        return s.address();
    }

    @Test
    void createUsesTheOptionsDeviceAndCaffe2FlagsByDefault() {
        Event e = registry.create(DeviceType.CUDA, EventOptions.named("d1").withDeviceId(1));
        assertThat(e.query()).isEqualTo(EventStatus.INITIALIZED);
        assertThat(e.supportsCallback()).isTrue();
        assertThat(fake.calls).containsSubsequence("setDevice(1)", "eventCreate(2) on device 1", "setDevice(0)");
        assertThat(CudaEvents.stream(e).isDefaultStream()).isTrue();
        assertThat(CudaEvents.completion(e)).isEqualTo(CudaCompletion.HOST_FUNCTION);
        assertThatThrownBy(() -> registry.create(DeviceType.CUDA, EventOptions.named("d5").withDeviceId(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CUDA device 5 does not exist")
                .hasMessageContaining("has 2");
        assertThatThrownBy(() -> event(s0, 8, null, "bad"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown CUDA event flags 0x8");
        CudaStream s1 = CudaStream.create(fake, 2, 1, CudaStream.NON_BLOCKING);
        assertThatThrownBy(() -> CudaEvents.create(registry, s1, 0, null, EventOptions.named("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is on device 1");
    }

    @Test
    void theProcessDefaultCompletionComesFromASystemProperty() {
        String old = System.getProperty(CudaCompletion.PROPERTY);
        try {
            System.setProperty(CudaCompletion.PROPERTY, "polling");
            assertThat(CudaCompletion.processDefault()).isEqualTo(CudaCompletion.POLLING);
            assertThat(CudaEvents.completion(registry.create(DeviceType.CUDA, EventOptions.defaults())))
                    .isEqualTo(CudaCompletion.POLLING);
            System.setProperty(CudaCompletion.PROPERTY, "sometimes");
            assertThatThrownBy(() -> registry.create(DeviceType.CUDA, EventOptions.defaults()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("-Dweft.cuda.completion=sometimes is neither host_function nor polling");
        } finally {
            if (old == null) {
                System.clearProperty(CudaCompletion.PROPERTY);
            } else {
                System.setProperty(CudaCompletion.PROPERTY, old);
            }
        }
        assertThat(CudaCompletion.processDefault()).isEqualTo(CudaCompletion.HOST_FUNCTION);
    }

    @ParameterizedTest
    @EnumSource(CudaCompletion.class)
    void recordQueryMapsCudaCodes(CudaCompletion c) throws Exception {
        Event e = event(c);
        e.record();
        assertThat(e.query()).isEqualTo(EventStatus.SCHEDULED);     // cudaErrorNotReady
        assertThat(e.errorMessage()).isEmpty();
        fake.drainNow(addr(s0));
        assertThat(e.query()).isEqualTo(EventStatus.SUCCESS);       // cudaSuccess
        assertThat(CudaEvents.recordedOn(e)).containsSame(s0);

        fake.failStream.put(addr(s0), 700);
        Event bad = event(c);
        bad.record();
        fake.drainNow(addr(s0));
        assertThat(bad.query()).isEqualTo(EventStatus.FAILED);      // any other code
        assertThat(bad.errorMessage()).hasValueSatisfying(m -> assertThat(m)
                .contains("'e'", "cudaEventQuery returned 700 cudaErrorIllegalAddress",
                        "an illegal memory access was encountered"));
        assertThatThrownBy(bad::rethrow).isInstanceOf(EventFailedException.class)
                .hasMessageContaining("cudaErrorIllegalAddress");
        assertThat(fake.useAfterDestroy).hasValue(0);
    }

    @Test
    void recordOnlyFromInitializedAndSetFinishedOnlyFromInitialized() throws Exception {
        Event e = event(CudaCompletion.HOST_FUNCTION);
        e.record();
        assertThatThrownBy(e::record).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("record on CUDA event 'e', which is SCHEDULED");
        assertThatThrownBy(e::setFinished).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setFinished on CUDA event 'e', which is SCHEDULED")
                .hasMessageContaining("never both");
        assertThatThrownBy(e::reset).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("while its GPU work is pending");
        fake.drainNow(addr(s0));
        e.await();
        assertThatThrownBy(e::record).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("which is SUCCESS");
        e.reset();                                                   // finished by the GPU: reset is fine
        assertThat(e.query()).isEqualTo(EventStatus.INITIALIZED);
        e.record();                                                  // the same native event, recorded again
        fake.drainNow(addr(s0));
        assertThat(e.query()).isEqualTo(EventStatus.SUCCESS);
        assertThat(fake.eventCreates).hasValue(1);

        Event f = event(CudaCompletion.HOST_FUNCTION);
        f.setFinished("no kernel today");                            // from INITIALIZED, no CUDA call
        assertThat(f.errorMessage()).contains("no kernel today");
        assertThatThrownBy(f::record).isInstanceOf(IllegalStateException.class).hasMessageContaining("FAILED");
        assertThatThrownBy(() -> f.setFinished("again")).isInstanceOf(IllegalStateException.class);
        Event g = event(CudaCompletion.HOST_FUNCTION);
        g.record("launch failed");                                   // record(error): FAILED, no cudaEventRecord
        assertThat(g.query()).isEqualTo(EventStatus.FAILED);
        IllegalArgumentException cause = new IllegalArgumentException("bad shape");
        Event h = event(CudaCompletion.HOST_FUNCTION);
        h.setFinished(cause);
        assertThat(h.exception()).containsSame(cause);
        assertThat(h.exceptionTime()).isPresent();
    }

    @ParameterizedTest
    @EnumSource(CudaCompletion.class)
    void awaitParksUntilTheGpuIsDoneWithoutNativeBlocking(CudaCompletion c) throws Exception {
        Event e = event(c);
        e.record();
        CompletableFuture<EventStatus> waited = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                waited.complete(e.finish());
            } catch (Throwable t) {
                waited.completeExceptionally(t);
            }
        });
        assertThat(e.await(Duration.ofMillis(50))).isFalse();       // timed out: the GPU is not done
        Quiet.gracePeriod(Duration.ofMillis(20));
        assertThat(waited).isNotDone();
        int before = fake.queries.get();
        fake.drainNow(addr(s0));
        assertThat(waited.get(10, TimeUnit.SECONDS)).isEqualTo(EventStatus.SUCCESS);
        if (c == CudaCompletion.HOST_FUNCTION) {
            // The host function woke the waiter: it asked the GPU only to confirm.
            assertThat(fake.queries.get() - before).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void awaitOnAnUnrecordedEventWaitsForTheRecordAsInCaffe2() throws Exception {
        Event e = event(CudaCompletion.HOST_FUNCTION);
        CompletableFuture<Void> waited = CompletableFuture.runAsync(() -> {
            try {
                e.await();
            } catch (InterruptedException ex) {
                throw new AssertionError(ex);
            }
        }, r -> Thread.ofVirtual().start(r));
        Quiet.gracePeriod(Duration.ofMillis(50));
        assertThat(waited).isNotDone();
        e.record();
        fake.drainNow(addr(s0));
        waited.get(10, TimeUnit.SECONDS);
        assertThat(e.query()).isEqualTo(EventStatus.SUCCESS);
    }

    @Test
    void awaitWithATimeoutTooLongForNanosecondsSaturates() throws Exception { // issue 12, item 5
        Event e = event(CudaCompletion.HOST_FUNCTION);
        e.record();
        fake.drainNow(addr(s0));
        assertThat(e.await(Duration.ofSeconds(Long.MAX_VALUE))).isTrue();
        Event unrecorded = event(CudaCompletion.HOST_FUNCTION);
        unrecorded.setFinished();
        assertThat(unrecorded.await(Duration.ofSeconds(Long.MAX_VALUE))).isTrue();
    }

    @Test
    void aFailedHostFunctionLaunchFallsBackToPolling() throws Exception {
        fake.launchFails = true;
        Event e = event(CudaCompletion.HOST_FUNCTION);
        e.record();
        fake.drainNow(addr(s0));
        assertThat(e.await(Duration.ofSeconds(10))).isTrue();
        assertThat(e.query()).isEqualTo(EventStatus.SUCCESS);
    }

    @ParameterizedTest
    @EnumSource(CudaCompletion.class)
    void callbacksRunExactlyOnceWithoutAnyoneQuerying(CudaCompletion c) throws Exception {
        Event e = event(c);
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch ran = new CountDownLatch(2);
        List<Thread> threads = new CopyOnWriteArrayList<>();
        e.onComplete(ev -> {
            runs.incrementAndGet();
            threads.add(Thread.currentThread());
            ran.countDown();
        });
        CompletableFuture<Event> future = e.toCompletableFuture();
        e.record();
        e.onComplete(ev -> ran.countDown());                         // registered while SCHEDULED
        fake.drainNow(addr(s0));
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(future.get(10, TimeUnit.SECONDS)).isSameAs(e);
        e.query();
        e.await();
        assertThat(runs).hasValue(1);
        // Never on CUDA's callback thread, where CUDA calls are forbidden.
        assertThat(threads).noneMatch(t -> t.getName().equals("fake-cuda-callback-thread"));
        AtomicInteger late = new AtomicInteger();
        e.onComplete(ev -> late.incrementAndGet());                  // finished: runs at once, here
        assertThat(late).hasValue(1);
    }

    @Test
    void aFailedRecordingCompletesTheFutureExceptionally() throws Exception {
        fake.failStream.put(addr(s0), 700);
        Event e = event(CudaCompletion.HOST_FUNCTION);
        CompletableFuture<Event> f = e.toCompletableFuture();
        e.record();
        fake.drainNow(addr(s0));
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(EventFailedException.class).hasMessageContaining("cudaErrorIllegalAddress");
    }

    @Test
    void cudaWaitsCudaOnAnotherStreamWithStreamWaitEvent() throws Exception {
        CudaStream s1 = CudaStream.create(fake, 2, 0, CudaStream.NON_BLOCKING);
        Event producer = event(s0, CudaEvents.DISABLE_TIMING, null, "producer");
        Event consumer = event(s1, CudaEvents.DISABLE_TIMING, null, "consumer");
        Event sameStream = event(s0, CudaEvents.DISABLE_TIMING, null, "same");
        producer.record();
        consumer.waitOn(producer);
        String wait = "streamWaitEvent(" + addr(s1) + ", " + CudaEventBackend.state(producer).handle.address() + ")";
        assertThat(fake.calls).contains(wait);
        int before = fake.calls.size();
        sameStream.waitOn(producer);                                 // same stream: CUDA orders it already
        fake.drainNow(addr(s0));
        producer.await();
        consumer.waitOn(producer);                                   // finished: nothing to wait for
        assertThat(fake.calls.subList(before, fake.calls.size())).noneMatch(s -> s.startsWith("streamWaitEvent"));
        Event.wait(DeviceType.CUDA, producer);                       // plain CUDA code: default stream, finished
    }

    @Test
    void aCudaWaitOnAnUnrecordedEventWaitsForItsRecord() throws Exception {
        CudaStream s1 = CudaStream.create(fake, 2, 0, CudaStream.NON_BLOCKING);
        Event producer = event(s0, CudaEvents.DISABLE_TIMING, null, "producer");
        Event consumer = event(s1, CudaEvents.DISABLE_TIMING, null, "consumer");
        CompletableFuture<Void> waited = CompletableFuture.runAsync(() -> {
            try {
                consumer.waitOn(producer);
            } catch (InterruptedException ex) {
                throw new AssertionError(ex);
            }
        }, r -> Thread.ofVirtual().start(r));
        Quiet.gracePeriod(Duration.ofMillis(50));
        assertThat(waited).isNotDone();
        producer.record();
        waited.get(10, TimeUnit.SECONDS);
        assertThat(fake.calls).anyMatch(s -> s.startsWith("streamWaitEvent(" + addr(s1)));
    }

    @Test
    void cpuWaitsCudaBlocksUntilTheGpuIsDone() throws Exception {
        Event gpu = event(CudaCompletion.POLLING);
        gpu.record();
        Event cpu = registry.create(DeviceType.CPU, EventOptions.named("host"));
        CompletableFuture<Void> waited = CompletableFuture.runAsync(() -> {
            try {
                cpu.waitOn(gpu);
            } catch (InterruptedException ex) {
                throw new AssertionError(ex);
            }
        }, r -> Thread.ofVirtual().start(r));
        Quiet.gracePeriod(Duration.ofMillis(50));
        assertThat(waited).isNotDone();
        fake.drainNow(addr(s0));
        waited.get(10, TimeUnit.SECONDS);
        assertThat(gpu.query()).isEqualTo(EventStatus.SUCCESS);
    }

    @Test
    void cudaWaitsCpuHoldsTheStreamUntilTheCpuEventFinishes() throws Exception {
        Event cpu = registry.create(DeviceType.CPU, EventOptions.named("upload"));
        Event gpu = event(s0, CudaEvents.DISABLE_TIMING, CudaCompletion.POLLING, "after-upload");
        gpu.waitOn(cpu);                                             // a host function on s0 that blocks on cpu
        gpu.record();                                                // behind it on s0
        var draining = fake.drain(addr(s0));
        Quiet.gracePeriod(Duration.ofMillis(100));
        assertThat(draining).isNotDone();                            // the stream is held
        assertThat(gpu.query()).isEqualTo(EventStatus.SCHEDULED);
        cpu.setFinished();
        draining.get(10, TimeUnit.SECONDS);
        assertThat(gpu.await(Duration.ofSeconds(10))).isTrue();
        assertThat(gpu.query()).isEqualTo(EventStatus.SUCCESS);

        Event done = registry.create(DeviceType.CPU, EventOptions.named("done"));
        done.setFinished();
        Event gpu2 = event(s0, CudaEvents.DISABLE_TIMING, CudaCompletion.POLLING, "g2");
        gpu2.waitOn(done);                                           // finished already: nothing enqueued
        assertThat(fake.queued(addr(s0))).isZero();
    }

    @Test
    void elapsedNeedsTimingAndTwoRecordedFinishedEvents() throws Exception {
        Event start = event(s0, CudaEvents.DEFAULT, null, "start");
        Event end = event(s0, CudaEvents.DEFAULT, null, "end");
        Event untimed = event(CudaCompletion.HOST_FUNCTION);
        start.record();
        end.record();
        assertThatThrownBy(() -> CudaEvents.elapsed(start, end)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'start' is SCHEDULED").hasMessageContaining("await both");
        fake.drainNow(addr(s0));
        end.await();
        assertThat(CudaEvents.elapsed(start, end)).isEqualTo(Duration.ofNanos(1_500_000));
        assertThatThrownBy(() -> CudaEvents.elapsed(start, untimed)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DISABLE_TIMING");
        Event setByHand = event(s0, CudaEvents.DEFAULT, null, "hand");
        setByHand.setFinished();
        assertThatThrownBy(() -> CudaEvents.elapsed(start, setByHand)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("by setFinished");
        assertThatThrownBy(() -> CudaEvents.elapsed(start, Event.cpu()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a CUDA event");
    }

    @Test
    void closeReleasesExactlyOnceAndWakesWaiters() throws Exception {
        Event e = event(CudaCompletion.HOST_FUNCTION);
        long handle = CudaEventBackend.state(e).handle.address();
        e.record();
        CompletableFuture<Event> f = e.toCompletableFuture();
        CudaEvents.close(e);
        CudaEvents.close(e);
        assertThat(fake.eventDestroys.get(handle)).hasValue(1);
        assertThat(CudaEvents.isClosed(e)).isTrue();
        assertThat(e.query()).isEqualTo(EventStatus.FAILED);         // no waiter can hang on it
        assertThat(e.errorMessage()).hasValueSatisfying(m -> assertThat(m).contains("closed while SCHEDULED"));
        assertThat(e.await(Duration.ofSeconds(1))).isTrue();
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(EventFailedException.class);
        assertThatThrownBy(e::reset).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        fake.drainNow(addr(s0));                                     // the late host function is harmless
        assertThat(fake.useAfterDestroy).hasValue(0);

        Event done = event(CudaCompletion.POLLING);
        done.record();
        fake.drainNow(addr(s0));
        done.await();
        CudaEvents.close(done);
        assertThat(done.query()).isEqualTo(EventStatus.SUCCESS);     // a finished event keeps its status
    }

    @Test
    void concurrentClosesReleaseOnce() throws Exception {
        for (int i = 0; i < 50; i++) {
            Event e = event(CudaCompletion.POLLING);
            long handle = CudaEventBackend.state(e).handle.address();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                ts.add(Thread.ofVirtual().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException ex) {
                        return;
                    }
                    CudaEvents.close(e);
                }));
            }
            go.countDown();
            for (Thread t : ts) {
                t.join();
            }
            assertThat(fake.eventDestroys.get(handle)).hasValue(1);
        }
    }

    @Test
    void droppedEventsAndStreamsAreReleasedOnceByTheCleaner() throws Exception {
        List<Long> events = new ArrayList<>();
        long stream = createAndDrop(events);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && !(events.stream().allMatch(h -> fake.eventDestroys.get(h).get() == 1)
                && fake.streamDestroys.get(stream).get() == 1)) {
            System.gc();
            // the Cleaner runs only after a collection finds the objects unreachable: nothing to wait on but time
            Quiet.gracePeriod(Duration.ofMillis(20));
        }
        assertThat(events).allSatisfy(h -> assertThat(fake.eventDestroys.get(h)).hasValue(1));
        assertThat(fake.streamDestroys.get(stream)).hasValue(1);
    }

    /** In its own frame, so that no local variable keeps the stream or an event reachable. */
    private long createAndDrop(List<Long> events) {
        CudaStream s = CudaStream.create(fake, 2, 0, CudaStream.DEFAULT);
        for (int i = 0; i < 20; i++) {
            Event e = event(s, CudaEvents.DISABLE_TIMING, CudaCompletion.POLLING, "dropped" + i);
            events.add(CudaEventBackend.state(e).handle.address());
        }
        return s.address();
    }

    @Test
    void streamsCloseOnceAndRefuseUseAfterClose() throws Exception {
        CudaStream s = CudaStream.create(fake, 2, 1, CudaStream.NON_BLOCKING);
        long a = s.address();
        assertThat(fake.calls).contains("streamCreate(1) on device 1");
        var sync = CompletableFuture.runAsync(() -> {
            try {
                s.synchronize();
            } catch (InterruptedException ex) {
                throw new AssertionError(ex);
            }
        }, r -> Thread.ofVirtual().start(r));
        fake.awaitQueued(a, 1);                                      // synchronize() launched its host function
        assertThat(sync).isNotDone();                                // and waits for it to run
        fake.drainNow(a);
        sync.get(10, TimeUnit.SECONDS);
        s.close();
        s.close();
        assertThat(fake.streamDestroys.get(a)).hasValue(1);
        assertThat(s.isClosed()).isTrue();
        assertThatThrownBy(() -> CudaEvents.create(registry, s, 0, null, EventOptions.named("late").withDeviceId(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
        assertThatThrownBy(() -> CudaStream.create(fake, 2, 0, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown CUDA stream flags");
    }

    @Test
    void manyThreadsQueryAwaitAndRegisterCallbacksWhileTheGpuFinishes() throws Exception {
        int n = 100;
        List<Event> events = new ArrayList<>();
        AtomicInteger callbackRuns = new AtomicInteger();
        CountDownLatch allCallbacks = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            Event e = event(i % 2 == 0 ? CudaCompletion.HOST_FUNCTION : CudaCompletion.POLLING);
            e.onComplete(ev -> {
                callbackRuns.incrementAndGet();
                allCallbacks.countDown();
            });
            events.add(e);
        }
        List<Thread> waiters = new ArrayList<>();
        AtomicInteger awaited = new AtomicInteger();
        for (int t = 0; t < 8; t++) {
            waiters.add(Thread.ofVirtual().start(() -> {
                for (Event e : events) {
                    try {
                        e.query();
                        e.await();
                        awaited.incrementAndGet();
                    } catch (InterruptedException ex) {
                        return;
                    }
                }
            }));
        }
        for (Event e : events) {
            e.record();
            if (events.indexOf(e) % 10 == 0) {
                fake.drain(addr(s0));
            }
        }
        fake.drainNow(addr(s0));
        for (Thread t : waiters) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(awaited).hasValue(8 * n);
        assertThat(allCallbacks.await(10, TimeUnit.SECONDS)).as("every callback ran").isTrue();
        Quiet.gracePeriod(Duration.ofMillis(50));                    // room for a second, wrong, run of any of them
        assertThat(callbackRuns).hasValue(n);                        // each exactly once
        assertThat(fake.useAfterDestroy).hasValue(0);
    }
}
