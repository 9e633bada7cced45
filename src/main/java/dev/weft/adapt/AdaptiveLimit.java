package dev.weft.adapt;

import dev.weft.scope.ConcurrencyLimit;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A concurrency limit that moves while work runs, for a {@link Goal} within {@link Limits}: give it to a scope
 * ({@code ScopeOptions.withConcurrencyLimit}), to {@code Weft.map}, or let the orchestrator make one
 * ({@code Orchestrator.Options.withGoal}). Every move is a {@link Decision} with its reason, kept (the last
 * {@value #KEPT}) and handed to the listener given at the start.
 *
 * {@snippet :
 * try (var limit = AdaptiveLimit.start(Goal.SPEED, Limits.fromMachine().withMaxInFlight(10_000))) {
 *     var pages = Weft.map(urls, url -> fetch(url), limit);
 *     System.out.println(limit.lastDecision());
 * }
 * }
 *
 * <ul>
 *   <li>Speed ({@link Goal#SPEED}, {@link Goal#BALANCED}): the {@link SpeedLaw} chosen in the limits, fed with the
 *       run time of every task that ends; it starts at {@link Limits#initialLimit()}.</li>
 *   <li>Memory ({@link Goal#MEMORY}, {@link Goal#BALANCED}, and any goal with a budget): how many tasks the budget
 *       holds, from what a task in flight costs, learned from the JVM's allocation counter and from the heap left
 *       after each collection (see {@link #memoryBudget()}); it starts at a few tasks and grows as it learns.</li>
 *   <li>Declared costs: {@link #admit} lets a task that declared a {@link Cost} in only while the declared memory of
 *       the admitted ones fits the budget, and the CPU-bound ones fit the CPU share; a cost that can never fit fails
 *       at once with {@link BudgetExceededException}.</li>
 *   <li>The machine ({@link Limits#fromMachine()}): the budget not given is 80 % of the memory the heap (and the
 *       container, cgroup v2) leaves above what was in use at the start; processors likewise; both re-read about once
 *       a second while tasks end.</li>
 * </ul>
 *
 * <p>Thread safety: thread safe. The scope's calls ({@link #current()}, {@link #onTaskEnd}) are short; the decision
 * listener and the scopes' listeners are called outside the limit's lock, on the thread that ended a task or on the
 * JVM's notification thread (collections). {@link #admit} parks a virtual thread without pinning it (a
 * {@code ReentrantLock} condition). Close it when the work is done: it stops watching collections.
 */
public final class AdaptiveLimit implements ConcurrencyLimit, AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdaptiveLimit.class);
    /** Decisions kept for {@link #decisions()}. */
    public static final int KEPT = 256;
    private static final long MACHINE_EVERY = TimeUnit.SECONDS.toNanos(1);
    private static final double MACHINE_SHARE = 0.8;

    private final Goal goal;
    private final Limits limits;
    private final Consumer<? super Decision> onDecision;
    private final Heap heap;
    private final Supplier<MachineSnapshot> machine;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition admitted = lock.newCondition();
    private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ArrayDeque<Decision> kept = new ArrayDeque<>(); // guarded by lock
    private final Climb climb; // null unless THROUGHPUT speed
    private final NetflixLaw netflix; // null unless a Netflix speed law
    private final MemoryLaw memory; // null without a budget
    private final int ceiling;
    private final int cpuSlots;
    private volatile int current;
    private volatile Decision last;
    private int inFlight, queued; // last reported by a scope, guarded by lock
    private long declaredInUse; // guarded by lock
    private int cpuInUse; // guarded by lock
    private int operationsInUse; // admitted and not done, counted only under Limits.maxOperations; guarded by lock
    private int waiting; // in admit, guarded by lock
    private volatile int backlog; // work its caller holds back until admitted (see backlog(int))
    private long machineReadAt; // guarded by lock
    private final long base; // heap in use at the start: the machine's budget is counted above it
    private final LongSupplier clock; // System::nanoTime, or a test's
    private volatile boolean closed;

    private AdaptiveLimit(Goal goal, Limits limits, Consumer<? super Decision> onDecision, Heap heap,
                          Supplier<MachineSnapshot> machine, LongSupplier clock) {
        this.goal = Objects.requireNonNull(goal, "goal");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.onDecision = onDecision;
        this.heap = heap;
        this.machine = machine;
        this.clock = Objects.requireNonNull(clock, "clock");
        long now = clock.getAsLong();
        MachineSnapshot m = machine == null ? null : machine.get();
        this.ceiling = limits.maxInFlight();
        double cpus = m != null ? m.cpus() : Runtime.getRuntime().availableProcessors();
        this.cpuSlots = limits.cpuShare() == 0 ? Integer.MAX_VALUE : (int) Math.max(1, Math.round(cpus
                * limits.cpuShare()));
        boolean speed = goal != Goal.MEMORY;
        this.climb = speed && limits.speedLaw() == SpeedLaw.THROUGHPUT
                ? new Climb(limits.initialLimit(), ceiling, now) : null;
        this.netflix = speed && limits.speedLaw() != SpeedLaw.THROUGHPUT
                ? netflix(limits.speedLaw(), limits.initialLimit(), ceiling) : null;
        this.base = heap == null ? 0 : heap.lastAfterCollection() < 0 ? heap.usedNow()
                : Math.min(heap.usedNow(), heap.lastAfterCollection());
        long budget = limits.memoryBudget();
        if (budget == 0 && m != null && goal != Goal.SPEED) {
            budget = machineBudget(m, base);
            if (budget <= 0) {
                throw new IllegalStateException("the machine's memory limit of " + Bytes.mib(m.memoryLimit())
                        + " (" + m + ") is not above what the JVM already uses, " + Bytes.mib(base)
                        + ": no budget is left for goal " + goal + "; give one with Limits.withMemoryBudget");
            }
        }
        if (goal == Goal.MEMORY && budget == 0) {
            throw new IllegalArgumentException("Goal.MEMORY needs a memory budget: give one with "
                    + "Limits.withMemoryBudget, or read the machine's with Limits.fromMachine()");
        }
        this.memory = budget > 0 && heap != null ? new MemoryLaw(budget, base, heap.allocatedBytes()) : null;
        this.machineReadAt = now;
        int start = combined();
        this.current = start;
        Decision d = new Decision(now, start, 0, Decision.Reason.START, String.format(Locale.ROOT,
                "goal %s, %s%s", goal, limits, memory == null ? "" : ", budget " + Bytes.mib(budget) + " above "
                        + Bytes.mib(base) + " in use at the start"), 0, 0);
        kept.add(d);
        last = d;
        publish(d);
        if (memory != null) {
            heap.onCollection(this::collected); // last: a collection reported at once finds the limit complete
        }
    }

    /** A limit for {@code goal} within {@code limits}, reading this JVM's heap and, if the limits say, the machine. */
    public static AdaptiveLimit start(Goal goal, Limits limits) {
        return start(goal, limits, null);
    }

    /**
     * As {@link #start(Goal, Limits)}, handing every decision to {@code onDecision} (called outside the limit's lock,
     * on the thread that moved it: keep it short; {@code null} for none).
     *
     * @throws IllegalArgumentException for {@link Goal#MEMORY} without a budget (given or read from the machine)
     * @throws IllegalStateException    for {@link SpeedLaw#GRADIENT2} without Netflix concurrency-limits on the path
     */
    public static AdaptiveLimit start(Goal goal, Limits limits, Consumer<? super Decision> onDecision) {
        Heap heap = goal == Goal.SPEED && limits.memoryBudget() == 0 ? null : Heap.jvm();
        Supplier<MachineSnapshot> machine = limits.readsMachine() ? limits.machine()::snapshot : null;
        try {
            return new AdaptiveLimit(goal, limits, onDecision, heap, machine, System::nanoTime);
        } catch (RuntimeException | Error e) {
            if (heap != null) {
                heap.close();
            }
            throw e;
        }
    }

    /** For tests: a limit on a fake heap and machine (either may be null). */
    static AdaptiveLimit start(Goal goal, Limits limits, Consumer<? super Decision> onDecision, Heap heap,
                               Supplier<MachineSnapshot> machine) {
        return new AdaptiveLimit(goal, limits, onDecision, heap, machine, System::nanoTime);
    }

    /**
     * For tests: as {@link #start(Goal, Limits, Consumer, Heap, Supplier)}, on a fake clock of nanoseconds (read where
     * {@link System#nanoTime()} would be: decisions' times, the climb's round trips, and when the machine is re-read),
     * so that a test can pass the machine's re-read interval without sleeping.
     */
    static AdaptiveLimit start(Goal goal, Limits limits, Consumer<? super Decision> onDecision, Heap heap,
                               Supplier<MachineSnapshot> machine, LongSupplier clock) {
        return new AdaptiveLimit(goal, limits, onDecision, heap, machine, clock);
    }

    /**
     * A Netflix law, after checking that its jar is there: without it, linking {@link NetflixLaw} would fail with a
     * bare {@code NoClassDefFoundError} before its constructor could say what is missing.
     */
    private static NetflixLaw netflix(SpeedLaw law, int initial, int ceiling) {
        try {
            Class.forName("com.netflix.concurrency.limits.Limit", false, AdaptiveLimit.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("SpeedLaw." + law + " needs Netflix concurrency-limits on the class path "
                    + "(com.netflix.concurrency-limits:concurrency-limits-core:0.5.4, module concurrency.limits.core);"
                    + " it is an optional dependency of Weft; SpeedLaw.THROUGHPUT needs nothing", e);
        }
        return new NetflixLaw(law, initial, ceiling);
    }

    /** 80 % of what the machine's memory limit leaves above {@code base}; 0 or less when nothing is left. */
    private static long machineBudget(MachineSnapshot m, long base) {
        return (long) ((m.memoryLimit() - base) * MACHINE_SHARE);
    }

    /** The goal. */
    public Goal goal() {
        return goal;
    }

    /** The limits. */
    public Limits limits() {
        return limits;
    }

    @Override
    public int current() {
        return current;
    }

    /** The memory budget in force, in bytes (given, or read from the machine), or 0 if memory is not watched. */
    public long memoryBudget() {
        lock.lock();
        try {
            return memory == null ? 0 : memory.budget();
        } finally {
            lock.unlock();
        }
    }

    /** The latest decision (the start, before any move). */
    public Decision lastDecision() {
        return last;
    }

    /** The last {@value #KEPT} decisions, oldest first. */
    public List<Decision> decisions() {
        lock.lock();
        try {
            return List.copyOf(kept);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Work waiting: forks queued in the scopes (last seen), tasks waiting in {@link #admit} for their declared cost to
     * fit, and the {@linkplain #backlog(int) backlog} of a caller that forks only as the limit admits.
     */
    public int queued() {
        lock.lock();
        try {
            return queued + waiting + backlog;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tells the limit how much work its caller holds back, not yet forked, until the limit admits it (the data flow
     * orchestrator forks each context only when admitted, so its queue is not in any scope's). Counted in
     * {@link #queued()} and the decisions' {@code queued}, and as work waiting when the speed law asks whether the
     * run can fill its limit. Any thread; cheap.
     */
    public void backlog(int waiting) {
        backlog = Math.max(0, waiting);
    }

    @Override
    public void onTaskEnd(long runNanos, int inFlightNow, int queuedNow, boolean failed) {
        Decision d = null;
        boolean reread;
        lock.lock();
        try {
            inFlight = inFlightNow;
            queued = queuedNow;
            queuedNow += backlog;
            long now = clock.getAsLong();
            boolean appLimited = queuedNow == 0 && inFlightNow < current / 2;
            boolean moved = false;
            Decision.Reason reason = null;
            String detail = null;
            if (climb != null && climb.onEnd(runNanos, now, appLimited)) {
                moved = true;
                reason = climb.reason;
                detail = climb.detail;
            }
            if (netflix != null) {
                int before = netflix.limit();
                netflix.onSample(now - runNanos, runNanos, inFlightNow);
                if (netflix.limit() != before) {
                    moved = true;
                    reason = Decision.Reason.LATENCY;
                    detail = String.format(Locale.ROOT, "%s on a round trip of %.1f ms", limits.speedLaw(),
                            runNanos / 1e6);
                }
            }
            if (memory != null && memory.onEnd(heap::allocatedBytes)) {
                moved = true;
                reason = Decision.Reason.MEMORY;
                detail = memory.detail;
            }
            // the machine's budget is re-read about once a second; the files are read after the lock is let go, so
            // that other tasks' ends never wait on that I/O
            reread = machine != null && memory != null && limits.memoryBudget() == 0
                    && now - machineReadAt > MACHINE_EVERY;
            if (reread) {
                machineReadAt = now;
            }
            if (moved) {
                d = move(reason, detail, now);
            }
        } finally {
            lock.unlock();
        }
        after(d);
        if (reread) {
            rereadMachine();
        }
    }

    /**
     * Reads the machine again, outside the lock, and moves the budget (and with it the limit) when the machine's
     * share, counted above the same base as at the start, changed by more than a tenth. A file that cannot be read
     * keeps the budget: it must not fail the task that happened to end here.
     */
    private void rereadMachine() {
        MachineSnapshot m;
        try {
            m = machine.get();
        } catch (RuntimeException unreadable) {
            LOG.warn("adaptive limit: could not re-read the machine, the budget stays {}: {}",
                    Bytes.mib(memoryBudget()), unreadable.toString());
            return;
        }
        long b = Math.max(1, machineBudget(m, base));
        Decision d = null;
        lock.lock();
        try {
            if (Math.abs(b - memory.budget()) > memory.budget() / 10 && memory.budget(b)) {
                d = move(Decision.Reason.MACHINE, memory.detail, clock.getAsLong());
            }
        } finally {
            lock.unlock();
        }
        after(d);
    }

    /** A collection's report, on the JVM's notification thread. */
    private void collected(long heapAfter, boolean wholeHeap) {
        if (closed) {
            return;
        }
        Decision d = null;
        lock.lock();
        try {
            if (memory.onCollection(heapAfter, inFlight, wholeHeap)) {
                d = move(Decision.Reason.MEMORY, memory.detail, clock.getAsLong());
            }
        } finally {
            lock.unlock();
        }
        after(d);
    }

    /** Under the lock: the new combined limit as a decision, or null if it did not move. */
    private Decision move(Decision.Reason reason, String detail, long now) {
        int before = current;
        int next = combined();
        if (next == before) {
            return null;
        }
        current = next;
        Decision d = new Decision(now, next, before, reason, detail, inFlight, queued + waiting + backlog);
        if (kept.size() == KEPT) {
            kept.removeFirst();
        }
        kept.addLast(d);
        last = d;
        if (next > before) {
            admitted.signalAll();
        }
        return d;
    }

    private int combined() {
        int limit = ceiling;
        if (climb != null) {
            limit = Math.min(limit, climb.limit());
        }
        if (netflix != null) {
            limit = Math.min(limit, netflix.limit());
        }
        if (memory != null) {
            limit = Math.min(limit, memory.limit());
        }
        return Math.max(1, limit);
    }

    /** Outside the lock: tells the listener, and the scopes when the limit rose. */
    private void after(Decision d) {
        if (d == null) {
            return;
        }
        publish(d);
        if (d.limit() > d.previous()) {
            for (Runnable r : listeners) {
                r.run();
            }
        }
    }

    private void publish(Decision d) {
        if (onDecision != null) {
            onDecision.accept(d);
        }
    }

    /**
     * Waits until a task of declared {@code cost} fits: its memory with the declared memory of the tasks admitted and
     * not yet {@linkplain Permit#close() done} within the budget, if CPU-bound a slot of the CPU share free, and, with
     * {@link Limits#maxOperations()}, fewer tasks admitted and not done than that. Tasks that declared nothing pass at
     * once unless there is such a ceiling.
     *
     * @param what names the task in messages (an operation and its context, say)
     * @return a permit to close when the task is done
     * @throws BudgetExceededException if the cost alone is more than the budget: it can never fit (checked again while
     *                                 it waits, as the machine's budget, re-read, may shrink)
     * @throws InterruptedException    if interrupted while waiting (nothing is held then)
     */
    public Permit admit(String what, Cost cost) throws InterruptedException {
        Objects.requireNonNull(cost, "cost");
        long bytes = memory == null ? 0 : cost.memory();
        boolean cpu = cost.cpuBound() && cpuSlots != Integer.MAX_VALUE;
        boolean counted = limits.maxOperations() != Integer.MAX_VALUE; // every task counts toward the ceiling
        if (bytes == 0 && !cpu && !counted) {
            return Permit.NONE;
        }
        lock.lock();
        try {
            checkFits(what, bytes);
            waiting++;
            try {
                while (bytes > 0 && declaredInUse + bytes > memory.budget() || (cpu && cpuInUse >= cpuSlots)
                        || (counted && operationsInUse >= limits.maxOperations())) {
                    admitted.await();
                    // the machine's budget, re-read, may have shrunk below this cost while it waited
                    checkFits(what, bytes);
                }
            } finally {
                waiting--;
            }
            declaredInUse += bytes;
            if (cpu) {
                cpuInUse++;
            }
            if (counted) {
                operationsInUse++;
            }
        } finally {
            lock.unlock();
        }
        return new Permit(this, bytes, cpu, counted);
    }

    /** Under the lock: throws if {@code bytes} of declared memory is more than the whole budget now. */
    private void checkFits(String what, long bytes) {
        if (bytes > 0 && bytes > memory.budget()) {
            throw new BudgetExceededException(what + " declares " + Bytes.mib(bytes) + " of memory, more than the "
                    + "whole budget of " + Bytes.mib(memory.budget()) + ": it can never fit (goal " + goal + ")");
        }
    }

    private void done(long bytes, boolean cpu, boolean counted) {
        lock.lock();
        try {
            declaredInUse -= bytes;
            if (cpu) {
                cpuInUse--;
            }
            if (counted) {
                operationsInUse--;
            }
            admitted.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Declared memory of the admitted tasks not yet done, bytes. */
    public long declaredInUse() {
        lock.lock();
        try {
            return declaredInUse;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void addListener(Runnable raised) {
        listeners.add(Objects.requireNonNull(raised, "raised"));
    }

    @Override
    public void removeListener(Runnable raised) {
        listeners.remove(raised);
    }

    /** Stops watching collections; the limit keeps its last value. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (heap != null) {
            heap.close();
        }
    }

    @Override
    public String toString() {
        return "AdaptiveLimit[" + goal + ", limit " + current + ", " + last + "]";
    }

    /** What {@link #admit} hands out: close it once, when the task is done. Thread safe. */
    public static final class Permit implements AutoCloseable {
        static final Permit NONE = new Permit(null, 0, false, false);
        private final AdaptiveLimit owner;
        private final long bytes;
        private final boolean cpu;
        private final boolean counted;
        private final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();

        private Permit(AdaptiveLimit owner, long bytes, boolean cpu, boolean counted) {
            this.owner = owner;
            this.bytes = bytes;
            this.cpu = cpu;
            this.counted = counted;
        }

        /** Gives the declared cost back; later calls do nothing. */
        @Override
        public void close() {
            if (owner != null && done.compareAndSet(false, true)) {
                owner.done(bytes, cpu, counted);
            }
        }
    }
}
