package dev.weft.demo;

import dev.weft.metrics.ProcessMemory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * The downloader report's memory measurement, sampled every 20 ms on a platform daemon thread while a variant runs:
 * heap used ({@link MemoryMXBean}), committed thread stacks (Native Memory Tracking, when the JVM runs with
 * {@code -XX:NativeMemoryTracking=summary}; else counted as 0 and reported as -1), and the resident set
 * ({@code VmRSS} of {@code /proc/PID/status}) of every worker process registered with {@link #addChild}. A child's
 * peak resident set ({@code VmHWM}) is read when it is {@linkplain #childDone finished}, so the children's peak is
 * the larger of the sampled sum and the sum of their own peaks.
 *
 * <p>Heap used counts garbage not yet collected, so its peak mostly tells when the collector ran. What a run
 * <em>keeps</em> is measured by {@link #checkpoint}: a forced collection while the run is under way (the report calls
 * it with half the pages done), after which heap used and committed stacks, less those after the collection of
 * {@link #begin}, plus the workers' resident sets, are what the run holds at that moment. The report takes three (a
 * quarter, half and three quarters of the pages done): the half-way one is {@link Peaks#kept()}, the largest of the
 * three {@link Peaks#peakLive()}, the measure of the adaptive orchestrator's memory goal.
 */
public final class MemoryProbe implements AutoCloseable {
    private static final Pattern STACK = Pattern.compile("stack: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern THREAD = Pattern.compile("Thread \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final ObjectName diagnostics;
    private final boolean nmt;
    private final Set<Long> children = ConcurrentHashMap.newKeySet();
    private final AtomicLong peakHeap = new AtomicLong();
    private final AtomicLong peakStacks = new AtomicLong();
    private final AtomicLong peakOwn = new AtomicLong();
    private final AtomicLong peakChildrenSampled = new AtomicLong();
    private final AtomicLong childrenHwm = new AtomicLong();
    private final AtomicLong peakSelfRss = new AtomicLong();
    private volatile long baseHeap;
    private volatile long baseStacks;
    private volatile long kept = -1;
    private volatile long keptStacks = -1;
    private final AtomicLong peakLive = new AtomicLong(-1);
    private long idleStacks = Long.MAX_VALUE / 2;
    private volatile boolean running = true;
    private final Thread thread;

    /**
     * A phase's peaks, in bytes.
     *
     * @param heap     heap used
     * @param stacks   committed thread stacks, or -1 without Native Memory Tracking
     * @param children worker processes' resident sets, summed (0 without workers)
     * @param total    peak of heap used plus stacks in one sample, plus {@code children}
     * @param selfRss  this JVM's resident set ({@code VmRSS}), for reference (-1 where /proc is missing)
     * @param kept     what the run held at the {@link #checkpoint}, or -1 without one
     * @param keptStacks the part of {@code kept} that is committed thread stacks, or -1 without a checkpoint
     * @param peakLive the largest of what the run held at any {@link #checkpoint} (half way or not), or -1 without one
     */
    record Peaks(long heap, long stacks, long children, long total, long selfRss, long kept, long keptStacks,
                 long peakLive) {
    }

    MemoryProbe() {
        diagnostics = diagnosticCommand();
        nmt = diagnostics != null && readStacks() >= 0;
        thread = Thread.ofPlatform().daemon().name("weft-report-memory-probe").start(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Whether thread stacks are measured (Native Memory Tracking is on). */
    boolean nmtAvailable() {
        return nmt;
    }

    /**
     * Collects garbage until the heap stops shrinking, waits for the stacks of threads that ended to be released,
     * forgets the children and starts the peaks afresh.
     */
    void begin() {
        settleHeap();
        settleStacks();
        children.clear();
        peakHeap.set(0);
        peakStacks.set(0);
        peakOwn.set(0);
        peakChildrenSampled.set(0);
        childrenHwm.set(0);
        peakSelfRss.set(-1);
        kept = -1;
        keptStacks = -1;
        peakLive.set(-1);
        baseHeap = memory.getHeapMemoryUsage().getUsed();
        baseStacks = nmt ? Math.max(0, readStacks()) : 0;
        sample();
    }

    /** {@link #checkpoint(boolean)} half way: what it measures is {@link Peaks#kept()} too. */
    void checkpoint() {
        checkpoint(true);
    }

    /**
     * Collects garbage now and records what the run holds: heap used and committed thread stacks above those after
     * {@link #begin}'s collection, plus the worker processes' current resident sets; the largest since
     * {@link #begin} is {@link Peaks#peakLive()}, and with {@code halfWay} it is {@link Peaks#kept()} too. Blocks the
     * calling thread for the collection (every other thread stops for it anyway).
     */
    void checkpoint(boolean halfWay) {
        sample();
        System.gc();
        long heap = memory.getHeapMemoryUsage().getUsed();
        long stacks = nmt ? Math.max(0, readStacks()) : 0;
        long kids = 0;
        for (long pid : children) {
            kids += Math.max(0, ProcessMemory.rssBytes(pid).orElse(-1));
        }
        long liveStacks = Math.max(0, stacks - baseStacks);
        long live = Math.max(0, heap - baseHeap) + liveStacks + kids;
        peakLive.accumulateAndGet(live, Math::max);
        if (halfWay) {
            keptStacks = liveStacks;
            kept = live;
        }
    }

    /** Counts process {@code pid}'s resident set from now on. */
    void addChild(long pid) {
        children.add(pid);
    }

    /** Reads the peak resident set of process {@code pid}, which must still be alive, and stops sampling it. */
    void childDone(long pid) {
        long hwm = ProcessMemory.peakRssBytes(pid).orElse(-1);
        if (hwm > 0) {
            childrenHwm.addAndGet(hwm);
        }
        sample();
        children.remove(pid);
    }

    /** The peaks since {@link #begin}. */
    Peaks end() {
        sample();
        long kids = Math.max(peakChildrenSampled.get(), childrenHwm.get());
        return new Peaks(peakHeap.get(), nmt ? peakStacks.get() : -1, kids, peakOwn.get() + kids, peakSelfRss.get(),
                kept, keptStacks, peakLive.get());
    }

    private void sample() {
        long heap = memory.getHeapMemoryUsage().getUsed();
        long stacks = nmt ? Math.max(0, readStacks()) : 0;
        peakHeap.accumulateAndGet(heap, Math::max);
        peakStacks.accumulateAndGet(stacks, Math::max);
        peakOwn.accumulateAndGet(heap + stacks, Math::max);
        long kids = 0;
        for (long pid : children) {
            kids += Math.max(0, ProcessMemory.rssBytes(pid).orElse(-1));
        }
        peakChildrenSampled.accumulateAndGet(kids, Math::max);
        peakSelfRss.accumulateAndGet(ProcessMemory.rssBytes(ProcessHandle.current().pid()).orElse(-1), Math::max);
    }

    /**
     * What the previous run held can outlive it by a moment: its last virtual threads finishing, the HTTP client's
     * buffers, an adaptive run's watcher seeing it closed. A collection then leaves it in the base, and the run's
     * live heap above the base reads too low (0 at every checkpoint, seen once on a loaded machine). So: collect,
     * and again every 20 ms while the heap after a collection still shrinks by more than 256 KiB, 5 times at most.
     */
    private void settleHeap() {
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        for (int i = 0; i < 4; i++) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            System.gc();
            long now = memory.getHeapMemoryUsage().getUsed();
            if (now > before - (256 << 10)) {
                return;
            }
            before = now;
        }
    }

    /**
     * A platform thread's stack is released a moment after {@link Thread#join} returns (when the JVM deletes the
     * thread; later still on a busy machine), so right after a pool of 1,000 threads ends its stacks still count.
     * Reads the committed stacks every 10 ms until they are within 1 MiB of the least seen at any begin (the idle
     * JVM's), for at most 5 s.
     */
    private void settleStacks() {
        if (!nmt) {
            return;
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        long now = readStacks();
        while (now > idleStacks + (1 << 20) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            now = readStacks();
        }
        if (now >= 0) {
            idleStacks = Math.min(idleStacks, now);
        }
    }

    /** The {@code DiagnosticCommand} MBean's name, or null where the platform has none (then no stacks). */
    public static ObjectName diagnosticCommand() {
        try {
            return new ObjectName("com.sun.management:type=DiagnosticCommand");
        } catch (Exception e) {
            return null;
        }
    }

    private long readStacks() {
        return committedStacks(diagnostics);
    }

    /**
     * Committed thread-stack bytes from Native Memory Tracking through the {@code DiagnosticCommand} MBean
     * {@code diagnostics}, or -1 when it is off or unreadable.
     */
    public static long committedStacks(ObjectName diagnostics) {
        if (diagnostics == null) {
            return -1;
        }
        try {
            Object report = ManagementFactory.getPlatformMBeanServer().invoke(diagnostics, "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            String text = String.valueOf(report);
            int at = text.indexOf("Thread (reserved=");
            if (at < 0) {
                return -1;
            }
            Matcher stack = STACK.matcher(text);
            if (stack.find(at)) {
                return Long.parseLong(stack.group(2)) * 1024;
            }
            Matcher t = THREAD.matcher(text);
            return t.find(at) ? Long.parseLong(t.group(2)) * 1024 : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** Stops the sampling thread and waits for it (keeping this thread's interrupt status if interrupted). */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
