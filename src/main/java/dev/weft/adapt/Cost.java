package dev.weft.adapt;

import java.time.Duration;
import java.util.Objects;

/**
 * What one run of an operation is expected to cost, declared with the operation (or reported by a stub operation
 * that only estimates): memory it holds while it runs, time it takes, and whether it is CPU-bound. An adaptive run
 * admits work by it: an operation whose memory does not fit the budget now waits; one that can never fit fails at
 * once, saying so ({@link BudgetExceededException}). Immutable, built from {@link #none()} with the {@code with…}
 * methods. Thread safe.
 */
public final class Cost {
    private static final Cost NONE = new Cost(0, null, false);

    private final long memory;
    private final Duration time;
    private final boolean cpuBound;

    private Cost(long memory, Duration time, boolean cpuBound) {
        if (memory < 0) {
            throw new IllegalArgumentException("a cost's memory must not be negative, got " + memory);
        }
        if (time != null && time.isNegative()) {
            throw new IllegalArgumentException("a cost's time must not be negative, got " + time);
        }
        this.memory = memory;
        this.time = time;
        this.cpuBound = cpuBound;
    }

    /** Nothing declared: no memory, no time, not CPU-bound. */
    public static Cost none() {
        return NONE;
    }

    /** A cost of {@code bytes} held while the operation runs. */
    public static Cost memory(long bytes) {
        return NONE.withMemory(bytes);
    }

    /** This cost with {@code bytes} of memory held while the operation runs. */
    public Cost withMemory(long bytes) {
        return new Cost(bytes, time, cpuBound);
    }

    /** This cost with an expected run time (for estimates of time to completion); {@code null} for unknown. */
    public Cost withTime(Duration expected) {
        return new Cost(memory, expected, cpuBound);
    }

    /** This cost, CPU-bound or not (CPU-bound work is held to the run's {@link Limits#cpuShare()}). */
    public Cost withCpuBound(boolean cpu) {
        return new Cost(memory, time, cpu);
    }

    /** Bytes held while the operation runs, 0 if not declared. */
    public long memory() {
        return memory;
    }

    /** The expected run time, or {@code null} if not declared. */
    public Duration time() {
        return time;
    }

    /** Whether the operation is CPU-bound. */
    public boolean cpuBound() {
        return cpuBound;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cost c && memory == c.memory && Objects.equals(time, c.time) && cpuBound == c.cpuBound;
    }

    @Override
    public int hashCode() {
        return Objects.hash(memory, time, cpuBound);
    }

    @Override
    public String toString() {
        return "Cost[memory=" + Bytes.mib(memory) + (time == null ? "" : ", time=" + time)
                + (cpuBound ? ", CPU-bound" : "") + "]";
    }
}
