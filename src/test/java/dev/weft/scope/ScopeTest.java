package dev.weft.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScopeTest {

    /** Blocks until interrupted: a task that only cancellation can end. */
    static <T> T blockUntilCancelled() throws InterruptedException {
        new CountDownLatch(1).await();
        throw new AssertionError("unreachable");
    }

    @Test
    void openJoinsAllAndTasksRunOnVirtualThreads() throws Exception {
        try (var scope = Scope.open(ScopeOptions.named("s"))) {
            Task<Boolean> a = scope.fork("a", () -> Thread.currentThread().isVirtual());
            Task<Integer> b = scope.fork(() -> 2);
            assertThat(scope.join()).isNull();
            assertThat(a.get()).isTrue();
            assertThat(b.get()).isEqualTo(2);
            assertThat(a.state()).isEqualTo(Task.State.SUCCEEDED);
            assertThat(b.name()).isEqualTo("task-2");
            assertThat(a.path()).isEqualTo("s/a");
            assertThat(a.outcome()).isEqualTo(new Outcome.Success<>("a", true));
        }
    }

    @Test
    void openFirstFailureCancelsSiblingsAndIsTheCause() throws Exception {
        IOException boom = new IOException("boom");
        Task<Object> slow;
        try (var scope = Scope.open(ScopeOptions.named("s"))) {
            slow = scope.fork("slow", ScopeTest::blockUntilCancelled);
            scope.fork("bad", () -> { throw boom; });
            assertThatThrownBy(scope::join).isInstanceOf(TaskFailedException.class)
                    .hasCause(boom).hasMessageContaining("'s'").hasMessageContaining("'bad'")
                    .satisfies(e -> assertThat(((TaskFailedException) e).taskName()).isEqualTo("bad"));
        }
        assertThat(slow.state()).isEqualTo(Task.State.CANCELLED);
    }

    @Test
    void openFailuresBeforeCancellationAreSuppressed() throws Exception {
        CountDownLatch bothFailing = new CountDownLatch(2);
        CountDownLatch go = new CountDownLatch(1);
        try (var scope = Scope.open()) {
            // Both fail "at once": whichever is recorded second is either suppressed or cancelled, never lost.
            Task<Object> a = scope.fork(() -> { bothFailing.countDown(); go.await(); throw new IllegalStateException("a"); });
            Task<Object> b = scope.fork(() -> { bothFailing.countDown(); go.await(); throw new IllegalStateException("b"); });
            bothFailing.await();
            go.countDown();
            try {
                scope.join();
            } catch (TaskFailedException e) {
                List<Throwable> reported = new ArrayList<>(List.of(e.getSuppressed()));
                reported.add(e.getCause());
                for (Task<Object> t : List.of(a, b)) {
                    if (t.state() == Task.State.FAILED) {
                        assertThat(reported).contains(t.exception());
                    }
                }
            }
        }
    }

    @Test
    void raceReturnsFirstSuccessAndCancelsRest() throws Exception {
        Task<String> loser;
        try (var scope = Scope.<String>race()) {
            loser = scope.fork(ScopeTest::blockUntilCancelled);
            scope.fork(() -> { throw new IOException("x"); });
            scope.fork(() -> "win");
            assertThat(scope.join()).isEqualTo("win");
        }
        assertThat(loser.state()).isEqualTo(Task.State.CANCELLED);
    }

    @Test
    void raceAllFailingThrowsWithEveryFailure() {
        try (var scope = Scope.<String>race()) {
            scope.fork(() -> { throw new IOException("1"); });
            scope.fork(() -> { throw new IOException("2"); });
            assertThatThrownBy(scope::join).isInstanceOf(TaskFailedException.class)
                    .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
        }
    }

    @Test
    void raceWithNoTasksFails() {
        try (var scope = Scope.<String>race()) {
            assertThatThrownBy(scope::join).isInstanceOf(TaskFailedException.class).hasMessageContaining("no task");
        }
    }

    @Test
    void settleReturnsEveryOutcomeInForkOrder() throws Exception {
        IOException boom = new IOException("boom");
        try (var scope = Scope.<Integer>settle()) {
            scope.fork("one", () -> 1);
            scope.fork("two", () -> { throw boom; });
            scope.fork("three", () -> 3);
            assertThat(scope.join()).containsExactly(new Outcome.Success<>("one", 1),
                    new Outcome.Failure<>("two", boom), new Outcome.Success<>("three", 3));
        }
    }

    @Test
    void quorumReturnsFirstNAndCancelsRest() throws Exception {
        Task<Integer> hang;
        try (var scope = Scope.<Integer>quorum(2)) {
            scope.fork(() -> 1);
            hang = scope.fork(ScopeTest::blockUntilCancelled);
            scope.fork(() -> 2);
            assertThat(scope.join()).containsExactlyInAnyOrder(1, 2);
        }
        assertThat(hang.state()).isEqualTo(Task.State.CANCELLED);
    }

    @Test
    void quorumFailsAsSoonAsUnreachable() {
        try (var scope = Scope.<Integer>quorum(2)) {
            scope.fork(ScopeTest::blockUntilCancelled);
            scope.fork(() -> { throw new IOException("1"); });
            scope.fork(() -> { throw new IOException("2"); });
            assertThatThrownBy(scope::join).isInstanceOf(TaskFailedException.class)
                    .hasMessageContaining("unreachable");
        }
    }

    @Test
    void timeoutCancelsAndNamesUnfinishedTasks() {
        try (var scope = Scope.open(ScopeOptions.named("slow").withTimeout(Duration.ofMillis(50)))) {
            scope.fork("stuck", ScopeTest::blockUntilCancelled);
            scope.fork("quick", () -> 1);
            assertThatThrownBy(scope::join).isInstanceOf(ScopeTimeoutException.class)
                    .hasMessageContaining("'slow'").hasMessageContaining("stuck")
                    .satisfies(e -> assertThat(((ScopeTimeoutException) e).unfinishedTasks()).containsExactly("stuck"));
        }
    }

    @Test
    void deadlineInThePastTimesOutAtOnce() {
        try (var scope = Scope.open(ScopeOptions.defaults().withDeadline(java.time.Instant.now().minusSeconds(1)))) {
            scope.fork(ScopeTest::blockUntilCancelled);
            assertThatThrownBy(scope::join).isInstanceOf(ScopeTimeoutException.class);
        }
    }

    @Test
    void maxConcurrencyBoundsRunningTasks() throws Exception {
        AtomicInteger now = new AtomicInteger(), peak = new AtomicInteger();
        try (var scope = Scope.open(ScopeOptions.defaults().withMaxConcurrency(3))) {
            for (int i = 0; i < 200; i++) {
                scope.fork(() -> {
                    peak.accumulateAndGet(now.incrementAndGet(), Math::max);
                    Thread.yield();
                    now.decrementAndGet();
                    return null;
                });
            }
            scope.join();
        }
        assertThat(peak.get()).isBetween(1, 3);
    }

    @Test
    @SuppressWarnings("try") // close() inside the try on purpose: the task's state is checked after it
    void cancelFromAnotherThreadEndsJoin() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        try (var scope = Scope.open(ScopeOptions.named("c"))) {
            Task<Object> t = scope.fork(() -> { started.countDown(); return blockUntilCancelled(); });
            started.await();
            Thread.ofVirtual().start(scope::cancel);
            assertThatThrownBy(scope::join).isInstanceOf(CancellationException.class).hasMessageContaining("'c'");
            scope.close();
            assertThat(t.state()).isEqualTo(Task.State.CANCELLED);
        }
    }

    @Test
    void interruptingTheOwnerCancelsItsScope() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger cancelled = new AtomicInteger();
        Thread owner = Thread.ofVirtual().start(() -> {
            try (var scope = Scope.open()) {
                scope.fork(() -> {
                    started.countDown();
                    try {
                        return blockUntilCancelled();
                    } catch (InterruptedException e) {
                        cancelled.incrementAndGet();
                        throw e;
                    }
                });
                scope.join();
            } catch (InterruptedException expected) {
                // the owner was interrupted
            }
        });
        started.await();
        owner.interrupt();
        assertThat(owner.join(Duration.ofSeconds(10))).isTrue();
        assertThat(cancelled.get()).isEqualTo(1);
    }

    @Test
    void nestedScopesFormPathsAndCancelWithTheirParent() throws Exception {
        CountDownLatch innerStarted = new CountDownLatch(1);
        AtomicInteger innerCancelled = new AtomicInteger();
        List<String> paths = new ArrayList<>();
        try (var outer = Scope.open(ScopeOptions.named("demo"))) {
            outer.fork("download", () -> {
                try (var inner = Scope.open()) {
                    inner.fork("page-3", () -> {
                        synchronized (paths) { paths.add(Weft.context().path()); }
                        innerStarted.countDown();
                        try {
                            return blockUntilCancelled();
                        } catch (InterruptedException e) {
                            innerCancelled.incrementAndGet();
                            throw e;
                        }
                    });
                    inner.join();
                }
                return null;
            });
            outer.fork("bad", () -> { innerStarted.await(); throw new IOException("bad"); });
            assertThatThrownBy(outer::join).isInstanceOf(TaskFailedException.class);
        }
        assertThat(paths).containsExactly("demo/download/page-3");
        assertThat(innerCancelled.get()).isEqualTo(1);
    }

    @Test
    void dumpShowsLiveScopesAndTasks() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        try (var scope = Scope.open(ScopeOptions.named("dumped"))) {
            scope.fork("sleeper", () -> { started.countDown(); return blockUntilCancelled(); });
            started.await();
            String dump = Scope.dump();
            assertThat(dump).contains("scope dumped [open]").contains("task sleeper RUNNING");
            scope.cancel();
            assertThatThrownBy(scope::join).isInstanceOf(CancellationException.class);
        }
        assertThat(Scope.dump()).doesNotContain("dumped");
    }

    @Test
    void misuseThrowsNamingTheScope() throws Exception {
        var scope = Scope.open(ScopeOptions.named("m"));
        assertThatThrownBy(() -> scope.fork(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("'m'");
        Thread other = Thread.ofVirtual().unstarted(() -> assertThatThrownBy(() -> scope.fork(() -> 1))
                .isInstanceOf(WrongThreadException.class).hasMessageContaining("'m'"));
        other.start();
        other.join();
        scope.join();
        assertThatThrownBy(scope::join).isInstanceOf(IllegalStateException.class).hasMessageContaining("'m'");
        assertThatThrownBy(() -> scope.fork(() -> 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after join");
        scope.close();
        assertThatThrownBy(() -> scope.fork(() -> 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Scope.quorum(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScopeOptions.named("x").withMaxConcurrency(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x'");
        assertThatThrownBy(() -> ScopeOptions.named("x").withTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }

    @Test
    void closingOuterBeforeNestedClosesBothAndThrows() {
        var outer = Scope.open(ScopeOptions.named("outer"));
        var inner = Scope.open(ScopeOptions.named("inner"));
        assertThat(inner.path()).isEqualTo("outer/inner");
        assertThatThrownBy(outer::close).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outer").hasMessageContaining("inner");
        assertThat(Scope.dump()).doesNotContain("outer");
    }

    @Test
    void closeWithoutJoinCancelsAndThrows() {
        var scope = Scope.open(ScopeOptions.named("nojoin"));
        Task<Object> t = scope.fork(ScopeTest::blockUntilCancelled);
        assertThatThrownBy(scope::close).isInstanceOf(IllegalStateException.class).hasMessageContaining("without join");
        assertThat(t.state()).isEqualTo(Task.State.CANCELLED);
    }

    @Test
    void taskAccessorsRejectWrongStates() throws Exception {
        try (var scope = Scope.<Integer>settle()) {
            Task<Integer> ok = scope.fork(() -> 1);
            Task<Integer> bad = scope.fork(() -> { throw new IOException("x"); });
            scope.join();
            assertThatThrownBy(ok::exception).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(bad::get).isInstanceOf(IllegalStateException.class).hasCauseInstanceOf(IOException.class);
            assertThat(bad.elapsed()).isPositive();
        }
    }

    @Test
    void closeLogsTasksThatIgnoreInterruptionByName() throws Exception {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(Scope.class.getName());
        CountDownLatch warned = new CountDownLatch(1);
        List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                messages.add(r.getMessage());
                warned.countDown();
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(handler);
        CountDownLatch started = new CountDownLatch(1);
        try {
            var scope = Scope.open(ScopeOptions.named("stubborn").withCloseGracePeriod(Duration.ofMillis(20)));
            scope.fork("deaf", () -> {
                started.countDown();
                // Ignores interruption: only the warning being logged lets it end.
                while (true) {
                    try {
                        if (warned.await(10, TimeUnit.SECONDS)) {
                            return null;
                        }
                    } catch (InterruptedException ignored) {
                        // deliberately ignored
                    }
                }
            });
            started.await();
            scope.cancel();
            assertThatThrownBy(scope::join).isInstanceOf(CancellationException.class);
            scope.close();
        } finally {
            jul.removeHandler(handler);
        }
        assertThat(messages).anySatisfy(m -> assertThat(m).contains("still waits"));
    }
}
