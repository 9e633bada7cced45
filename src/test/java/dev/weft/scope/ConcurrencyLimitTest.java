package dev.weft.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A scope under a {@link ConcurrencyLimit} that moves ({@link ScopeOptions#withConcurrencyLimit}), set by hand through
 * {@link FakeLimit}: never more tasks run than the limit; a rise told to the listeners admits queued forks at once
 * (plain forks parking the owner, prioritised forks waiting on their own threads), a rise told to no one at the next
 * task end or fork; a fall holds replacements back; each admitted task is reported once; the listener lives as long as
 * the scope; 0 or less counts as 1; {@code maxConcurrency} stays a ceiling; cancellation ends cleanly. Every body waits
 * on a latch of its own, so the test decides when each slot frees; waits are on states, never on time.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConcurrencyLimitTest {

    /** Bodies that record their start (and how many ran then) and wait for the test to let them end. */
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Queue<String> started = new ConcurrentLinkedQueue<>();
    private final Map<String, Integer> runningAtStart = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    private Callable<String> body(String name) {
        gates.put(name, new CountDownLatch(1));
        return () -> {
            int now = running.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            runningAtStart.put(name, now);
            started.add(name);
            try {
                gates.get(name).await();
            } finally {
                running.decrementAndGet();
            }
            return name;
        };
    }

    private void end(String name) {
        gates.get(name).countDown();
    }

    private void endAll() {
        gates.values().forEach(CountDownLatch::countDown);
    }

    /** Waits, on states and not on time (the class's timeout bounds it), until {@code condition} holds. */
    private static void await(BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private void awaitStarted(String... names) {
        await(() -> started.containsAll(List.of(names)));
    }

    private static ScopeOptions options(FakeLimit limit) {
        return ScopeOptions.named("moving").withConcurrencyLimit(limit).withMaxWaitingForks(16);
    }

    @Test
    void neverMoreRunThanTheLimitAndARiseToldToTheListenersAdmitsWaitingForksAtOnce() throws Exception {
        FakeLimit limit = new FakeLimit(2);
        try (var scope = Scope.open(options(limit))) {
            for (String n : List.of("a", "b", "c", "d", "e", "f")) {
                scope.fork(n, Priority.NORMAL, body(n));
            }
            awaitStarted("a", "b");
            // c-f were never granted: nothing read a higher limit (a and b start side by side, in either order)
            assertThat(started).containsExactlyInAnyOrder("a", "b");
            limit.set(4, true); // admits c and d on this thread, before set returns
            awaitStarted("c", "d"); // while a and b still hold their slots
            assertThat(running.get()).isEqualTo(4);
            end("a");
            awaitStarted("e");
            end("b");
            awaitStarted("f");
            endAll();
            scope.join();
        }
        assertThat(started).containsExactlyInAnyOrder("a", "b", "c", "d", "e", "f");
        assertThat(peak.get()).isEqualTo(4);
    }

    @Test
    void aRiseToldToTheListenersAdmitsAPlainForkParkingTheOwner() throws Exception {
        FakeLimit limit = new FakeLimit(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch forkReturned = new CountDownLatch(1);
        CountDownLatch join = new CountDownLatch(1);
        Thread owner = Thread.ofVirtual().name("owner").start(() -> {
            try (var scope = Scope.open(options(limit))) {
                scope.fork("a", body("a"));
                scope.fork("b", body("b")); // parks: a holds the only slot
                forkReturned.countDown();
                join.await();
                scope.join();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        ScopePriorityTest.awaitParkedInFork(owner);
        awaitStarted("a");
        limit.set(2, true);
        forkReturned.await(); // the rise admitted b at once: a still runs
        awaitStarted("b");
        assertThat(running.get()).isEqualTo(2);
        endAll();
        join.countDown();
        owner.join();
        assertThat(failure.get()).isNull();
        assertThat(runningAtStart).containsEntry("b", 2);
    }

    @Test
    void aRiseToldToNoOneAdmitsSeveralWaitingForksAtTheNextTaskEnd() throws Exception {
        FakeLimit limit = new FakeLimit(1);
        try (var scope = Scope.open(options(limit))) {
            scope.fork("a", Priority.NORMAL, body("a"));
            Task<String> b = scope.fork("b", Priority.NORMAL, body("b"));
            Task<String> c = scope.fork("c", Priority.NORMAL, body("c"));
            Task<String> d = scope.fork("d", Priority.NORMAL, body("d"));
            awaitStarted("a");
            limit.set(3, false);
            assertThat(List.of(b, c, d)).allMatch(t -> t.state() == Task.State.RUNNING);
            end("a"); // its end re-reads the limit: 3 free slots, 3 waiting
            awaitStarted("b", "c", "d"); // all three, none of them ended
            assertThat(running.get()).isEqualTo(3);
            endAll();
            scope.join();
        }
        assertThat(peak.get()).isEqualTo(3);
    }

    @Test
    void aRiseToldToNoOneAdmitsWaitingForksAtTheNextFork() throws Exception {
        FakeLimit limit = new FakeLimit(1);
        try (var scope = Scope.open(options(limit))) {
            scope.fork("a", Priority.NORMAL, body("a"));
            scope.fork("b", Priority.NORMAL, body("b"));
            awaitStarted("a");
            limit.set(4, false);
            scope.fork("c", Priority.LOW, body("c")); // queues behind b, then serves the queue: b and c run
            awaitStarted("b", "c");
            scope.fork("d", body("d")); // a plain fork: a free slot, taken at once (a hang here would be the bug)
            awaitStarted("d");
            assertThat(running.get()).isEqualTo(4);
            endAll();
            scope.join();
        }
        assertThat(started).containsExactlyInAnyOrder("a", "b", "c", "d"); // b and c start side by side
    }

    @Test
    void aFallHoldsReplacementsBackUntilFewerRunThanTheLimit() throws Exception {
        FakeLimit limit = new FakeLimit(3);
        try (var scope = Scope.open(options(limit))) {
            for (String n : List.of("a", "b", "c", "d", "e")) {
                scope.fork(n, Priority.NORMAL, body(n));
            }
            awaitStarted("a", "b", "c");
            limit.set(1, true); // a fall: nothing is stopped
            end("a");
            end("b");
            await(() -> limit.ends.size() == 2); // both ends were reported, and neither handed its slot to d
            assertThat(started).containsExactlyInAnyOrder("a", "b", "c");
            end("c"); // fewer than 1 run now: d is admitted
            awaitStarted("d");
            end("d");
            awaitStarted("e");
            end("e");
            scope.join();
        }
        assertThat(runningAtStart).containsEntry("d", 1).containsEntry("e", 1);
    }

    @Test
    void eachAdmittedTaskIsReportedOnceWithItsScopesCounts() throws Exception {
        FakeLimit limit = new FakeLimit(2);
        try (var scope = Scope.<String>settle(options(limit))) {
            scope.fork("t1", Priority.NORMAL, body("t1"));
            scope.fork("t2", Priority.NORMAL, body("t2"));
            scope.fork("t3", Priority.NORMAL, () -> {
                started.add("t3");
                throw new IllegalStateException("t3 fails");
            });
            scope.fork("t4", Priority.NORMAL, body("t4"));
            scope.fork("t5", Priority.NORMAL, body("t5"));
            awaitStarted("t1", "t2");
            end("t1"); // ends with t2 running and t3-t5 queued
            await(() -> limit.ends.size() == 2); // t3 was admitted and failed at once
            end("t2");
            awaitStarted("t4", "t5");
            end("t4");
            end("t5");
            scope.join();
        }
        List<FakeLimit.End> ends = new ArrayList<>(limit.ends);
        assertThat(ends).hasSize(5);
        assertThat(ends.get(0)).extracting(FakeLimit.End::inFlight, FakeLimit.End::queued, FakeLimit.End::failed)
                .containsExactly(2, 3, false);
        assertThat(ends.get(1)).extracting(FakeLimit.End::inFlight, FakeLimit.End::queued, FakeLimit.End::failed)
                .containsExactly(2, 2, true);
        assertThat(ends).allSatisfy(e -> {
            assertThat(e.inFlight()).isBetween(1, 2);
            assertThat(e.queued()).isBetween(0, 3);
            assertThat(e.runNanos()).isNotNegative();
        });
        assertThat(ends.stream().filter(FakeLimit.End::failed)).hasSize(1);
        assertThat(ends.getLast().inFlight()).isEqualTo(1); // the last one alone
        assertThat(ends.getLast().queued()).isZero();
    }

    @Test
    void theListenerIsSubscribedWhileTheScopeIsOpenAndRemovedOnClose() throws Exception {
        FakeLimit limit = new FakeLimit(2);
        try (var scope = Scope.open(options(limit))) {
            assertThat(limit.listeners).hasSize(1);
            scope.fork("a", body("a"));
            endAll();
            scope.join();
            assertThat(limit.listeners).hasSize(1); // joined, not yet closed
        }
        assertThat(limit.listeners).isEmpty();
        // closed without join (close throws): removed too
        assertThatThrownBy(() -> {
            try (var scope = Scope.open(options(limit))) {
                scope.fork("b", ConcurrencyLimitTest::blockUntilCancelled);
                assertThat(limit.listeners).hasSize(1);
            }
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed without join");
        assertThat(limit.listeners).isEmpty();
        limit.set(5, true); // nothing is subscribed: a later rise reaches no closed scope
    }

    @Test
    void aLimitOfZeroOrLessCountsAsOne() throws Exception {
        for (int v : new int[] {0, -7}) {
            FakeLimit limit = new FakeLimit(v);
            started.clear();
            peak.set(0);
            Thread me = Thread.currentThread();
            try (var scope = Scope.open(options(limit))) {
                scope.fork("a" + v, Priority.NORMAL, body("a" + v));
                scope.fork("b" + v, Priority.NORMAL, body("b" + v));
                awaitStarted("a" + v);
                assertThat(started).containsExactly("a" + v); // b was not admitted beside a
                Thread.ofVirtual().start(() -> {
                    ScopePriorityTest.awaitParkedInFork(me);
                    endAll();
                });
                scope.fork("c" + v, body("c" + v)); // a plain fork waits too, parking this owner until b ends
                scope.join();
            }
            assertThat(peak.get()).as("limit %d", v).isEqualTo(1);
            assertThat(started).containsExactly("a" + v, "b" + v, "c" + v);
        }
    }

    @Test
    void maxConcurrencyStaysACeilingOverTheMovingLimit() throws Exception {
        FakeLimit limit = new FakeLimit(100);
        try (var scope = Scope.open(options(limit).withMaxConcurrency(2))) {
            for (String n : List.of("a", "b", "c", "d")) {
                scope.fork(n, Priority.NORMAL, body(n));
            }
            awaitStarted("a", "b");
            limit.set(1_000, true); // still 2 at most
            end("a");
            awaitStarted("c");
            end("b");
            awaitStarted("d");
            endAll();
            scope.join();
        }
        assertThat(peak.get()).isEqualTo(2);
        assertThat(runningAtStart.values()).allMatch(n -> n <= 2);
    }

    private static Object blockUntilCancelled() throws InterruptedException {
        new CountDownLatch(1).await();
        throw new AssertionError("unreachable");
    }

    @Test
    void cancellingWithForksWaitingUnderAMovingLimitEndsCleanly() throws Exception {
        FakeLimit limit = new FakeLimit(1);
        AtomicInteger bodiesRun = new AtomicInteger();
        List<Task<Object>> waiting = new ArrayList<>();
        AtomicReference<Throwable> joined = new AtomicReference<>();
        AtomicReference<Scope<Object, Void>> opened = new AtomicReference<>();
        CountDownLatch forked = new CountDownLatch(1);
        Thread owner = Thread.ofVirtual().name("owner").start(() -> {
            try (var scope = Scope.open(options(limit))) {
                opened.set(scope);
                scope.fork("blocker", ConcurrencyLimitTest::blockUntilCancelled);
                for (int i = 0; i < 4; i++) {
                    waiting.add(scope.fork("w" + i, Priority.of(i), () -> {
                        bodiesRun.incrementAndGet();
                        return null;
                    }));
                }
                forked.countDown();
                waiting.add(scope.fork("plain", () -> { // parks the owner: cancellation must wake it
                    bodiesRun.incrementAndGet();
                    return null;
                }));
                scope.join();
            } catch (Throwable t) {
                joined.set(t);
            }
        });
        forked.await();
        ScopePriorityTest.awaitParkedInFork(owner);
        Thread mover = Thread.ofVirtual().start(() -> { // the limit keeps moving while the scope is cancelled
            for (int i = 0; i < 200; i++) {
                limit.set(1 + i % 3, i % 2 == 0);
            }
        });
        opened.get().cancel();
        owner.join();
        mover.join();
        assertThat(joined.get()).isInstanceOf(CancellationException.class);
        // A rise before the cancellation may have admitted some (their bodies ran and succeeded); every other one
        // ended cancelled, its body never run: none is left waiting, none ran twice.
        assertThat(waiting).allMatch(t -> t.state() == Task.State.SUCCEEDED || t.state() == Task.State.CANCELLED);
        assertThat(waiting.stream().filter(t -> t.state() == Task.State.SUCCEEDED).count())
                .isEqualTo(bodiesRun.get());
        assertThat(limit.listeners).isEmpty();
    }

    @Test
    void weftMapUnderAMovingLimitKeepsInputOrder() {
        FakeLimit limit = new FakeLimit(2);
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Integer> items = IntStream.range(0, 200).boxed().toList();
        List<Integer> squares = Weft.map(items, i -> {
            int n = now.incrementAndGet();
            most.accumulateAndGet(n, Math::max);
            try {
                if (i == 20) {
                    limit.set(8, true); // a rise from inside a task, its listener run on the task's thread
                }
                if (i == 120) {
                    limit.set(3, false); // a fall told to no one
                }
                Thread.yield();
                return i * i;
            } finally {
                now.decrementAndGet();
            }
        }, limit);
        assertThat(squares).isEqualTo(items.stream().map(i -> i * i).toList());
        assertThat(most.get()).isBetween(1, 8);
        assertThat(limit.ends).hasSize(200);
        assertThat(limit.listeners).isEmpty();
    }
}
