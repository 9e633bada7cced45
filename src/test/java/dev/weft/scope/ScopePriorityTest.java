package dev.weft.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Admission of waiting forks by priority under a concurrency limit ({@link Scope#fork(String, Priority, Callable)}):
 * order (priority, then fork order), plain forks as NORMAL, the bound on waiting forks, cancellation and timeouts of
 * waiting forks, and interrupting an owner parked on the bound. Slots are held by "blocker" tasks that wait on
 * latches, so every order asserted here is decided by the admission queue alone.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScopePriorityTest {

    /** Admission order: each task's body adds its name when it starts. */
    private final Queue<String> admitted = new ConcurrentLinkedQueue<>();

    private Callable<String> records(String name) {
        return () -> {
            admitted.add(name);
            return name;
        };
    }

    private static Callable<Object> until(CountDownLatch latch) {
        return () -> {
            latch.await();
            return null;
        };
    }

    private static Object blockUntilCancelled() throws InterruptedException {
        new CountDownLatch(1).await();
        throw new AssertionError("unreachable");
    }

    /** Waits (by state, not by time) until {@code owner} parks in fork on its scope's admission queue. */
    static void awaitParkedInFork(Thread owner) {
        while (!(LockSupport.getBlocker(owner) instanceof Limiter)) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** Starts a thread that counts {@code latch} down once {@code owner} parks in fork. */
    private static void releaseWhenParked(Thread owner, CountDownLatch latch) {
        Thread.ofVirtual().start(() -> {
            awaitParkedInFork(owner);
            latch.countDown();
        });
    }

    @Test
    void aHighForkWaitingBehindLowForksGetsTheNextSlot() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        try (var scope = Scope.open(ScopeOptions.named("prio").withMaxConcurrency(1).withMaxWaitingForks(10))) {
            scope.fork("blocker", until(go));
            scope.fork("low-1", Priority.LOW, records("low-1"));
            scope.fork("low-2", Priority.LOW, records("low-2"));
            scope.fork("high", Priority.HIGH, records("high"));
            scope.fork("low-3", Priority.LOW, records("low-3"));
            assertThat(admitted).isEmpty(); // every one waits: the forks returned without parking the owner
            go.countDown();
            scope.join();
        }
        assertThat(admitted).containsExactly("high", "low-1", "low-2", "low-3");
    }

    @Test
    void firstComeFirstServedWithinALevel() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<String> expected = new ArrayList<>();
        try (var scope = Scope.open(ScopeOptions.named("fifo").withMaxConcurrency(1).withMaxWaitingForks(20))) {
            scope.fork("blocker", until(go));
            for (int i = 0; i < 5; i++) {
                scope.fork("n" + i, Priority.NORMAL, records("n" + i));
                scope.fork("l" + i, Priority.LOW, records("l" + i));
                scope.fork("h" + i, Priority.HIGH, records("h" + i));
                scope.fork("p" + i, Priority.of(30), records("p" + i));
            }
            for (String level : List.of("p", "h", "n", "l")) {
                for (int i = 0; i < 5; i++) {
                    expected.add(level + i);
                }
            }
            go.countDown();
            scope.join();
        }
        assertThat(admitted).containsExactlyElementsOf(expected);
    }

    @Test
    void aPlainForkWaitsAsNormal() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        Thread owner = Thread.currentThread();
        try (var scope = Scope.open(ScopeOptions.named("plain").withMaxConcurrency(1).withMaxWaitingForks(10))) {
            scope.fork("blocker", until(go));
            scope.fork("low", Priority.LOW, records("low"));
            scope.fork("high", Priority.HIGH, records("high"));
            releaseWhenParked(owner, go);
            scope.fork("plain", records("plain")); // parks the owner, queued between high and low
            scope.join();
        }
        assertThat(admitted).containsExactly("high", "plain", "low");
    }

    @Test
    void withAFreeSlotAPrioritisedForkRunsAtOnce() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        try (var scope = Scope.open(ScopeOptions.named("free").withMaxConcurrency(2))) {
            scope.fork("low", Priority.LOW, () -> {
                ran.countDown();
                return null;
            });
            ran.await(); // its body runs with nothing else forked: no one waits for a slot here
            scope.join();
        }
        try (var scope = Scope.<String>settle()) { // no limit: the priority changes nothing
            Task<String> t = scope.fork("x", Priority.HIGH, () -> "x");
            assertThat(scope.join()).hasSize(1);
            assertThat(t.get()).isEqualTo("x");
        }
    }

    @Test
    void atTheBoundTheOwnerParksWithItsForkAlreadyInTheQueue() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        Thread owner = Thread.currentThread();
        try (var scope = Scope.open(ScopeOptions.named("bound").withMaxConcurrency(1).withMaxWaitingForks(1))) {
            scope.fork("blocker", until(go));
            scope.fork("low", Priority.LOW, records("low")); // waits on its own thread: the bound is reached
            CountDownLatch highDone = new CountDownLatch(1);
            releaseWhenParked(owner, go);
            scope.fork("high", Priority.HIGH, () -> { // parks the owner, yet is admitted first
                admitted.add("high");
                highDone.await();
                return "high";
            });
            releaseWhenParked(owner, highDone);
            scope.fork("normal", Priority.NORMAL, records("normal")); // parks again (high holds the slot), queued
            scope.join();
        }
        assertThat(admitted).containsExactly("high", "normal", "low");
    }

    @Test
    void theBoundLimitsTheTasksAlive() throws Exception {
        int max = 2, waiting = 3;
        List<Task<Integer>> alive = new ArrayList<>();
        int peak = 0;
        try (var scope = Scope.<Integer>settle(ScopeOptions.named("many").withMaxConcurrency(max)
                .withMaxWaitingForks(waiting))) {
            for (int i = 0; i < 2_000; i++) {
                int n = i;
                alive.add(scope.fork(null, Priority.of(i % 4), () -> {
                    Thread.yield();
                    return n;
                }));
                alive.removeIf(t -> t.state() != Task.State.RUNNING);
                peak = Math.max(peak, alive.size());
            }
            assertThat(scope.join()).hasSize(2_000).allMatch(o -> o instanceof Outcome.Success<Integer>);
        }
        // Tasks holding a slot, and tasks waiting on their own threads: while the owner counts, tasks only end.
        assertThat(peak).isLessThanOrEqualTo(max + waiting);
    }

    @Test
    @SuppressWarnings("try") // close() inside the try on purpose: the tasks' states are checked after it
    void cancellingTheScopeCancelsWaitingForksWhichNeverRunTheirBodies() throws Exception {
        AtomicBoolean bodyRan = new AtomicBoolean();
        List<Task<Object>> waiting = new ArrayList<>();
        try (var scope = Scope.open(ScopeOptions.named("c").withMaxConcurrency(1).withMaxWaitingForks(5))) {
            Task<Object> blocker = scope.fork("blocker", ScopePriorityTest::blockUntilCancelled);
            for (int i = 0; i < 5; i++) {
                waiting.add(scope.fork("w" + i, Priority.of(i), () -> {
                    bodyRan.set(true);
                    return null;
                }));
            }
            assertThat(waiting).allMatch(t -> t.state() == Task.State.RUNNING);
            assertThat(Scope.dump()).contains("task w0 RUNNING (waiting for a slot)");
            Thread.ofVirtual().start(scope::cancel);
            assertThatThrownBy(scope::join).isInstanceOf(CancellationException.class).hasMessageContaining("'c'");
            scope.close();
            assertThat(blocker.state()).isEqualTo(Task.State.CANCELLED);
        }
        assertThat(waiting).allMatch(t -> t.state() == Task.State.CANCELLED)
                .allMatch(t -> t.outcome() instanceof Outcome.Cancelled<Object>)
                .allMatch(t -> t.elapsed().isZero());
        assertThat(bodyRan).isFalse();
    }

    @Test
    void aFailureCancelsWaitingForksBeforeItsSlotIsHandedOn() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger bodies = new AtomicInteger();
        List<Task<Object>> waiting = new ArrayList<>();
        try (var scope = Scope.open(ScopeOptions.named("f").withMaxConcurrency(1).withMaxWaitingForks(3))) {
            scope.fork("boom", () -> {
                go.await();
                throw new IllegalStateException("boom");
            });
            for (int i = 0; i < 3; i++) {
                waiting.add(scope.fork("w" + i, Priority.HIGH, () -> bodies.incrementAndGet()));
            }
            go.countDown();
            assertThatThrownBy(scope::join).isInstanceOf(TaskFailedException.class).hasMessageContaining("boom");
        }
        assertThat(waiting).allMatch(t -> t.state() == Task.State.CANCELLED);
        assertThat(bodies).hasValue(0);
    }

    @Test
    void aTimeoutNamesWaitingForksApartFromRunningOnes() {
        try (var scope = Scope.open(ScopeOptions.named("t").withMaxConcurrency(1).withMaxWaitingForks(5)
                .withTimeout(Duration.ofMillis(100)))) {
            scope.fork("stuck", ScopePriorityTest::blockUntilCancelled);
            scope.fork("w-low", Priority.LOW, () -> "never");
            scope.fork("w-high", Priority.HIGH, () -> "never");
            assertThatThrownBy(scope::join).isInstanceOf(ScopeTimeoutException.class)
                    .hasMessageContaining("unfinished tasks: [stuck]")
                    .hasMessageContaining("still waiting for a concurrency slot: [w-high, w-low]")
                    .satisfies(e -> {
                        ScopeTimeoutException te = (ScopeTimeoutException) e;
                        assertThat(te.unfinishedTasks()).containsExactly("stuck");
                        assertThat(te.waitingTasks()).containsExactly("w-high", "w-low");
                    });
        }
    }

    @Test
    void interruptingTheOwnerParkedOnTheBoundCancelsTheScope() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        Thread owner = Thread.currentThread();
        try (var scope = Scope.open(ScopeOptions.named("i").withMaxConcurrency(1).withMaxWaitingForks(1))) {
            Task<Object> blocker = scope.fork("blocker", until(go));
            Task<String> low = scope.fork("low", Priority.LOW, records("low"));
            Thread.ofVirtual().start(() -> {
                awaitParkedInFork(owner);
                owner.interrupt();
            });
            Task<String> parked = scope.fork("parked", Priority.HIGH, records("parked"));
            assertThat(Thread.interrupted()).as("interrupt status kept").isTrue();
            assertThat(parked.state()).isEqualTo(Task.State.CANCELLED);
            assertThat(scope.isCancelled()).isTrue();
            assertThatThrownBy(scope::join).isInstanceOf(CancellationException.class)
                    .hasMessageContaining("interrupted while waiting to fork");
            assertThat(low.state()).isEqualTo(Task.State.CANCELLED);
            assertThat(blocker.state()).isIn(Task.State.CANCELLED, Task.State.FAILED);
        } finally {
            go.countDown();
        }
        assertThat(admitted).isEmpty();
    }

    @Test
    void interruptingTheOwnerParkedInAPlainForkCancelsTheScope() throws Exception {
        Thread owner = Thread.currentThread();
        try (var scope = Scope.open(ScopeOptions.named("ip").withMaxConcurrency(1))) {
            scope.fork("blocker", ScopePriorityTest::blockUntilCancelled);
            Thread.ofVirtual().start(() -> {
                awaitParkedInFork(owner);
                owner.interrupt();
            });
            Task<String> parked = scope.fork("parked", records("parked"));
            assertThat(Thread.interrupted()).isTrue();
            assertThat(parked.state()).isEqualTo(Task.State.CANCELLED);
            assertThatThrownBy(scope::join).isInstanceOf(CancellationException.class);
        }
        assertThat(admitted).isEmpty();
    }

    @Test
    void aNullPriorityIsRefusedNamingTheScope() {
        try (var scope = Scope.open(ScopeOptions.named("n").withMaxConcurrency(1))) {
            assertThatThrownBy(() -> scope.fork("x", null, () -> 1)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("'n'");
        }
        assertThatThrownBy(() -> ScopeOptions.named("n").withMaxWaitingForks(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxWaitingForks")
                .hasMessageContaining("'n'");
        assertThat(ScopeOptions.defaults().withMaxConcurrency(7).maxWaitingForks()).isEqualTo(7);
        assertThat(ScopeOptions.defaults().withMaxWaitingForks(3).withMaxConcurrency(7).maxWaitingForks()).isEqualTo(3);
    }
}
