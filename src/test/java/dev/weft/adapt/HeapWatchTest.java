package dev.weft.adapt;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class HeapWatchTest {
    private static final int MIB = 1024 * 1024;

    /** Keeps allocations reachable until read, so that they are not optimised away. */
    private static volatile long sink;

    /** A listener that waits for the next {@code System.gc()} collection received after it was made. */
    private static final class NextSystemGc implements Consumer<GcSample> {
        private final long since = System.nanoTime();
        private final CountDownLatch seen = new CountDownLatch(1);
        private final AtomicReference<GcSample> sample = new AtomicReference<>();

        @Override
        public void accept(GcSample gc) {
            if (gc.cause().equals("System.gc()") && gc.nanoTime() > since && sample.compareAndSet(null, gc)) {
                seen.countDown();
            }
        }

        /** Runs {@code System.gc()} and waits (at most 10 s) for its sample. */
        GcSample gcAndAwait() throws InterruptedException {
            System.gc();
            assertThat(seen.await(10, SECONDS)).as("a System.gc() notification within 10 s").isTrue();
            return sample.get();
        }
    }

    private static void allocate(int mebibytes) {
        long sum = 0;
        for (int i = 0; i < mebibytes; i++) {
            byte[] chunk = new byte[MIB];
            chunk[i % MIB] = 1;
            sum += chunk[i % MIB] + chunk.length;
        }
        sink = sum;
    }

    @Test
    void eachCollectionBecomesASample() throws InterruptedException {
        try (HeapWatch watch = HeapWatch.start()) {
            NextSystemGc next = new NextSystemGc();
            watch.addListener(next);
            allocate(32);

            GcSample gc = next.gcAndAwait();

            assertThat(gc.collector()).isNotBlank();
            assertThat(gc.heapAfter()).isPositive();
            assertThat(gc.heapBefore()).isPositive();
            assertThat(gc.oldGenAfter()).isBetween(0L, gc.heapAfter());
            assertThat(gc.youngLiveAfter()).isBetween(0L, gc.heapAfter());
            assertThat(watch.collections()).isGreaterThanOrEqualTo(1);
            assertThat(watch.peakHeapAfterGc()).isGreaterThanOrEqualTo(gc.heapAfter());
            assertThat(watch.lastHeapAfterGc()).isPresent();
            assertThat(watch.toString()).contains("collections");
        }
    }

    @Test
    void allocatedBytesGrowsWithAllocation() {
        try (HeapWatch watch = HeapWatch.start()) {
            long before = watch.allocatedBytes();
            allocate(16);
            long after = watch.allocatedBytes();

            assertThat(before).as("HotSpot measures allocation").isNotEqualTo(-1);
            assertThat(after - before).isGreaterThanOrEqualTo(16L * MIB);
        }
    }

    @Test
    void allocationOnVirtualThreadsCountsInTheTotal() throws InterruptedException {
        try (HeapWatch watch = HeapWatch.start()) {
            long before = watch.allocatedBytes();
            Thread.ofVirtual().start(() -> allocate(16)).join();
            long after = watch.allocatedBytes();

            assertThat(after - before).isGreaterThanOrEqualTo(16L * MIB);
        }
    }

    @Test
    void aThrowingListenerDoesNotKeepOthersFromTheirSamples() throws InterruptedException {
        try (HeapWatch watch = HeapWatch.start()) {
            AtomicInteger thrown = new AtomicInteger();
            watch.addListener(gc -> {
                thrown.incrementAndGet();
                throw new IllegalStateException("a broken listener (expected in this test)");
            });
            NextSystemGc next = new NextSystemGc();
            watch.addListener(next);

            assertThat(next.gcAndAwait()).isNotNull();
            assertThat(thrown).hasPositiveValue();
        }
    }

    @Test
    void aRemovedListenerGetsNoMoreSamples() throws InterruptedException {
        try (HeapWatch watch = HeapWatch.start()) {
            AtomicInteger removedCalls = new AtomicInteger();
            Consumer<GcSample> removed = gc -> removedCalls.incrementAndGet();
            watch.addListener(removed);
            watch.removeListener(removed);
            NextSystemGc next = new NextSystemGc();
            watch.addListener(next);

            next.gcAndAwait();

            assertThat(removedCalls).hasValue(0);
        }
    }

    @Test
    void aClosedWatchCountsNoMore() throws InterruptedException {
        try (HeapWatch open = HeapWatch.start()) {
            HeapWatch closing = HeapWatch.start();
            NextSystemGc first = new NextSystemGc();
            closing.addListener(first);
            first.gcAndAwait();
            AtomicInteger afterClose = new AtomicInteger();

            closing.close();
            closing.close();
            long counted = closing.collections();
            closing.addListener(gc -> afterClose.incrementAndGet());
            // Notifications are delivered one at a time, to every listener of a notification before the next: once
            // the open watch has this collection's sample, the closed one would have had it too.
            NextSystemGc next = new NextSystemGc();
            open.addListener(next);
            next.gcAndAwait();

            assertThat(counted).isGreaterThanOrEqualTo(1);
            assertThat(closing.collections()).isEqualTo(counted);
            assertThat(afterClose).hasValue(0);
            assertThat(open.collections()).isGreaterThanOrEqualTo(1);
            assertThat(closing.toString()).contains("closed");
        }
    }
}
