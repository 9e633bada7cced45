package dev.weft.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.event.DeviceType;
import dev.weft.event.Event;
import dev.weft.event.EventOptions;
import dev.weft.event.EventStatus;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CUDA events on a real GPU: {@code ./weft test-gpu} runs only these. Without a device every test is skipped by an
 * assumption whose message is {@link Cuda#unavailableReason()}, which {@code ./weft test-gpu} prints.
 */
@Tag("gpu")
class CudaGpuTest {
    static final long GIB = 1L << 30;

    @BeforeAll
    static void describe() {
        System.out.println(Cuda.unavailableReason().map(r -> "CudaGpuTest: every test skips: " + r)
                .orElseGet(() -> "CUDA devices: " + Cuda.deviceCount() + ", runtime "
                        + Cuda.runtimeVersion().orElse(-1) + ", driver " + Cuda.driverVersion().orElse(-1)));
    }

    /** Per test rather than in {@code @BeforeAll}, so that Surefire reports each test as skipped, with the reason. */
    @BeforeEach
    void needsADevice() {
        assumeTrue(Cuda.isAvailable(), () -> Cuda.unavailableReason().orElse("?"));
    }

    private static byte firstByte(CudaBuffer b, CudaStream s, long bytes) throws InterruptedException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(bytes);
            b.copyToHostAsync(s, host);
            s.synchronize();
            byte v = host.get(ValueLayout.JAVA_BYTE, 0);
            for (long i = 0; i < bytes; i++) {
                assertThat(host.get(ValueLayout.JAVA_BYTE, i)).as("byte %d", i).isEqualTo(v);
            }
            return v;
        }
    }

    @ParameterizedTest
    @EnumSource(CudaCompletion.class)
    void recordQuerySynchronizeAroundAOneGibMemset(CudaCompletion c) throws Exception {
        try (CudaStream s = CudaStream.create(CudaStream.NON_BLOCKING); CudaBuffer b = CudaBuffer.allocate(0, GIB)) {
            Event start = CudaEvents.create(s, CudaEvents.DEFAULT, c);
            Event end = CudaEvents.create(s, CudaEvents.DEFAULT, c);
            start.record();
            b.memsetAsync(s, 0x5a);
            end.record();
            EventStatus early = end.query();
            assertThat(early).isIn(EventStatus.SCHEDULED, EventStatus.SUCCESS);
            long t0 = System.nanoTime();
            assertThat(end.await(Duration.ofSeconds(30))).isTrue();
            long waitedNanos = System.nanoTime() - t0;
            assertThat(end.query()).isEqualTo(EventStatus.SUCCESS);
            Duration gpu = CudaEvents.elapsed(start, end);
            System.out.printf("%s: 1 GiB memset: first query %s, GPU time %.3f ms, Java waited %.3f ms%n", c, early,
                    gpu.toNanos() / 1e6, waitedNanos / 1e6);
            assertThat(gpu).isPositive();
            assertThat(firstByte(b, s, 4096)).isEqualTo((byte) 0x5a);
            CudaEvents.close(start);
            CudaEvents.close(end);
        }
    }

    @Test
    void streamWaitsEventOrdersTwoStreams() throws Exception {
        try (CudaStream producer = CudaStream.create(CudaStream.NON_BLOCKING);
             CudaStream consumer = CudaStream.create(CudaStream.NON_BLOCKING);
             CudaBuffer b = CudaBuffer.allocate(0, GIB)) {
            b.memsetAsync(producer, 0);
            producer.synchronize();
            Event filled = CudaEvents.create(producer, CudaEvents.DISABLE_TIMING, EventOptions.named("filled"));
            Event read = CudaEvents.create(consumer, CudaEvents.DISABLE_TIMING, EventOptions.named("read"));
            b.memsetAsync(producer, 7);            // a full GiB: long enough that an unordered copy would see 0s
            filled.record();
            read.waitOn(filled);                   // cudaStreamWaitEvent(consumer, filled)
            try (Arena a = Arena.ofConfined()) {
                MemorySegment host = a.allocate(4096);
                b.copyToHostAsync(consumer, host);
                read.record();
                read.await();
                assertThat(host.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 7);
                assertThat(host.get(ValueLayout.JAVA_BYTE, 4095)).isEqualTo((byte) 7);
            }
            assertThat(filled.query()).isEqualTo(EventStatus.SUCCESS);
        }
    }

    @Test
    void cpuWaitsCuda() throws Exception {
        try (CudaStream s = CudaStream.create(); CudaBuffer b = CudaBuffer.allocate(0, GIB)) {
            Event e = CudaEvents.create(s, CudaEvents.DISABLE_TIMING);
            b.memsetAsync(s, 1);
            e.record();
            CompletableFuture<EventStatus> seen = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    Event.wait(DeviceType.CPU, e);
                    seen.complete(e.query());
                } catch (Throwable t) {
                    seen.completeExceptionally(t);
                }
            });
            assertThat(seen.get(30, TimeUnit.SECONDS)).isEqualTo(EventStatus.SUCCESS);
        }
    }

    @Test
    void cudaWaitsCpuHoldsTheStream() throws Exception {
        try (CudaStream s = CudaStream.create(CudaStream.NON_BLOCKING); CudaBuffer b = CudaBuffer.allocate(0, 1 << 20)) {
            Event upload = Event.cpu(EventOptions.named("upload"));
            Event after = CudaEvents.create(s, CudaEvents.DISABLE_TIMING, EventOptions.named("after"));
            after.waitOn(upload);                  // a host function holds s until upload finishes
            b.memsetAsync(s, 3);
            after.record();
            Quiet.gracePeriod(Duration.ofMillis(300)); // the held stream must not let "after" finish meanwhile
            assertThat(after.query()).isEqualTo(EventStatus.SCHEDULED);
            upload.setFinished();
            assertThat(after.await(Duration.ofSeconds(30))).isTrue();
            assertThat(after.query()).isEqualTo(EventStatus.SUCCESS);
            assertThat(firstByte(b, s, 4096)).isEqualTo((byte) 3);
        }
    }

    @ParameterizedTest
    @EnumSource(CudaCompletion.class)
    void hostFunctionCallbacksRunExactlyOnce(CudaCompletion c) throws Exception {
        int n = 1000;
        ConcurrentHashMap<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        java.util.concurrent.CountDownLatch allRan = new java.util.concurrent.CountDownLatch(n);
        List<Event> events = new ArrayList<>();
        try (CudaStream s = CudaStream.create(CudaStream.NON_BLOCKING); CudaBuffer b = CudaBuffer.allocate(0, 1 << 20)) {
            for (int i = 0; i < n; i++) {
                int id = i;
                Event e = CudaEvents.create(s, CudaEvents.DISABLE_TIMING, c);
                runs.put(id, new AtomicInteger());
                e.onComplete(ev -> {
                    runs.get(id).incrementAndGet();
                    allRan.countDown();
                });
                b.memsetAsync(s, i & 0xff);
                e.record();
                events.add(e);
            }
            for (Event e : events) {
                assertThat(e.await(Duration.ofSeconds(30))).isTrue();
            }
            assertThat(allRan.await(30, TimeUnit.SECONDS)).as("every callback ran").isTrue();
            Quiet.gracePeriod(Duration.ofMillis(100)); // room for a second, wrong, run of any callback
            assertThat(runs.values()).allSatisfy(a -> assertThat(a).hasValue(1));
            events.forEach(CudaEvents::close);
        }
    }

    @Test
    void tenThousandEventsCreatedAndDestroyedLeaveNoGrowth() throws Exception {
        CudaRuntime rt = Cuda.runtime();
        try (CudaStream s = CudaStream.create()) {
            churn(s, 2_000); // warm up: CUDA's event pools, JIT, the host-function table
            s.synchronize();
            long deviceFreeBefore = rt.memInfo()[0];
            long rssBefore = rssBytes();
            churn(s, 10_000);
            s.synchronize();
            System.gc();
            long deviceFreeAfter = rt.memInfo()[0];
            long rssAfter = rssBytes();
            System.out.printf("10,000 events: device free %d -> %d bytes, RSS %d -> %d KiB, host functions pending %d%n",
                    deviceFreeBefore, deviceFreeAfter, rssBefore >> 10, rssAfter >> 10, HostFunctions.pending());
            assertThat(deviceFreeBefore - deviceFreeAfter).isLessThanOrEqualTo(2L << 20);
            assertThat(rssAfter - rssBefore).isLessThanOrEqualTo(64L << 20);
        }
    }

    private static void churn(CudaStream s, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            Event e = CudaEvents.create(s, CudaEvents.DISABLE_TIMING);
            e.record();
            e.await();
            CudaEvents.close(e);
        }
    }

    private static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return -1;
    }
}
