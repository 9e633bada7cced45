package dev.weft.adapt;

import java.util.Objects;

/**
 * The bounds an adaptive run stays within, whatever its {@link Goal}: immutable, built from {@link #none()} or
 * {@link #fromMachine()} with the {@code with…} methods (no public constructor, so a limit can be added without
 * breaking callers). Thread safe.
 *
 * <ul>
 *   <li>{@link #memoryBudget()}: bytes of heap the run may hold live, counted above what was live when it started
 *       (0: none given; then {@link #fromMachine()}'s runs take what the machine has available, re-read while they
 *       run, and {@link #none()}'s watch no memory).</li>
 *   <li>{@link #cpuShare()}: the share of the machine's processors (the container's {@code cpu.max} where there is
 *       one) that work declared CPU-bound may use at once: {@code 0.5} on 4 processors runs at most 2 CPU-bound
 *       operations at a time (0: no share given, all processors).</li>
 *   <li>{@link #maxOperations()}: a ceiling of operations running at once across the run's work (the orchestrator's
 *       contexts), admitted like declared costs ({@code AdaptiveLimit.admit}).</li>
 *   <li>{@link #maxInFlight()}: the ceiling the adaptive limit never passes, however well growing pays
 *       ({@link Integer#MAX_VALUE}: none).</li>
 *   <li>{@link #initialLimit()} and {@link #speedLaw()}: where a speed goal starts, and how it moves.</li>
 *   <li>{@link #fromMachine()}: whether limits not given are read from the machine when the run starts and re-read
 *       while it runs ({@link Machine}: the heap, cgroup v2 {@code memory.max}/{@code memory.current}, processors).</li>
 * </ul>
 */
public final class Limits {
    private static final Limits NONE = new Limits(0, 0, Integer.MAX_VALUE, null, 0, SpeedLaw.THROUGHPUT, Integer.MAX_VALUE);

    private final long memoryBudget;
    private final double cpuShare;
    private final int maxInFlight;
    /** The machine limits not given are read from, or null for none. */
    private final Machine fromMachine;
    private final int initialLimit; // 0: the default for the goal
    private final SpeedLaw speedLaw;
    private final int maxOperations;

