package dev.weft.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lock deadlocks built on purpose with {@link LockSet#allowingOutOfOrder()} sets: found by {@link Deadlocks#dump()},
 * broken by a {@link DeadlockDetector} with {@link DeadlockDetector.Policy#BREAK} (the youngest wait fails with a
 * {@link DeadlockException}, the others proceed), left alone with {@link DeadlockDetector.Policy#REPORT}; and no
 * deadlock reported where a waiter's holder is running.
 */
@Timeout(30)
class DeadlockDetectorTest {
    /** Longer than any test: only the detector (or the test's interrupt) can end these waits. */
    static final Duration LONG = Duration.ofSeconds(60);
    /** The bound within which a deadlock must be broken; a detector period of 10 ms keeps it far away. */
    static final Duration BOUND = Duration.ofSeconds(2);
    static final DeadlockDetector.Options BREAK = DeadlockDetector.Options.defaults()
            .withPeriod(Duration.ofMillis(10)).withPolicy(DeadlockDetector.Policy.BREAK);

    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void interruptLeftovers() throws InterruptedException {
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            assertThat(t.join(Duration.ofSeconds(10))).as("thread %s ended", t).isTrue();
        }
    }

    /** Parks in 1 ms steps until {@code condition} holds; fails after 10 s. */
    static void awaitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("not within 10 s: %s", what).isNegative();
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** The deadlocks among this test's threads (another test class may have left some of its own). */
    List<Deadlock> ours(Deadlocks.Report report) {
        return report.deadlocks().stream().filter(d -> threads.containsAll(d.threads())).toList();
    }

    /** Whether {@code thread} shows as waiting for a lock. */
    static boolean waiting(Thread thread) {
        return Deadlocks.dump().waits().stream().anyMatch(w -> w.waiter() == thread);
    }

    /** What one party of a lock cycle ended with. */
    record Outcome(boolean acquired, Throwable thrown, boolean interruptedAfter) {
    }

    /**
     * A thread that takes {@code first}, waits for {@code go}, then takes {@code second} out of order (within
     * {@link #LONG}), and releases both.
     */
    Thread party(String name, OrderedLock first, OrderedLock second, CountDownLatch holding, CountDownLatch go,
                 AtomicReference<Outcome> outcome) {
        Thread t = Thread.ofVirtual().name(name).unstarted(() -> {
            try (var _ = LockSet.of(first).acquire(LONG)) {
                holding.countDown();
                go.await();
                try (var _ = LockSet.of(second).allowingOutOfOrder().acquire(LONG)) {
                    outcome.set(new Outcome(true, null, Thread.currentThread().isInterrupted()));
                }
            } catch (Throwable e) {
                outcome.set(new Outcome(false, e, Thread.currentThread().isInterrupted()));
            }
        });
        threads.add(t);
        t.start();
        return t;
    }

    /**
     * Parties {@code names[i]} each hold lock {@code i} and then ask for lock {@code i + 1} (the last one for lock 0),
     * starting their second acquisition one after the other, each once the previous one shows as waiting: the last
     * one's wait is the youngest and closes the cycle.
     */
    List<AtomicReference<Outcome>> cycle(String... names) throws InterruptedException {
        int n = names.length;
        List<OrderedLock> locks = new ArrayList<>();
        for (String name : names) {
            locks.add(new OrderedLock("lock-" + name));
        }
        CountDownLatch holding = new CountDownLatch(n);
        List<CountDownLatch> gos = new ArrayList<>();
        List<AtomicReference<Outcome>> outcomes = new ArrayList<>();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CountDownLatch go = new CountDownLatch(1);
            AtomicReference<Outcome> outcome = new AtomicReference<>();
            gos.add(go);
            outcomes.add(outcome);
            ts.add(party(names[i], locks.get(i), locks.get((i + 1) % n), holding, go, outcome));
        }
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < n; i++) {
            gos.get(i).countDown();
            Thread t = ts.get(i);
            AtomicReference<Outcome> outcome = outcomes.get(i);
            // or ended: the last one's wait closes the cycle, and a running detector may break it at once
            awaitUntil(names[i] + " waits", () -> waiting(t) || outcome.get() != null);
        }
        return outcomes;
    }

    @Test
    void dumpListsATwoLockCycleAndEveryWait() throws InterruptedException {
        cycle("alpha", "beta");
        Deadlocks.Report report = Deadlocks.dump();
        List<Deadlock> ours = ours(report);
        assertThat(ours).hasSize(1);
        Deadlock d = ours.getFirst();
        assertThat(d.threads()).extracting(Thread::getName).containsExactly("alpha", "beta");
        assertThat(d.victim().waiter().getName()).isEqualTo("beta"); // the youngest wait, last in the cycle
        assertThat(report.toString())
                .contains("'alpha' waits for lock 'lock-beta'")
                .contains("held by 'beta'")
                .contains("'beta' waits for lock 'lock-alpha'")
                .contains("held by 'alpha'")
                .contains("deadlock of 2 threads: 'alpha' -> 'beta' -> 'alpha'")
                .contains("victim (the youngest wait): 'beta'");
    }

    @Test
    void breakFailsTheYoungestWaitWithADeadlockExceptionNamingTheCycleAndTheOtherProceeds() throws Exception {
        List<Deadlock> heard = new CopyOnWriteArrayList<>();
        try (var detector = DeadlockDetector.start(BREAK.withListener(heard::add))) {
            long formed = System.nanoTime();
            List<AtomicReference<Outcome>> outcomes = cycle("first", "second");
            awaitUntil("both parties ended", () -> outcomes.stream().allMatch(o -> o.get() != null));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - formed);
            assertThat(tookMillis).as("broken within %s", BOUND).isLessThan(BOUND.toMillis());

            Outcome older = outcomes.get(0).get();
            Outcome victim = outcomes.get(1).get();
            assertThat(older.acquired()).as("the older wait proceeds").isTrue();
            assertThat(older.thrown()).isNull();
            assertThat(victim.acquired()).isFalse();
            assertThat(victim.thrown()).isInstanceOf(DeadlockException.class)
                    .isInstanceOf(LockTimeoutException.class) // handled wherever timeouts are
                    .hasMessageContaining("deadlock broken")
                    .hasMessageContaining("'first' -> 'second' -> 'first'")
                    .hasMessageContaining("'first' waits for lock 'lock-second'")
                    .hasMessageContaining("'second' waits for lock 'lock-first'");
            DeadlockException e = (DeadlockException) victim.thrown();
            assertThat(e.lock().name()).isEqualTo("lock-first");
            assertThat(e.holderThread()).isEqualTo("first");
            assertThat(e.cycle()).hasSize(2);
            assertThat(e.deadlock().victim().waiter().getName()).isEqualTo("second");
            assertThat(victim.interruptedAfter()).as("the detector's interrupt was cleared").isFalse();
            assertThat(older.interruptedAfter()).isFalse();
            awaitUntil("counted as broken", () -> detector.broken() == 1); // counted after the victim woke
            awaitUntil("the listener heard of it", () -> heard.size() == 1);
        }
        assertThat(ours(Deadlocks.dump())).isEmpty();
    }

    @Test
    void aThreePartyCycleIsBrokenAtItsYoungestWaitAndTheOtherTwoProceed() throws Exception {
        try (var detector = DeadlockDetector.start(BREAK)) {
            List<AtomicReference<Outcome>> outcomes = cycle("p0", "p1", "p2");
            awaitUntil("all parties ended", () -> outcomes.stream().allMatch(o -> o.get() != null));
            assertThat(outcomes.get(0).get().acquired()).isTrue();
            assertThat(outcomes.get(1).get().acquired()).isTrue();
            assertThat(outcomes.get(2).get().thrown()).isInstanceOf(DeadlockException.class)
                    .hasMessageContaining("'p0' -> 'p1' -> 'p2' -> 'p0'");
            awaitUntil("counted as broken", () -> detector.broken() == 1); // counted after the victim woke
        }
    }

    @Test
    void reportLeavesTheDeadlockAloneAndReportsItOnce() throws Exception {
        List<Deadlock> heard = new CopyOnWriteArrayList<>();
        try (var detector = DeadlockDetector.start(BREAK.withPolicy(DeadlockDetector.Policy.REPORT)
                .withListener(heard::add))) {
            List<AtomicReference<Outcome>> outcomes = cycle("left", "alone");
            awaitUntil("reported", () -> !heard.isEmpty());
            long seenAt = detector.rounds();
            awaitUntil("three more rounds", () -> detector.rounds() >= seenAt + 3);
            assertThat(heard).hasSize(1);
            assertThat(detector.found()).isEqualTo(1);
            assertThat(detector.broken()).isZero();
            assertThat(detector.deadlocks()).hasSize(1);
            assertThat(outcomes).allMatch(o -> o.get() == null); // both still waiting
            assertThat(ours(Deadlocks.dump())).hasSize(1);
        }
        // the test's own clean-up interrupts them: an ordinary InterruptedException, not a DeadlockException
    }

    @Test
    void aWaiterBehindARunningHolderIsNoDeadlock() throws Exception {
        var a = new OrderedLock("busy");
        var b = new OrderedLock("behind");
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofVirtual().name("runner").unstarted(() -> {
            try (var _ = LockSet.of(a).acquire(LONG)) {
                holding.countDown();
                release.await(); // blocked, but not in a wait Weft records: it may end at any time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        threads.add(holder);
        holder.start();
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        // a chain: w2 holds 'behind' and waits for 'busy'; w3 waits for 'behind'
        CountDownLatch w2holds = new CountDownLatch(1);
        Thread w2 = Thread.ofVirtual().name("w2").unstarted(() -> {
            try (var _ = LockSet.of(b).acquire(LONG); var _ = LockSet.of(a).allowingOutOfOrder().acquire(LONG)) {
                w2holds.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        threads.add(w2);
        w2.start();
        awaitUntil("w2 waits", () -> waiting(w2));
        Thread w3 = Thread.ofVirtual().name("w3").unstarted(() -> {
            try (var _ = LockSet.of(b).acquire(LONG)) {
                assertThat(w2holds.getCount()).isZero();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        threads.add(w3);
        w3.start();
        awaitUntil("w3 waits", () -> waiting(w3));
        try (var detector = DeadlockDetector.start(BREAK)) {
            awaitUntil("three rounds", () -> detector.rounds() >= 3);
            Deadlocks.Report report = Deadlocks.dump();
            assertThat(report.waits()).filteredOn(w -> threads.contains(w.waiter()))
                    .extracting(w -> w.waiter().getName()).containsExactly("w2", "w3");
            assertThat(ours(report)).isEmpty();
            assertThat(report.toString()).contains("'w2' waits for lock 'busy'").contains("held by 'runner'")
                    .contains("'w3' waits for lock 'behind'").contains("held by 'w2'");
            assertThat(detector.found()).isZero();
        }
        release.countDown();
        for (Thread t : List.of(holder, w2, w3)) {
            assertThat(t.join(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void aDeadlockExceptionIsCaughtAsALockTimeout() throws Exception {
        try (var _ = DeadlockDetector.start(BREAK)) {
            List<AtomicReference<Outcome>> outcomes = cycle("x", "y");
            awaitUntil("both ended", () -> outcomes.stream().allMatch(o -> o.get() != null));
            Throwable thrown = outcomes.get(1).get().thrown();
            assertThatThrownBy(() -> {
                throw thrown;
            }).isInstanceOfSatisfying(LockTimeoutException.class, t -> assertThat(t.waited()).isPositive());
        }
    }

    @Test
    void closeStopsTheThreadAndIsIdempotent() {
        var detector = DeadlockDetector.start();
        assertThat(detector.isRunning()).isTrue();
        detector.close();
        assertThat(detector.isRunning()).isFalse();
        detector.close();
        assertThat(detector.toString()).contains("weft-deadlock-detector-").contains("REPORT");
        assertThatThrownBy(() -> DeadlockDetector.Options.defaults().withPeriod(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("period");
    }
}
