package dev.weft.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Regression tests for issue 12's scope defects: cancellation that needs no free carrier, timeouts that name every
 * task running at that moment, cancellation reaching scopes nested by the same owner, completion callbacks outside the
 * scope's lock, and one name for unnamed scopes. Each test failed on the code before its fix (see the commit).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScopeCancellationTest {

    private static Object blockUntilCancelled() throws InterruptedException {
        new CountDownLatch(1).await();
        throw new AssertionError("unreachable");
    }

    /** The virtual thread scheduler's parallelism: how many spinning tasks occupy every carrier. */
    private static int carriers() {
        String p = System.getProperty("jdk.virtualThreadScheduler.parallelism");
        return p != null ? Integer.parseInt(p) : Runtime.getRuntime().availableProcessors();
    }

    // Item 1: cancel() from another thread must interrupt tasks even when CPU-bound tasks hold every carrier.
    @Test
    void cancelFromAnotherThreadInterruptsTasksThatHoldEveryCarrier() {
        int n = carriers();
        CountDownLatch spinning = new CountDownLatch(n);
        AtomicBoolean release = new AtomicBoolean(); // frees the carriers if cancellation regresses
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                try (var scope = Scope.open(ScopeOptions.named("busy"))) {
                    for (int i = 0; i < n; i++) {
                        scope.fork("spin-" + i, () -> {
                            spinning.countDown();
                            while (!Thread.currentThread().isInterrupted()) {
                                if (release.get()) {
                                    return "released";
                                }
                                Thread.onSpinWait();
                            }
                            throw new InterruptedException("spin interrupted");
                        });
                    }
                    Thread.ofPlatform().name("canceller").start(() -> {
                        try {
                            spinning.await();
                            scope.cancel();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    assertThatThrownBy(scope::join).isInstanceOf(CancellationException.class)
                            .hasMessageContaining("'busy'");
                }
            }, "join did not return after cancel() with every carrier busy");
        } finally {
            release.set(true);
        }
    }

    // Item 2: tasks that answer the interrupt by returning still count as unfinished at the moment of the timeout.
    @Test
    void timeoutNamesTasksThatReturnAfterTheInterrupt() {
        for (int r = 0; r < 20; r++) {
            int run = r;
            List<Task<Object>> tasks = new ArrayList<>();
            ScopeTimeoutException timedOut;
            try (var scope = Scope.open(ScopeOptions.named("answering").withTimeout(Duration.ofMillis(20)))) {
                for (int i = 0; i < 10; i++) {
                    tasks.add(scope.fork("t" + i, () -> {
                        try {
                            return blockUntilCancelled();
                        } catch (InterruptedException e) {
                            return "answered";
                        }
                    }));
                }
                timedOut = (ScopeTimeoutException) catchThrowable(scope::join);
            }
            // Only an interrupt ends a task, so every task that succeeded was running when the timeout passed; a task
            // forked after it (on a slow machine) never ran and is rightly not named.
            List<String> ran = tasks.stream().filter(t -> t.state() == Task.State.SUCCEEDED).map(Task::name).toList();
            assertThat(timedOut.unfinishedTasks()).as("run %d", run).containsExactlyInAnyOrderElementsOf(ran);
            assertThat(tasks).allMatch(t -> t.state() != Task.State.RUNNING && t.state() != Task.State.FAILED);
        }
    }

    // Item 3: an outer scope's cancellation reaches a scope nested in it by the same owner.
    @Test
    void outerTimeoutCancelsScopeNestedBySameOwner() {
        assertNestedCancelled(outer -> { }, Duration.ofMillis(50), "timed out");
    }

    @Test
    void outerCancelFromAnotherThreadCancelsScopeNestedBySameOwner() {
        assertNestedCancelled(outer -> Thread.ofPlatform().start(outer::cancel), null, "was cancelled");
    }

    @Test
    void outerPolicyCancellationCancelsScopeNestedBySameOwner() {
        assertNestedCancelled(outer -> outer.fork("bad", () -> { throw new IOException("bad"); }), null,
                "task 'bad' failed");
    }

    /**
     * Opens "outer" (with {@code timeout} if given), then "inner" on the same thread with a task that only
     * cancellation ends, then runs {@code trigger} once inner's task runs; inner.join() must end with a
     * CancellationException that names outer and says why.
     */
    private static void assertNestedCancelled(Consumer<Scope<Object, Void>> trigger, Duration timeout, String why) {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            ScopeOptions options = ScopeOptions.named("outer");
            try (var outer = Scope.open(timeout == null ? options : options.withTimeout(timeout))) {
                CountDownLatch innerRunning = new CountDownLatch(1);
                AtomicReference<Throwable> innerEnd = new AtomicReference<>();
                try (var inner = Scope.open(ScopeOptions.named("inner"))) {
                    inner.fork("sleeper", () -> {
                        innerRunning.countDown();
                        return blockUntilCancelled();
                    });
                    innerRunning.await();
                    trigger.accept(outer);
                    try {
                        inner.join();
                    } catch (Throwable e) {
                        innerEnd.set(e);
                    }
                }
                assertThat(innerEnd.get()).isInstanceOf(CancellationException.class)
                        .hasMessageContaining("'outer/inner'").hasMessageContaining("'outer'")
                        .hasMessageContaining(why);
                assertThat(outer.isCancelled()).isTrue();
                try {
                    outer.join();
                } catch (RuntimeException expected) {
                    // the outer scope reports its own end: timeout, cancellation or the failure
                }
            }
        }, "inner.join() was not ended by the outer scope's cancellation");
    }

    // Item 4: a task's completion callback runs after the scope's lock is released.
    @Test
    void taskEventCallbackDoesNotRunUnderTheScopesLock() throws Exception {
        CountDownLatch registered = new CountDownLatch(1);
        AtomicBoolean otherThreadCancelled = new AtomicBoolean();
        CountDownLatch callbackDone = new CountDownLatch(1);
        try (var scope = Scope.open(ScopeOptions.named("callbacks"))) {
            Task<Object> failing = scope.fork("failing", () -> {
                registered.await();
                throw new IOException("fails");
            });
            failing.event().onComplete(e -> {
                // Another thread takes the scope's lock; if this callback ran under it, that thread would stall.
                Thread other = Thread.ofPlatform().start(scope::cancel);
                // That cancellation may interrupt this (the task's) thread through the JDK scope: wait on regardless.
                boolean interrupted = false;
                while (true) {
                    try {
                        otherThreadCancelled.set(other.join(Duration.ofSeconds(10)));
                        break;
                    } catch (InterruptedException ex) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                callbackDone.countDown();
            });
            registered.countDown();
            assertThatThrownBy(scope::join).isInstanceOf(RuntimeException.class);
            callbackDone.await();
        }
        assertThat(otherThreadCancelled).as("scope.cancel() from another thread finished while the callback ran")
                .isTrue();
    }

    // Item 13: an unnamed scope has one name in every message and in toString.
    @Test
    void unnamedScopeHasOneNameEverywhere() throws Exception {
        String name;
        try (var scope = Scope.open()) {
            Matcher m = Pattern.compile("Scope\\['(.+)', open]").matcher(scope.toString());
            assertThat(m.matches()).as("toString %s", scope).isTrue();
            name = m.group(1);
            scope.fork("bad", () -> { throw new IOException("bad"); });
            assertThatThrownBy(scope::join).isInstanceOf(TaskFailedException.class)
                    .hasMessageContaining("scope '" + name + "'");
        }
        try (var scope = Scope.open()) {
            String other = scope.toString().replaceAll("Scope\\['(.+)', open]", "$1");
            scope.fork(() -> 1);
            assertThatThrownBy(scope::close).hasMessageContaining("scope '" + other + "'");
        }
        try (var scope = Scope.open()) {
            String other = scope.toString().replaceAll("Scope\\['(.+)', open]", "$1");
            scope.cancel();
            assertThatThrownBy(scope::join).isInstanceOf(CancellationException.class)
                    .hasMessageContaining("scope '" + other + "'");
        }
        try (var scope = Scope.open(ScopeOptions.defaults().withTimeout(Duration.ofMillis(1)))) {
            String other = scope.toString().replaceAll("Scope\\['(.+)', open]", "$1");
            scope.fork(ScopeCancellationTest::blockUntilCancelled);
            assertThatThrownBy(scope::join).isInstanceOf(ScopeTimeoutException.class)
                    .hasMessageContaining("scope '" + other + "'");
        }
    }
}