    private Limits(long memoryBudget, double cpuShare, int maxInFlight, Machine fromMachine, int initialLimit,
                   SpeedLaw speedLaw, int maxOperations) {
        if (maxOperations < 1) {
            throw new IllegalArgumentException("maxOperations must be at least 1, got " + maxOperations);
        }
        this.maxOperations = maxOperations;
        if (initialLimit < 0) {
            throw new IllegalArgumentException("initialLimit must be at least 1, got " + initialLimit);
        }
        this.initialLimit = initialLimit;
        this.speedLaw = Objects.requireNonNull(speedLaw, "speedLaw");
        if (memoryBudget < 0) {
            throw new IllegalArgumentException("memoryBudget must be positive (or 0 for none), got " + memoryBudget);
        }
        if (!(cpuShare >= 0 && cpuShare <= 1)) {
            throw new IllegalArgumentException("cpuShare must be between 0 and 1 (0 for none), got " + cpuShare);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        this.memoryBudget = memoryBudget;
        this.cpuShare = cpuShare;
        this.maxInFlight = maxInFlight;
        this.fromMachine = fromMachine;
    }

    /** No budget, no CPU share, no ceiling, nothing read from the machine. */
    public static Limits none() {
        return NONE;
    }

    /** As {@link #none()}, but what is not given is read from the machine when a run starts, and while it runs. */
    public static Limits fromMachine() {
        return fromMachine(Machine.current());
    }

    /**
     * As {@link #fromMachine()}, reading {@code machine}: a cgroup elsewhere than this process's
     * ({@link Machine#ofCgroup}), or a test's fake folder.
     */
    public static Limits fromMachine(Machine machine) {
        return new Limits(0, 0, Integer.MAX_VALUE, java.util.Objects.requireNonNull(machine, "machine"), 0,
                SpeedLaw.THROUGHPUT, Integer.MAX_VALUE);
    }

    /** These limits with a memory budget in bytes (the run's own live heap; 0 for none). */
    public Limits withMemoryBudget(long bytes) {
        return new Limits(bytes, cpuShare, maxInFlight, fromMachine, initialLimit, speedLaw, maxOperations);
    }

    /** These limits with a share of the processors for CPU-bound work (0 for none, up to 1). */
    public Limits withCpuShare(double share) {
        return new Limits(memoryBudget, share, maxInFlight, fromMachine, initialLimit, speedLaw, maxOperations);
    }

    /** These limits with a ceiling of work in flight. */
    public Limits withMaxInFlight(int n) {
        return new Limits(memoryBudget, cpuShare, n, fromMachine, initialLimit, speedLaw, maxOperations);
    }

    /**
     * These limits with the limit a speed goal starts at (default {@value #DEFAULT_INITIAL}, or the ceiling if lower):
     * high, because a virtual thread waiting on I/O costs about a kilobyte, so that I/O-bound work is fast from its
     * first round trip; CPU-bound work steps down from there.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public Limits withInitialLimit(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("initialLimit must be at least 1, got " + n);
        }
        return new Limits(memoryBudget, cpuShare, maxInFlight, fromMachine, n, speedLaw, maxOperations);
    }

    /** These limits with another control law for the speed goal. */
    public Limits withSpeedLaw(SpeedLaw law) {
        return new Limits(memoryBudget, cpuShare, maxInFlight, fromMachine, initialLimit, law, maxOperations);
    }

    /** Where a speed goal's limit starts unless {@link #withInitialLimit} says. */
    public static final int DEFAULT_INITIAL = 1024;

    /** The limit a speed goal starts at (never above the ceiling). */
    public int initialLimit() {
        return Math.min(maxInFlight, initialLimit == 0 ? DEFAULT_INITIAL : initialLimit);
    }

    /** The speed goal's control law. */
    public SpeedLaw speedLaw() {
        return speedLaw;
    }

    /** The memory budget in bytes, 0 for none given. */
    public long memoryBudget() {
        return memoryBudget;
    }

    /** The share of processors for CPU-bound work, 0 for none given. */
    public double cpuShare() {
        return cpuShare;
    }

    /**
     * These limits with a ceiling of operations running at once, across all the work a limit admits (the data flow
     * orchestrator: across its contexts), whatever their cost; each waits for its turn before it takes any lock.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public Limits withMaxOperations(int n) {
        return new Limits(memoryBudget, cpuShare, maxInFlight, fromMachine, initialLimit, speedLaw, n);
    }

    /** The ceiling of operations running at once ({@link Integer#MAX_VALUE}: none). */
    public int maxOperations() {
        return maxOperations;
    }

    /** The ceiling of work in flight ({@link Integer#MAX_VALUE}: none). */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** Whether limits not given are read from the machine. */
    public boolean readsMachine() {
        return fromMachine != null;
    }

    /** The machine limits not given are read from, or {@code null} for none. */
    public Machine machine() {
        return fromMachine;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Limits l && memoryBudget == l.memoryBudget && cpuShare == l.cpuShare
                && maxInFlight == l.maxInFlight && Objects.equals(fromMachine, l.fromMachine)
                && initialLimit == l.initialLimit
                && speedLaw == l.speedLaw && maxOperations == l.maxOperations;
    }

    @Override
    public int hashCode() {
        return Objects.hash(memoryBudget, cpuShare, maxInFlight, fromMachine, initialLimit, speedLaw, maxOperations);
    }

    @Override
    public String toString() {
        return "Limits[memoryBudget=" + (memoryBudget == 0 ? "none" : Bytes.mib(memoryBudget)) + ", cpuShare="
                + (cpuShare == 0 ? "none" : cpuShare) + ", maxInFlight="
                + (maxInFlight == Integer.MAX_VALUE ? "none" : maxInFlight) + (fromMachine != null ? ", from " + fromMachine : "")
                + (initialLimit == 0 ? "" : ", initialLimit=" + initialLimit) + ", speedLaw=" + speedLaw
                + (maxOperations == Integer.MAX_VALUE ? "" : ", maxOperations=" + maxOperations) + "]";
    }
}
