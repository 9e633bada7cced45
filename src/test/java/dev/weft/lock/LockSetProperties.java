package dev.weft.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * Properties of {@link LockSet} over random schedules: up to {@value #MAX_LOCKS} locks {@code L0, L1, ...} (ranked
 * distinctly, with ties, or in creation order; see {@link Ranks}) shared by up to {@value #MAX_THREADS} virtual
 * threads. Each thread runs 1-3 steps; a step acquires a
 * random subset of the locks, given in a random argument order, with a random timeout, and either holds it for a
 * random time or, while holding it, acquires a second set (locks ranked above the first set's highest, possibly plus
 * one lock of the first set again: legal nesting and reentrancy) and holds that. Sizes are skewed toward small
 * schedules (which also shrink well) but reach 16 locks and 256 threads.
 *
 * <p>Hold times (0-50 µs, spun or parked) are <em>simulated work</em> inside the critical sections that varies the
 * interleavings; no property relies on them. Nothing synchronises by sleeping: the run's end is awaited by joining
 * with a deadline that fails loudly.
 *
 * <p>Checked for every schedule: (1) the run ends within {@value #BOUND_SECONDS} s, although the default timeout is
 * 60 s, so only the absence of deadlock can explain an end in time; (2) mutual exclusion, checked inside every
 * critical section with a per-lock owner guard; (3) every acquisition either succeeds or throws
 * {@link LockTimeoutException}; (4) every lock is free at the end and no snapshot still shows it. A contrast runs naive
 * nested {@link ReentrantLock#lockInterruptibly()} calls in each thread's argument order on the same schedules and
 * shows that they deadlock, so property (1) can fail. docs/property-failures.md shows each property failing against a
 * deliberately broken LockSet.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LockSetProperties {
    static final int EXAMPLES = 100;
    /** The naive contrast's examples: enough for it to find a deadlock with the fixed seed. */
    static final int NAIVE_EXAMPLES = 40;
    static final int MAX_LOCKS = 16;
    static final int MAX_THREADS = 256;
    static final int BOUND_SECONDS = 3; // honest runs take at most ~40 ms here: a margin of ~75x
    /** The naive contrast's bound: honest runs take milliseconds; a deadlocked one is judged stuck after this. */
    static final Duration NAIVE_BOUND = Duration.ofMillis(200);
    /** The timeout a step gets unless it draws a short one: far longer than {@link #BOUND_SECONDS}. */
    static final Duration LONG_TIMEOUT = Duration.ofSeconds(60);
    /** Short timeouts a step may draw (index 0 is {@link #LONG_TIMEOUT}, so counterexamples shrink toward it). */
    static final Duration[] TIMEOUTS = {LONG_TIMEOUT, Duration.ZERO, Duration.ofMillis(1), Duration.ofMillis(10)};

    // ---------------------------------------------------------------------------------------------------------------
    // Schedules

    /**
     * One step of a thread: acquire {@code outer} (lock indices, in argument order); if {@code inner} is not empty,
     * acquire it while holding {@code outer}; hold the innermost set for {@code holdMicros}, spinning or parking.
     */
    record Step(List<Integer> outer, List<Integer> inner, int holdMicros, boolean park, int timeoutIndex) {
        Duration timeout() {
            return TIMEOUTS[timeoutIndex];
        }

        @Override
        public String toString() {
            return outer.stream().map(i -> "L" + i).collect(Collectors.joining(",", "{", "}"))
                    + (inner.isEmpty() ? "" : inner.stream().map(i -> "L" + i).collect(Collectors.joining(",", ">{", "}")))
                    + " " + holdMicros + "µs" + (park ? "p" : "")
                    + (timeoutIndex == 0 ? "" : " t=" + timeout().toMillis() + "ms");
        }
    }

    /**
     * How the locks are ranked; in every mode the global order (rank, then creation id) is the index order, which the
     * nested steps rely on. DISTINCT: Li has rank i. TIED: Li has rank i / 2, so pairs tie and the creation id decides.
     * CREATION: no explicit rank, the creation counter ranks them.
     */
    enum Ranks { DISTINCT, TIED, CREATION }

    record Schedule(int locks, Ranks ranks, List<List<Step>> threads) {
        @Override
        public String toString() {
            return locks + " locks (" + ranks.name().toLowerCase() + " ranks), " + threads.size() + " threads: "
                    + threads;
        }
    }

    /** A size drawn from one of the bands, the band chosen first so small sizes are frequent and shrink well. */
    private static int skewed(RandomnessSource in, int[][] bands) {
        int[] band = bands[(int) in.next(Constraint.between(0, bands.length - 1))];
        return (int) in.next(Constraint.between(band[0], band[1]));
    }

    private static final int[][] LOCK_BANDS = {{1, 3}, {4, 8}, {9, MAX_LOCKS}};
    private static final int[][] THREAD_BANDS = {{1, 4}, {5, 16}, {17, 64}, {65, MAX_THREADS}};

    static final Gen<Schedule> SCHEDULES = in -> {
        int locks = skewed(in, LOCK_BANDS);
        Ranks ranks = Ranks.values()[(int) in.next(Constraint.between(0, 2))];
        int threads = skewed(in, THREAD_BANDS);
        List<List<Step>> plans = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            int steps = (int) in.next(Constraint.between(1, 3));
            List<Step> plan = new ArrayList<>(steps);
            for (int s = 0; s < steps; s++) {
                plan.add(step(in, locks));
            }
            plans.add(List.copyOf(plan));
        }
        return new Schedule(locks, ranks, List.copyOf(plans));
    };

    /** A random non-empty subset of [from, to), in a random order; shrinks toward {from} in ascending order. */
    private static List<Integer> subset(RandomnessSource in, int from, int to) {
        List<Integer> chosen = new ArrayList<>();
        for (int i = from; i < to; i++) {
            if (in.next(Constraint.between(0, 2)) == 2) {
                chosen.add(i);
            }
        }
        if (chosen.isEmpty()) {
            chosen.add(from + (int) in.next(Constraint.between(0, to - from - 1)));
        }
        // a random argument order: Fisher-Yates driven by the randomness source (shrinks toward no swaps)
        for (int i = chosen.size() - 1; i > 0; i--) {
            int j = i - (int) in.next(Constraint.between(0, i));
            Collections.swap(chosen, i, j);
        }
        return List.copyOf(chosen);
    }

    private static Step step(RandomnessSource in, int locks) {
        List<Integer> outer = subset(in, 0, locks);
        int highest = Collections.max(outer);
        List<Integer> inner = List.of();
        if (highest < locks - 1 && in.next(Constraint.between(0, 2)) == 2) {
            List<Integer> above = new ArrayList<>(subset(in, highest + 1, locks));
            if (in.next(Constraint.between(0, 1)) == 1) { // take one outer lock again: reentrancy
                above.add((int) in.next(Constraint.between(0, above.size())),
                        outer.get((int) in.next(Constraint.between(0, outer.size() - 1))));
            }
            inner = List.copyOf(above);
        }
        int hold = (int) in.next(Constraint.between(0, 50));
        boolean park = in.next(Constraint.between(0, 1)) == 1;
        int timeout = in.next(Constraint.between(0, 3)) == 3 ? (int) in.next(Constraint.between(1, 3)) : 0;
        return new Step(outer, inner, hold, park, timeout);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Running a schedule

    /** Per lock: who is inside a critical section guarded by it, and how deeply (reentrancy). */
    static final class Guard {
        final AtomicReference<Thread> owner = new AtomicReference<>();
        int depth; // only touched by the owner
    }

    /** What one run observed. */
    static final class Run {
        final Queue<String> exclusionViolations = new ConcurrentLinkedQueue<>();
        final Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        final AtomicInteger acquisitions = new AtomicInteger();
        final AtomicInteger timeouts = new AtomicInteger();
        final List<Thread> threads = new ArrayList<>();
        List<Thread> stuck = List.of();
        /** For the naive runner: the lock each thread waits for, and the holder of each lock, kept current. */
        final Map<String, Integer> naiveWaitingFor = new ConcurrentHashMap<>();
        final Map<Integer, String> naiveHolder = new ConcurrentHashMap<>();
        /** The stuck threads as seen when the bound expired, before they were interrupted. */
        List<String> stuckDescribed = List.of();
        /** A cycle in the wait-for graph when the bound expired, or "" if none was seen. */
        String deadlockCycle = "";

        /** The naive runner's wait-for edges: waiting thread to {lock, holder thread}. */
        Map<String, String[]> naiveEdges() {
            Map<String, String[]> edges = new java.util.HashMap<>();
            naiveWaitingFor.forEach((t, lock) -> {
                String holder = naiveHolder.get(lock);
                if (holder != null) {
                    edges.put(t, new String[] {"L" + lock, holder});
                }
            });
            return edges;
        }
        String stuckSnapshot = "";
        long elapsedMillis;
        /** Set before stuck threads are interrupted to free them. */
        volatile boolean freeing;
    }

    private static void hold(Step step) {
        long nanos = TimeUnit.MICROSECONDS.toNanos(step.holdMicros());
        if (nanos == 0) {
            return;
        }
        if (step.park()) {
            LockSupport.parkNanos(nanos);
        } else {
            long end = System.nanoTime() + nanos;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }
    }

    private static void enter(Run run, Guard[] guards, List<Integer> set) {
        Thread me = Thread.currentThread();
        for (int i : set) {
            Guard g = guards[i];
            if (g.owner.get() == me) {
                g.depth++;
            } else if (g.owner.compareAndSet(null, me)) {
                g.depth = 1;
            } else {
                run.exclusionViolations.add(me.getName() + " entered L" + i + " while " + g.owner.get() + " was in it");
            }
        }
    }

    private static void exit(Run run, Guard[] guards, List<Integer> set) {
        Thread me = Thread.currentThread();
        for (int i = set.size() - 1; i >= 0; i--) {
            Guard g = guards[set.get(i)];
            if (g.owner.get() != me) {
                run.exclusionViolations.add(me.getName() + " left L" + set.get(i) + " owned by " + g.owner.get());
            } else if (--g.depth == 0) {
                g.owner.set(null);
            }
        }
    }

    /** Checks, inside a critical section, that this thread still owns every guard of the set. */
    private static void verify(Run run, Guard[] guards, List<Integer> set) {
        Thread me = Thread.currentThread();
        for (int i : set) {
            if (guards[i].owner.get() != me) {
                run.exclusionViolations.add(me.getName() + " lost L" + i + " to " + guards[i].owner.get());
            }
        }
    }

    private static LockSet setOf(OrderedLock[] locks, List<Integer> indices) {
        return LockSet.of(indices.stream().map(i -> locks[i]).toArray(OrderedLock[]::new));
    }

    /** One acquisition; returns null (recorded) if it timed out. Anything else but success is unexpected. */
    private static LockSet.Held acquire(Run run, LockSet set, Duration timeout) throws InterruptedException {
        run.acquisitions.incrementAndGet();
        try {
            return set.acquire(timeout);
        } catch (LockTimeoutException e) {
            run.timeouts.incrementAndGet();
            return null;
        }
    }

    private static void runStep(Run run, OrderedLock[] locks, Guard[] guards, Step step) throws InterruptedException {
        try (LockSet.Held outer = acquire(run, setOf(locks, step.outer()), step.timeout())) {
            if (outer == null) {
                return;
            }
            enter(run, guards, step.outer());
            try {
                if (step.inner().isEmpty()) {
                    hold(step);
                    verify(run, guards, step.outer());
                } else {
                    try (LockSet.Held inner = acquire(run, setOf(locks, step.inner()), step.timeout())) {
                        if (inner != null) {
                            enter(run, guards, step.inner());
                            hold(step);
                            verify(run, guards, step.inner());
                            verify(run, guards, step.outer());
                            exit(run, guards, step.inner());
                        }
                    }
                }
            } finally {
                exit(run, guards, step.outer());
            }
        }
    }

    /** Starts every thread of the schedule at once and waits for them up to the bound; stuck ones are interrupted. */
    static Run run(Schedule schedule, Duration bound, ThreadBody body) throws InterruptedException {
        Run run = new Run();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < schedule.threads().size(); t++) {
            List<Step> plan = schedule.threads().get(t);
            run.threads.add(Thread.ofVirtual().name("p-" + t).start(() -> {
                try {
                    start.await();
                    for (Step step : plan) {
                        body.run(run, step);
                    }
                } catch (InterruptedException e) {
                    if (!run.freeing) { // interrupted by the clean-up of a stuck run: property (1) reports that
                        run.unexpected.add(e);
                    }
                } catch (Throwable e) {
                    run.unexpected.add(e);
                }
            }));
        }
        long t0 = System.nanoTime();
        start.countDown();
        long deadline = t0 + bound.toNanos();
        for (Thread t : run.threads) {
            t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
        run.elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        run.stuck = run.threads.stream().filter(Thread::isAlive).toList();
        if (!run.stuck.isEmpty()) {
            Locks.Snapshot snapshot = Locks.snapshot();
            run.stuckSnapshot = firstLines(snapshot.toString(), 12);
            run.stuckDescribed = run.stuck.stream()
                    .map(t -> t.getName() + " " + t.getState()).toList();
            Map<String, String[]> edges = run.naiveEdges();
            for (Locks.Wait w : snapshot.waits()) {
                if (w.holder() != null) {
                    edges.put(w.thread(), new String[] {w.lock().name(), w.holder()});
                }
            }
            run.deadlockCycle = findCycle(edges);
            // free them, so that one failing example does not poison the next
            run.freeing = true;
            run.stuck.forEach(Thread::interrupt);
            for (Thread t : run.stuck) {
                t.join(Duration.ofSeconds(5));
            }
        }
        return run;
    }

    /** A cycle "t1 waits for L held by t2 waits for ... held by t1" in the wait-for edges, or "". */
    static String findCycle(Map<String, String[]> edges) {
        for (String start : new java.util.TreeSet<>(edges.keySet())) {
            List<String> path = new ArrayList<>();
            String t = start;
            while (t != null && !path.contains(t)) {
                path.add(t);
                String[] edge = edges.get(t);
                t = edge == null ? null : edge[1];
            }
            if (t != null) { // t closes a cycle
                StringBuilder sb = new StringBuilder();
                for (String u : path.subList(path.indexOf(t), path.size())) {
                    sb.append(u).append(" waits for ").append(edges.get(u)[0]).append(" held by ");
                }
                return sb.append(t).toString();
            }
        }
        return "";
    }

    private static String firstLines(String text, int n) {
        String[] lines = text.split("\n");
        return lines.length <= n ? text
                : String.join("\n", java.util.Arrays.copyOf(lines, n)) + "\n  ... " + (lines.length - n) + " more lines";
    }

    interface ThreadBody {
        void run(Run run, Step step) throws InterruptedException;
    }

    static Run runLockSets(Schedule schedule, OrderedLock[] locks) throws InterruptedException {
        Guard[] guards = new Guard[locks.length];
        for (int i = 0; i < guards.length; i++) {
            guards[i] = new Guard();
        }
        return run(schedule, Duration.ofSeconds(BOUND_SECONDS), (run, step) -> runStep(run, locks, guards, step));
    }

    static OrderedLock[] locks(int n, Ranks ranks) {
        OrderedLock[] locks = new OrderedLock[n];
        for (int i = 0; i < n; i++) {
            locks[i] = switch (ranks) {
                case DISTINCT -> new OrderedLock("L" + i, i);
                case TIED -> new OrderedLock("L" + i, i / 2);
                case CREATION -> new OrderedLock("L" + i);
            };
        }
        return locks;
    }

    /** The four properties, checked on one run of {@code schedule}; a failure reports every one that failed. */
    static Run checkAll(Schedule schedule) throws InterruptedException {
        OrderedLock[] locks = locks(schedule.locks(), schedule.ranks());
        Run run = runLockSets(schedule, locks);
        var soft = new SoftAssertions();
        // (1) no deadlock: the run ends within the bound although steps may wait up to 60 s
        soft.assertThat(run.stuckDescribed).as("(1) threads still running after %d s, deadlocked: %s; snapshot then:"
                        + "%n%s", BOUND_SECONDS, run.deadlockCycle.isEmpty() ? "no cycle seen" : run.deadlockCycle,
                run.stuckSnapshot).isEmpty();
        // (2) mutual exclusion
        soft.assertThat(run.exclusionViolations).as("(2) mutual exclusion violated").isEmpty();
        // (3) success or LockTimeoutException, nothing else
        soft.assertThat(run.unexpected).as("(3) acquisitions that neither succeeded nor timed out").isEmpty();
        // (4) every lock free at the end (stuck threads were interrupted by then, so they have let go)
        List<String> held = new ArrayList<>();
        for (OrderedLock l : locks) {
            Thread holder = l.holder();
            if (holder != null) {
                held.add(l.name() + " held by " + holder.getName() + (holder.isAlive() ? "" : " (finished)"));
            }
        }
        soft.assertThat(held).as("(4) locks still held at the end").isEmpty();
        List<OrderedLock> mine = List.of(locks);
        Locks.Snapshot after = Locks.snapshot();
        soft.assertThat(after.holds()).as("(4) holds still shown").noneMatch(h -> mine.contains(h.lock()));
        soft.assertThat(after.waits()).as("(4) waits still shown").noneMatch(w -> mine.contains(w.lock()));
        soft.assertAll();
        return run;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The properties

    @Test
    void randomSchedulesEndInTimeExcludeMutuallyOnlyTimeOutAndLeaveEveryLockFree() {
        int[] stats = new int[7]; // examples, threads, max threads, max locks, acquisitions, timeouts, max ms
        long t0 = System.nanoTime();
        qt().withExamples(EXAMPLES).withShrinkCycles(20).forAll(SCHEDULES).checkAssert(schedule -> {
            try {
                Run run = checkAll(schedule);
                stats[0]++;
                stats[1] += schedule.threads().size();
                stats[2] = Math.max(stats[2], schedule.threads().size());
                stats[3] = Math.max(stats[3], schedule.locks());
                stats[4] += run.acquisitions.get();
                stats[5] += run.timeouts.get();
                stats[6] = Math.max(stats[6], (int) run.elapsedMillis);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        System.out.printf("LockSet property: %d schedules, %d threads in all (max %d), up to %d locks, "
                        + "%d acquisitions, %d timed out; longest run %d ms, all in %d ms%n", stats[0], stats[1],
                stats[2], stats[3], stats[4], stats[5], stats[6], TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        // QuickTheories was seen to run 99 of 100 examples now and then; this only guards against the property
        // silently running (almost) nothing
        assertThat(stats[0]).isGreaterThanOrEqualTo(EXAMPLES * 9 / 10);
    }

    @Test
    void theGeneratorReachesTheBounds() {
        // The schedules really span 1..16 locks and 1..256 threads, with nested and reentrant steps and short
        // timeouts: sampled (generation only, nothing run) with a fixed seed, so this never flakes.
        int[] max = new int[2];
        int[] seen = new int[5]; // single-thread schedules, nested steps, reentrant steps, short timeouts, tied ranks
        qt().withFixedSeed(42).withExamples(400).forAll(SCHEDULES).checkAssert(s -> {
            max[0] = Math.max(max[0], s.locks());
            max[1] = Math.max(max[1], s.threads().size());
            seen[0] += s.threads().size() == 1 ? 1 : 0;
            seen[4] += s.ranks() == Ranks.TIED ? 1 : 0;
            for (List<Step> plan : s.threads()) {
                for (Step st : plan) {
                    seen[1] += st.inner().isEmpty() ? 0 : 1;
                    seen[2] += st.inner().stream().anyMatch(st.outer()::contains) ? 1 : 0;
                    seen[3] += st.timeoutIndex() == 0 ? 0 : 1;
                }
            }
        });
        assertThat(max[0]).isEqualTo(MAX_LOCKS);
        assertThat(max[1]).isGreaterThan(MAX_THREADS - 16);
        assertThat(seen).as("single-thread, nested, reentrant, short-timeout, tied-rank counts").doesNotContain(0);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The contrast: naive nested locking deadlocks on the same schedules

    /**
     * A step done the naive way: plain ReentrantLocks locked one by one in the step's argument order (interruptibly,
     * so that a deadlocked run can be freed), the hold time spread over the nesting levels as nested code does its work.
     */
    static Run runNaive(Schedule schedule, Duration bound) throws InterruptedException {
        ReentrantLock[] locks = new ReentrantLock[schedule.locks()];
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
        return run(schedule, bound, (run, step) -> {
            List<Integer> all = new ArrayList<>(step.outer());
            all.addAll(step.inner());
            int taken = 0;
            try {
                String me = Thread.currentThread().getName();
                for (int i : all) {
                    run.naiveWaitingFor.put(me, i);
                    locks[i].lockInterruptibly();
                    run.naiveWaitingFor.remove(me);
                    if (locks[i].getHoldCount() == 1) {
                        run.naiveHolder.put(i, me);
                    }
                    taken++;
                    hold(step);
                }
            } finally {
                run.naiveWaitingFor.remove(Thread.currentThread().getName());
                for (int k = taken - 1; k >= 0; k--) {
                    int i = all.get(k);
                    if (locks[i].getHoldCount() == 1) {
                        run.naiveHolder.remove(i);
                    }
                    locks[i].unlock();
                }
            }
        });
    }

    @Test
    void naiveNestedLocksInOppositeOrdersDeadlockWhereLockSetsDoNot() throws Exception {
        // The classic case, made deterministic: two threads take their first lock, meet at a barrier, then ask for
        // the other's. A bounded wait shows both stuck for good; interrupting them frees them.
        var l0 = new ReentrantLock();
        var l1 = new ReentrantLock();
        var barrier = new CyclicBarrier(2);
        List<Throwable> ended = Collections.synchronizedList(new ArrayList<>());
        Thread t0 = Thread.ofVirtual().start(() -> nested(l0, l1, barrier, ended));
        Thread t1 = Thread.ofVirtual().start(() -> nested(l1, l0, barrier, ended));
        t0.join(Duration.ofMillis(500));
        t1.join(Duration.ofMillis(500));
        assertThat(t0.isAlive() && t1.isAlive()).as("both naive threads deadlocked").isTrue();
        assertThat(l0.hasQueuedThread(t1) && l1.hasQueuedThread(t0)).as("each waits for the other's lock").isTrue();
        t0.interrupt();
        t1.interrupt();
        t0.join(Duration.ofSeconds(5));
        t1.join(Duration.ofSeconds(5));
        assertThat(t0.isAlive() || t1.isAlive()).isFalse();
        // the first one interrupted lets go of its lock, so the other may take both before its interrupt lands
        assertThat(ended).hasSize(2).anyMatch(e -> e instanceof InterruptedException);

        // The same two threads with LockSets: both orders are taken in rank order, so both complete.
        var o0 = new OrderedLock("o0", 0);
        var o1 = new OrderedLock("o1", 1);
        var bothFirst = new CyclicBarrier(2);
        var took = new AtomicInteger();
        List<Throwable> failed = Collections.synchronizedList(new ArrayList<>());
        List<Thread> ordered = new ArrayList<>();
        for (var set : List.of(LockSet.of(o0, o1), LockSet.of(o1, o0))) {
            ordered.add(Thread.ofVirtual().start(() -> {
                try {
                    bothFirst.await(5, TimeUnit.SECONDS); // start together, as the naive threads did
                    try (var _ = set.acquire(LONG_TIMEOUT)) {
                        took.incrementAndGet();
                    }
                } catch (Exception e) {
                    failed.add(e);
                }
            }));
        }
        for (Thread t : ordered) {
            t.join(Duration.ofSeconds(BOUND_SECONDS));
            assertThat(t.isAlive()).as("LockSet thread still running after %d s", BOUND_SECONDS).isFalse();
        }
        assertThat(failed).isEmpty();
        assertThat(took.get()).isEqualTo(2);
        assertThat(o0.isLocked() || o1.isLocked()).isFalse();
    }

    private static void nested(ReentrantLock first, ReentrantLock second, CyclicBarrier barrier,
                               List<Throwable> ended) {
        try {
            first.lockInterruptibly();
            try {
                barrier.await(5, TimeUnit.SECONDS);
                second.lockInterruptibly();
                second.unlock();
            } finally {
                first.unlock();
            }
            ended.add(new AssertionError("took both locks"));
        } catch (InterruptedException | BrokenBarrierException | java.util.concurrent.TimeoutException e) {
            ended.add(e);
        }
    }

    @Test
    void naiveNestedLocksFailTheEndInTimePropertyOnRandomSchedules() {
        // The same generator, the same bound, the naive runner: QuickTheories must find a deadlocking schedule.
        // (The naive runs are otherwise unchecked: only property (1) is at stake here.) A fixed seed keeps the search
        // the same from run to run; the bound is shortened (NAIVE_BOUND) to keep shrinking quick.
        AssertionError failure = null;
        try {
            qt().withFixedSeed(20_261_123L).withExamples(NAIVE_EXAMPLES).withShrinkCycles(10).forAll(SCHEDULES)
                    .checkAssert(schedule -> {
                        try {
                            Run run = runNaive(schedule, NAIVE_BOUND);
                            assertThat(run.stuckDescribed).as("naive threads still running after %d ms, deadlocked: %s",
                                    NAIVE_BOUND.toMillis(), run.deadlockCycle).isEmpty();
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    });
        } catch (AssertionError e) {
            failure = e;
        }
        assertThat(failure).as("naive nested locking never deadlocked in %d schedules", NAIVE_EXAMPLES).isNotNull();
        // a genuine deadlock, not just a slow run: the report names a cycle in the wait-for graph
        assertThat(failure.getMessage()).containsPattern("deadlocked: p-\\d+ waits for L\\d+ held by p-");
        String report = failure.getMessage();
        System.out.println("naive nested locking, as QuickTheories reports it (schedule cut at 600 characters):\n"
                + report.replaceAll("(?s)(Smallest found falsifying value\\(s\\) :-\\n.{600}).*?\\nCause", "$1 ...\nCause"));
    }
}
