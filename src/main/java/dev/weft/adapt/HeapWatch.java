package dev.weft.adapt;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches this JVM's garbage collections and its allocation, to tell how much of the heap a run really keeps: each
 * collection the JVM reports (through its {@link GarbageCollectorMXBean}s' notifications) becomes a {@link GcSample},
 * counted here and passed to the {@linkplain #addListener(Consumer) listeners}.
 *
 * {@snippet :
 * try (HeapWatch watch = HeapWatch.start()) {
 *     watch.addListener(gc -> log.info("{} ({}): {} bytes after", gc.collector(), gc.cause(), gc.heapAfter()));
 *     run();
 *     long peak = watch.peakHeapAfterGc();
 * }                                          // stops watching
 * }
 *
 * <p><strong>Reading "heap after GC".</strong> Heap in use after a <em>young</em> collection still counts the old
 * generation whole, garbage not yet collected included (old garbage is freed only by old, mixed or full collections),
 * so {@link #peakHeapAfterGc()} and {@link GcSample#heapAfter()} over-estimate what is live: by a lot under G1 with a
 * large heap, whose old generation may go many young collections without a mixed one. The survivors after a young
 * collection ({@link GcSample#youngLiveAfter()}) are live young objects. After a full collection the heap in use is
 * close to the live set. Treat heap-after-GC as an upper bound on the live set, tight only after old collections.
 *
 * <p><strong>Allocation.</strong> {@link #allocatedBytes()} is the JVM's total allocation counter
 * ({@code com.sun.management.ThreadMXBean.getTotalThreadAllocatedBytes()}): bytes allocated by all threads since the
 * JVM started, virtual threads included (they allocate on their carrier's buffers). Only the total is usable with
 * virtual threads: the per-thread counters ({@code getThreadAllocatedBytes}, {@code getCurrentThreadAllocatedBytes})
 * return -1 for a virtual thread. Sample it twice and subtract for a rate.
 *
 * <p>Needs the {@code jdk.management} module (in every standard JDK; {@code requires static} in Weft's module, so a
 * trimmed runtime must include it): {@link #start()} refuses without it.
 *
 * <p>Thread safe. Listeners run on the JVM's notification thread (a platform thread), one sample at a time, outside
 * any lock of this watch; a listener that throws is logged and the others still run. A slow listener delays every
 * later notification in the JVM, so listeners should be quick and hand long work to a thread of their own.
 * {@link #close()} stops the counting at once; a listener may still receive a sample that was already being delivered.
 */
public final class HeapWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeapWatch.class);

    private final Set<String> heapPools;
    private final List<Consumer<? super GcSample>> listeners = new CopyOnWriteArrayList<>();
    private final NotificationListener onNotification = (notification, handback) -> received(notification);
    /** The emitters this watch listens to, so that close removes exactly these registrations; guarded by lock. */
    private final List<NotificationEmitter> emitters = new ArrayList<>();

    /** Guards the counters and {@link #closed}; held only to update or read them, never while a listener runs. */
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;
    private long collections;
    private long peakHeapAfterGc;
    /** -1 until the first collection. */
    private long lastHeapAfterGc = -1;

    private HeapWatch() {
        // The heap pools (Eden, Survivor, Old, ...) by name: a collection's usage maps name every pool, heap or not.
        heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName)
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Starts watching this JVM's collections (every collector that emits notifications, which on HotSpot is all).
     *
     * @throws UnsupportedOperationException if the {@code jdk.management} module is not in this runtime
     */
    public static HeapWatch start() {
        if (ModuleLayer.boot().findModule("jdk.management").isEmpty()) {
            throw new UnsupportedOperationException(
                    "heap watch needs the jdk.management module (GC notifications); add it to the runtime");
        }
        HeapWatch watch = new HeapWatch();
        watch.register();
        return watch;
    }

    private void register() {
        lock.lock();
        try {
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (collector instanceof NotificationEmitter emitter) {
                    // Adding a listener only stores it: nothing here waits on the notification thread.
                    emitter.addNotificationListener(onNotification, null, null);
                    emitters.add(emitter);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Calls {@code listener} with each later collection's sample, on the JVM's notification thread; see the class
     * comment. A listener added twice is called twice.
     *
     * @throws NullPointerException if {@code listener} is null
     */
    public void addListener(Consumer<? super GcSample> listener) {
        listeners.add(Objects.requireNonNull(listener, "heap watch listener"));
    }

    /** Stops calling {@code listener} (one registration of it, if added more than once); nothing if it is not one. */
    public void removeListener(Consumer<? super GcSample> listener) {
        listeners.remove(listener);
    }

    /** The most heap in use after any collection seen so far (see the class comment for what it counts); 0 before. */
    public long peakHeapAfterGc() {
        lock.lock();
        try {
            return peakHeapAfterGc;
        } finally {
            lock.unlock();
        }
    }

    /** Heap in use after the latest collection seen; empty before the first. */
    public OptionalLong lastHeapAfterGc() {
        lock.lock();
        try {
            return lastHeapAfterGc < 0 ? OptionalLong.empty() : OptionalLong.of(lastHeapAfterGc);
        } finally {
            lock.unlock();
        }
    }

    /** How many collections this watch has seen, from its start until it was closed. */
    public long collections() {
        lock.lock();
        try {
            return collections;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Bytes allocated on the heap by all threads since the JVM started (virtual threads included), read now; -1 where
     * the JVM does not measure allocation (or it was turned off). See the class comment for why only the total.
     */
    public long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
            return threads.getTotalThreadAllocatedBytes();
        }
        return -1;
    }

    /**
     * Stops watching: removes this watch's notification listeners; the counters keep their last values. Idempotent,
     * from any thread.
     */
    @Override
    public void close() {
        List<NotificationEmitter> registered;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            registered = List.copyOf(emitters);
        } finally {
            lock.unlock();
        }
        for (NotificationEmitter emitter : registered) {
            try {
                emitter.removeNotificationListener(onNotification);
            } catch (ListenerNotFoundException alreadyGone) {
                // Nothing else removes it; were it gone, there would be nothing left to do anyway.
            }
        }
    }

    /** Says how many collections it has seen, its peak and latest heap after GC, and whether it is closed. */
    @Override
    public String toString() {
        lock.lock();
        try {
            return "HeapWatch[" + collections + " collections, peak heap after GC " + peakHeapAfterGc
                    + " bytes, last " + (lastHeapAfterGc < 0 ? "none" : lastHeapAfterGc + " bytes")
                    + (closed ? ", closed" : "") + "]";
        } finally {
            lock.unlock();
        }
    }

    /** On the JVM's notification thread. */
    private void received(Notification notification) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())
                || !(notification.getUserData() instanceof CompositeData data)) {
            return;
        }
        GcSample sample = sample(GarbageCollectionNotificationInfo.from(data), System.nanoTime());
        lock.lock();
        try {
            if (closed) {
                return;
            }
            collections++;
            peakHeapAfterGc = Math.max(peakHeapAfterGc, sample.heapAfter());
            lastHeapAfterGc = sample.heapAfter();
        } finally {
            lock.unlock();
        }
        for (Consumer<? super GcSample> listener : listeners) {
            try {
                listener.accept(sample);
            } catch (RuntimeException e) {
                LOG.warn("heap watch listener {} failed on {}; the other listeners still run", listener, sample, e);
            }
        }
    }

    private GcSample sample(GarbageCollectionNotificationInfo info, long nanoTime) {
        GcInfo gc = info.getGcInfo();
        Map<String, MemoryUsage> after = gc.getMemoryUsageAfterGc();
        long oldGen = 0;
        long survivors = 0;
        for (Map.Entry<String, MemoryUsage> pool : after.entrySet()) {
            String name = pool.getKey();
            if (!heapPools.contains(name)) {
                continue;
            }
            if (name.contains("Old") || name.contains("Tenured")) {
                oldGen += pool.getValue().getUsed();
            } else if (name.contains("Survivor")) {
                survivors += pool.getValue().getUsed();
            }
        }
        return new GcSample(info.getGcName(), info.getGcCause(), heapUsed(after), heapUsed(gc.getMemoryUsageBeforeGc()),
                oldGen, survivors, nanoTime);
    }

    /** Heap in use in a usage map: the heap pools' {@code used}, summed. */
    private long heapUsed(Map<String, MemoryUsage> usage) {
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool : usage.entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        return used;
    }
}
