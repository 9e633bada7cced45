package dev.weft.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.scope.Scope;
import dev.weft.scope.ScopeOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LockSetTest {
    private static final Duration LONG = Duration.ofSeconds(10);

    /** Spins (no sleeping) until {@code path}'s thread shows as waiting for a lock; fails after 10 s. */
    private static Locks.Wait awaitWaiter(String path) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            var waits = Locks.waitsOf(path);
            if (!waits.isEmpty()) {
                return waits.getFirst();
            }
            assertThat(System.nanoTime()).as("no waiter at path '%s' within 10 s", path).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    /** Runs {@code body} on a virtual thread that holds {@code set} until {@code release} opens. */
    private static Thread holdIn(LockSet set, CountDownLatch holding, CountDownLatch release) {
        return Thread.ofVirtual().name("holder").start(() -> {
            try (var _ = set.acquire(LONG)) {
                holding.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void sortsByRankAndFoldsDuplicates() {
        var a = new OrderedLock("a", 3);
        var b = new OrderedLock("b", 1);
        var c = new OrderedLock("c", 2);
        assertThat(LockSet.of(a, b, c, a, b).locks()).containsExactly(b, c, a);
    }

    @Test
    void creationOrderRanksAndTieBreak() {
        var x = new OrderedLock("x");
        var y = new OrderedLock("y", true);
        assertThat(x.rank()).isLessThan(y.rank());
        assertThat(y.isFair()).isTrue();
        var t1 = new OrderedLock("t1", 5);
        var t2 = new OrderedLock("t2", 5);
        assertThat(t1.compareTo(t2)).isNegative();
        assertThat(LockSet.of(t2, t1).locks()).containsExactly(t1, t2);
        assertThat(t1.name()).isEqualTo("t1");
    }

    @Test
    void acquireAndReleaseInOrder() throws Exception {
        var a = new OrderedLock("a");
        var b = new OrderedLock("b");
        var held = LockSet.of(b, a).acquire(LONG);
        assertThat(a.isHeldByCurrentThread()).isTrue();
        assertThat(b.isHeldByCurrentThread()).isTrue();
        held.close();
        held.close(); // idempotent
        assertThat(a.isLocked()).isFalse();
        assertThat(b.isLocked()).isFalse();
    }

    @Test
    void defaultTimeoutIsFiniteAndConfigurable() throws Exception {
        var a = new OrderedLock("a");
        assertThat(LockSet.of(a).defaultTimeout()).isEqualTo(Duration.ofSeconds(30));
        var set = LockSet.of(a).withDefaultTimeout(Duration.ofMillis(50));
        try (var _ = set.acquire()) {
            assertThat(a.isHeldByCurrentThread()).isTrue();
        }
    }

    @Test
    void reentrancyIsAllowed() throws Exception {
        var a = new OrderedLock("a");
        var b = new OrderedLock("b");
        try (var _ = LockSet.of(a, b).acquire(LONG)) {
            try (var _ = LockSet.of(a).acquire(LONG)) {
                assertThat(a.getHoldCount()).isEqualTo(2);
            }
            assertThat(a.getHoldCount()).isEqualTo(1);
            try (var _ = LockSet.of(a, b).acquire(LONG)) {
                assertThat(b.getHoldCount()).isEqualTo(2);
            }
        }
        assertThat(a.isLocked()).isFalse();
        assertThat(b.isLocked()).isFalse();
    }

    @Test
    void ascendingNestingIsAllowed() throws Exception {
        var a = new OrderedLock("a", 1);
        var b = new OrderedLock("b", 2);
        try (var _ = LockSet.of(a).acquire(LONG); var _ = LockSet.of(b).acquire(LONG)) {
            assertThat(b.isHeldByCurrentThread()).isTrue();
        }
    }

    @Test
    void outOfOrderNestingThrowsAtOnceTakingNothing() throws Exception {
        var low = new OrderedLock("low", 1);
        var mid = new OrderedLock("mid", 2);
        var high = new OrderedLock("high", 3);
        try (var _ = LockSet.of(high).acquire(LONG)) {
            assertThatThrownBy(() -> LockSet.of(mid, low).acquire(LONG))
                    .isInstanceOf(LockOrderException.class)
                    .hasMessageContaining("'high' (rank 3)")
                    .hasMessageContaining("'low' (rank 1)")
                    .satisfies(e -> {
                        var ex = (LockOrderException) e;
                        assertThat(ex.held()).isSameAs(high);
                        assertThat(ex.requested()).isSameAs(low);
                    });
            assertThat(low.isLocked()).isFalse();
            assertThat(mid.isLocked()).isFalse();
            // the per-set option skips the check
            try (var _ = LockSet.of(low).allowingOutOfOrder().acquire(LONG)) {
                assertThat(low.isHeldByCurrentThread()).isTrue();
            }
        }
    }

    @Test
    void timeoutReleasesWhatWasTakenAndNamesTheHolder() throws Exception {
        var a = new OrderedLock("a", 1);
        var b = new OrderedLock("b", 2);
        var holding = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        AtomicReference<Thread> holder = new AtomicReference<>();
        var scopeDone = new CountDownLatch(1);
        Thread owner = Thread.ofVirtual().start(() -> {
            try (var scope = Scope.open(ScopeOptions.named("bank"))) {
                scope.fork("hold-b", () -> {
                    holder.set(Thread.currentThread());
                    try (var _ = LockSet.of(b).acquire(LONG)) {
                        holding.countDown();
                        release.await();
                    }
                    return null;
                });
                scope.join();
            } catch (Exception e) {
                throw new RuntimeException(e);
            } finally {
                scopeDone.countDown();
            }
        });
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        try {
            assertThatThrownBy(() -> LockSet.of(a, b).acquire(Duration.ofMillis(100)))
                    .isInstanceOf(LockTimeoutException.class)
                    .hasMessageContaining("'b' (rank 2)")
                    .hasMessageContaining("thread '" + holder.get().getName() + "'")
                    .hasMessageContaining("bank/hold-b")
                    .satisfies(e -> {
                        var ex = (LockTimeoutException) e;
                        assertThat(ex.lock()).isSameAs(b);
                        assertThat(ex.holderPath()).contains("bank/hold-b");
                        assertThat(ex.waited()).isGreaterThanOrEqualTo(Duration.ofMillis(100));
                    });
            assertThat(a.isLocked()).isFalse();
            assertThat(Locks.snapshot().holds()).extracting(Locks.Hold::lock).doesNotContain(a);
        } finally {
            release.countDown();
        }
        assertThat(scopeDone.await(10, TimeUnit.SECONDS)).isTrue();
        owner.join();
        assertThat(b.isLocked()).isFalse();
    }

    @Test
    void interruptionStopsWaitingAndReleases() throws Exception {
        var a = new OrderedLock("a", 1);
        var b = new OrderedLock("b", 2);
        var holding = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Thread h = holdIn(LockSet.of(b), holding, release);
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().name("waiter").start(() -> {
            try {
                LockSet.of(a, b).acquire(LONG).close();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        // wait until the waiter shows in the snapshot as waiting for b
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Locks.snapshot().waits().stream().noneMatch(w -> w.thread().equals("waiter"))) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.onSpinWait();
        }
        String printed = Locks.snapshot().toString();
        assertThat(printed).contains("'waiter' waits for lock 'b' (rank 2) held by 'holder'");
        assertThat(printed).contains("'a' (rank 1) held by 'waiter'");
        waiter.interrupt();
        waiter.join(10_000);
        assertThat(waiter.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(a.isLocked()).isFalse();
        release.countDown();
        h.join();
        assertThat(b.isLocked()).isFalse();
    }

    @Test
    void scopeCancellationStopsTheWait() throws Exception {
        var a = new OrderedLock("a");
        var holding = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Thread h = holdIn(LockSet.of(a), holding, release);
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> {
            try (var scope = Scope.open(ScopeOptions.named("s").withTimeout(Duration.ofMillis(100)))) {
                scope.fork("wait-a", () -> {
                    LockSet.of(a).acquire(LONG).close();
                    return null;
                });
                scope.join();
            }
        }).isInstanceOf(dev.weft.scope.ScopeTimeoutException.class);
        assertThat(Locks.snapshot().waits()).isEmpty();
        release.countDown();
        h.join();
    }

    @Test
    @SuppressWarnings("try") // closes the holder from the wrong thread on purpose
    void heldClosedByAnotherThreadIsRefused() throws Exception {
        var a = new OrderedLock("a");
        try (var held = LockSet.of(a).acquire(LONG)) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    held.close();
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            t.join();
            assertThat(thrown.get()).isInstanceOf(WrongThreadException.class);
            assertThat(a.isHeldByCurrentThread()).isTrue();
        }
    }

    @Test
    void runAndCall() throws Exception {
        var a = new OrderedLock("a");
        var b = new OrderedLock("b");
        var set = LockSet.of(a, b);
        set.run(LONG, () -> assertThat(a.isHeldByCurrentThread() && b.isHeldByCurrentThread()).isTrue());
        int v = set.call(LONG, () -> a.getHoldCount() + b.getHoldCount());
        assertThat(v).isEqualTo(2);
        assertThatThrownBy(() -> set.call(LONG, () -> {
            throw new IOException("boom");
        })).isInstanceOf(IOException.class).hasMessage("boom");
        assertThatThrownBy(() -> set.run(LONG, () -> {
            throw new IllegalStateException("bad");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(a.isLocked()).isFalse();
        assertThat(b.isLocked()).isFalse();
    }

    @Test
    void scopeCancelStopsATaskWaitingInAcquireAndReleasesWhatItTook() throws Exception {
        var x = new OrderedLock("x", 1);
        var a = new OrderedLock("a", 2);
        var holding = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Thread h = holdIn(LockSet.of(a), holding, release);
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        dev.weft.scope.Task<Object> waiter;
        try (var scope = Scope.open(ScopeOptions.named("cancel-me"))) {
            waiter = scope.fork("waiter", () -> {
                try {
                    LockSet.of(a, x).acquire(LONG).close();
                } catch (Throwable t) {
                    thrown.set(t);
                    throw t;
                }
                return null;
            });
            var wait = awaitWaiter("cancel-me/waiter");
            assertThat(wait.lock()).isSameAs(a);
            assertThat(x.isLocked()).as("x, the first lock, is held while waiting for a").isTrue();
            scope.cancel();
            assertThatThrownBy(scope::join).isInstanceOf(java.util.concurrent.CancellationException.class);
        }
        assertThat(waiter.state()).isEqualTo(dev.weft.scope.Task.State.CANCELLED);
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(x.isLocked()).isFalse();
        assertThat(Locks.waitsOf("cancel-me/waiter")).isEmpty();
        release.countDown();
        h.join();
        assertThat(a.isLocked()).isFalse();
    }

    @Test
    void scopeDumpShowsWhatAWaitingTaskWaitsFor() throws Exception {
        var lock = new OrderedLock("dumped", 7);
        var holding = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        AtomicReference<String> holderName = new AtomicReference<>();
        try (var scope = Scope.open(ScopeOptions.named("demo"))) {
            scope.fork("worker-1", () -> {
                holderName.set(Thread.currentThread().getName());
                try (var _ = LockSet.of(lock).acquire(LONG)) {
                    holding.countDown();
                    release.await();
                }
                return null;
            });
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            scope.fork("worker-2", () -> {
                LockSet.of(lock).acquire(LONG).close();
                return null;
            });
            try {
                var wait = awaitWaiter("demo/worker-2");
                assertThat(wait.holderPath()).isEqualTo("demo/worker-1");
                String dump = Scope.dump();
                assertThat(dump).containsPattern("task worker-2 RUNNING [0-9.]+s  waits for lock 'dumped' \\(rank 7\\)"
                        + " held by '" + java.util.regex.Pattern.quote(holderName.get()) + "' \\[demo/worker-1\\] for \\d+ ms\n");
                assertThat(dump).containsPattern("task worker-1 RUNNING [0-9.]+s\n");
                assertThat(Locks.snapshot().toString()).contains("'dumped' (rank 7) held by '" + holderName.get()
                        + "' [demo/worker-1]");
            } finally {
                release.countDown();
            }
            scope.join();
        }
        assertThat(Scope.dump()).doesNotContain("'dumped'");
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void zeroTimeoutTriesOnceAndReleases() throws Exception {
        var a = new OrderedLock("a", 1);
        var b = new OrderedLock("b", 2);
        var holding = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Thread h = holdIn(LockSet.of(b), holding, release);
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        try {
            assertThatThrownBy(() -> LockSet.of(a, b).acquire(Duration.ZERO))
                    .isInstanceOf(LockTimeoutException.class)
                    .hasMessageContaining("held by thread 'holder'");
            assertThat(a.isLocked()).isFalse();
            try (var _ = LockSet.of(a).acquire(Duration.ZERO)) {
                assertThat(a.isHeldByCurrentThread()).isTrue();
            }
        } finally {
            release.countDown();
        }
        h.join();
    }

    @Test
    void manyWaitingVirtualThreadsDoNotStarveTheHolder() throws Exception {
        // If waiting pinned its carrier, 200 waiters would occupy every carrier thread and the holder, a virtual
        // thread itself, could never run again to release the lock.
        var a = new OrderedLock("a");
        var holding = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Thread h = holdIn(LockSet.of(a), holding, release);
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        var waiters = new java.util.ArrayList<Thread>();
        var counter = new int[1];
        for (int i = 0; i < 200; i++) {
            waiters.add(Thread.ofVirtual().start(() -> {
                try (var _ = LockSet.of(a).acquire(LONG)) {
                    counter[0]++; // guarded by a
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Locks.snapshot().waits().stream().filter(w -> w.lock() == a).count() < 200) {
            assertThat(System.nanoTime()).as("200 waiters within 10 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
        release.countDown();
        h.join(10_000);
        for (Thread w : waiters) {
            w.join(10_000);
            assertThat(w.isAlive()).isFalse();
        }
        try (var _ = LockSet.of(a).acquire(LONG)) {
            assertThat(counter[0]).isEqualTo(200);
        }
    }

    @Test
    void anInterruptedThreadTakesFreeLocksButDoesNotWait() throws Exception {
        var a = new OrderedLock("a", 1);
        var b = new OrderedLock("b", 2);
        var holding = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Thread h = holdIn(LockSet.of(b), holding, release);
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        try {
            Thread.currentThread().interrupt();
            try (var _ = LockSet.of(a).acquire(LONG)) { // free: taken, like ReentrantLock.tryLock()
                assertThat(a.isHeldByCurrentThread()).isTrue();
            }
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThatThrownBy(() -> LockSet.of(a, b).acquire(LONG)).isInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).as("the interrupt was consumed by the refused wait").isFalse();
            assertThat(a.isLocked()).isFalse();
        } finally {
            Thread.interrupted();
            release.countDown();
        }
        h.join();
    }

    @Test
    void misuse() {
        assertThatThrownBy(() -> LockSet.of()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OrderedLock(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LockSet.of(new OrderedLock("a")).acquire(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
