package dev.weft.adapt;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The limits of the machine a JVM runs on, read at one instant by {@link Machine#snapshot()}: the heap (its maximum
 * and what is in use), the container's cgroup v2 memory limit and usage and its CPU quota, and the processors the JVM
 * sees. Container values are empty where there is no cgroup v2, where a limit is {@code max} (none), or where the
 * cgroup file is missing (a controller not enabled for the cgroup).
 *
 * <p>All sizes are in bytes. The derived {@link #memoryLimit()}, {@link #memoryAvailable()} and {@link #cpus()} are
 * what an adaptive limit should read: each takes the tighter of the JVM's and the container's bound.
 *
 * <p>A value: immutable and thread safe.
 *
 * @param heapMax                the most heap the JVM will use ({@link Runtime#maxMemory()}; {@link Long#MAX_VALUE}
 *                               where the JVM sets no bound)
 * @param heapUsed               heap in use now, live objects and garbage not yet collected alike
 *                               ({@link java.lang.management.MemoryMXBean#getHeapMemoryUsage()})
 * @param containerMemoryMax     the cgroup's {@code memory.max}; empty for {@code max} or no cgroup v2
 * @param containerMemoryCurrent the cgroup's {@code memory.current}: all memory the container's processes use (heap,
 *                               off-heap, page cache), not only this JVM's heap; empty without cgroup v2
 * @param containerCpus          the cgroup's {@code cpu.max} as a number of CPUs (quota / period, so 1.5 for
 *                               {@code "150000 100000"}); empty for {@code max} or no cgroup v2
 * @param availableProcessors    {@link Runtime#availableProcessors()} (which already honours CPU affinity, and on
 *                               recent JDKs the container's quota too)
 * @param at                     when these values were read
 */
public record MachineSnapshot(long heapMax, long heapUsed, OptionalLong containerMemoryMax,
                              OptionalLong containerMemoryCurrent, OptionalDouble containerCpus,
                              int availableProcessors, Instant at) {

    private static final double MIB = 1024.0 * 1024.0;

    /**
     * A snapshot; {@link Machine#snapshot()} makes them, and a test or a simulation may make its own.
     *
     * @throws NullPointerException     if an optional or {@code at} is null
     * @throws IllegalArgumentException if a size or the processor count is negative, or the CPU count is not positive
     */
    public MachineSnapshot {
        Objects.requireNonNull(containerMemoryMax, "containerMemoryMax");
        Objects.requireNonNull(containerMemoryCurrent, "containerMemoryCurrent");
        Objects.requireNonNull(containerCpus, "containerCpus");
        Objects.requireNonNull(at, "at");
        if (heapMax < 0 || heapUsed < 0 || availableProcessors < 0) {
            throw new IllegalArgumentException("machine snapshot: heapMax " + heapMax + ", heapUsed " + heapUsed
                    + " and availableProcessors " + availableProcessors + " must not be negative");
        }
        if (containerMemoryMax.isPresent() && containerMemoryMax.getAsLong() < 0
                || containerMemoryCurrent.isPresent() && containerMemoryCurrent.getAsLong() < 0) {
            throw new IllegalArgumentException("machine snapshot: container memory max " + containerMemoryMax
                    + " and current " + containerMemoryCurrent + " must not be negative");
        }
        if (containerCpus.isPresent() && !(containerCpus.getAsDouble() > 0)) {
            throw new IllegalArgumentException(
                    "machine snapshot: container cpus must be positive, got " + containerCpus.getAsDouble());
        }
    }

    /**
     * The most memory this JVM's heap can hold here: the smaller of {@link #heapMax()} and the container's
     * {@link #containerMemoryMax() memory.max} when there is one. (A heap set larger than its container is limited by
     * the container: the kernel ends the process before the heap is full.)
     */
    public long memoryLimit() {
        return containerMemoryMax.isPresent() ? Math.min(heapMax, containerMemoryMax.getAsLong()) : heapMax;
    }

    /**
     * Memory that can still be taken now: the smaller of the heap's headroom ({@link #heapMax()} − {@link #heapUsed()})
     * and the container's ({@code memory.max} − {@code memory.current}, when both are known); never negative.
     *
     * <p>The heap's headroom under-counts what can be had: {@link #heapUsed()} includes garbage a collection would free.
     * For what survives collections, see {@link HeapWatch}.
     */
    public long memoryAvailable() {
        long available = heapMax - heapUsed;
        if (containerMemoryMax.isPresent() && containerMemoryCurrent.isPresent()) {
            available = Math.min(available, containerMemoryMax.getAsLong() - containerMemoryCurrent.getAsLong());
        }
        return Math.max(0, available);
    }

    /** The CPUs this JVM may use: the container's quota ({@link #containerCpus()}) if any, else the processors. */
    public double cpus() {
        return containerCpus.isPresent() ? containerCpus.getAsDouble() : availableProcessors;
    }

    /** A line for logs, sizes in MiB: heap, container memory and CPUs, and the derived limit and headroom. */
    @Override
    public String toString() {
        return "MachineSnapshot[heap " + mib(heapUsed) + " used of " + mib(heapMax)
                + ", " + containerMemory()
                + ", cpus " + (containerCpus.isPresent()
                        ? String.format(Locale.ROOT, "%.2f (container quota)", containerCpus.getAsDouble())
                        : availableProcessors + " (processors)")
                + ", memory limit " + mib(memoryLimit()) + ", available " + mib(memoryAvailable())
                + ", at " + at + "]";
    }

    private String containerMemory() {
        if (containerMemoryMax.isEmpty() && containerMemoryCurrent.isEmpty()) {
            return "no container memory readings";
        }
        return "container memory " + (containerMemoryCurrent.isPresent() ? mib(containerMemoryCurrent.getAsLong()) : "?")
                + " used of " + (containerMemoryMax.isPresent() ? mib(containerMemoryMax.getAsLong()) : "no limit");
    }

    private static String mib(long bytes) {
        return bytes == Long.MAX_VALUE ? "unbounded" : String.format(Locale.ROOT, "%.1f MiB", bytes / MIB);
    }
}
