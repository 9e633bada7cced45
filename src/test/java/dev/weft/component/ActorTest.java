package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ActorTest {
    static final Duration LONG = Duration.ofSeconds(20);

    /** A counter that refuses negative amounts, and remembers which thread touched it last. */
    static final class Counter {
        long total;
        Thread lastThread;

        void add(long n) {
            if (n < 0) {
                throw new IllegalArgumentException("negative amount " + n);
            }
            total += n;
            lastThread = Thread.currentThread();
        }

        long addAndGet(long n) {
            add(n);
            return total;
        }

        long total() {
            return total;
        }
    }

    @Test
    void tellsAndAsksRunOneAtATimeOnTheActorsThread() throws Exception {
        Actor<Counter> counter = Actor.of(Counter::new, ActorOptions.defaults().withName("counter"));
        try (var system = Components.open(Components.Options.defaults().withName("sys"))) {
            system.start(counter);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        for (int j = 0; j < 100; j++) {
                            counter.tell(Counter::add, 1L);
                        }
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            for (Thread t : threads) {
                assertThat(t.join(LONG)).isTrue();
            }
            assertThat(counter.ask(Counter::total, LONG)).isEqualTo(10_000L);
            assertThat(counter.ask(Counter::addAndGet, 5L, LONG)).isEqualTo(10_005L);
            assertThat(system.describe()).contains("sys/counter (Actor)").contains("mailbox")
                    .contains("actor escalate, 0 restart(s), 0 failure(s)").contains("asks 0 open, 0 late replies");
            counter.stop();
        }
        assertThat(counter.state()).isEqualTo(Component.State.SUCCEEDED);
        assertThat(counter.processed()).isEqualTo(10_002);
    }

    @Test
    void theTwoArgumentFormsEvaluateTheArgumentOnTheCallersThreadTheLambdaFormDoesNot() throws Exception {
        // Jox's pitfall: in tell(a -> a.f(expensive())), expensive() is part of the lambda, so it runs on the actor.
        AtomicReference<Thread> evaluatedOn = new AtomicReference<>();
        Actor<Counter> counter = Actor.of(Counter::new);
        try (var system = Components.open()) {
            system.start(counter);
            Thread caller = Thread.currentThread();
            class Costly {
                long expensive() {
                    evaluatedOn.set(Thread.currentThread());
                    return 7;
                }
            }
            Costly costly = new Costly();

            counter.tell(Counter::add, costly.expensive());
            assertThat(evaluatedOn.get()).as("tell(method, argument)").isSameAs(caller);

            evaluatedOn.set(null);
            assertThat(counter.ask(Counter::addAndGet, costly.expensive(), LONG)).isEqualTo(14L);
            assertThat(evaluatedOn.get()).as("ask(method, argument, timeout)").isSameAs(caller);
            Thread actorThread = counter.ask(c -> c.lastThread, LONG);
            assertThat(actorThread).isNotSameAs(caller);

            evaluatedOn.set(null);
            counter.tell(c -> c.add(costly.expensive())); // the pitfall form: documented, not hidden
            assertThat(counter.ask(Counter::total, LONG)).isEqualTo(21L);
            assertThat(evaluatedOn.get()).as("tell(lambda)").isSameAs(actorThread);
            counter.stop();
        }
    }

    @Test
    void aTellToItselfNeverBlocksEvenWithAFullMailbox() throws Exception {
        // Mailbox of 1, kept full from outside; while handling, the actor tells itself 1,000 times.
        Actor<Counter> counter = Actor.of(Counter::new, ActorOptions.defaults().withMailboxCapacity(1));
        AtomicReference<Actor<Counter>> self = new AtomicReference<>(counter);
        try (var system = Components.open()) {
            system.start(counter);
            counter.tell(c -> {
                for (int i = 0; i < 1_000; i++) {
                    try {
                        assertThat(self.get().tell(Counter::add, 1L)).isTrue();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            });
            counter.tell(Counter::add, 1_000_000L); // fills the mailbox while the actor is busy
            assertThat(counter.ask(Counter::total, LONG)).isEqualTo(1_001_000L);
            assertThat(counter.failures()).isZero();
            counter.stop();
        }
    }

    @Test
    void anAskOfItselfFailsFast() throws Exception {
        AtomicReference<Actor<Counter>> self = new AtomicReference<>();
        Actor<Counter> counter = Actor.of(Counter::new);
        self.set(counter);
        try (var system = Components.open()) {
            system.start(counter);
            assertThatThrownBy(() -> counter.ask(c -> {
                try {
                    return self.get().ask(Counter::total, LONG);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }, LONG)).isInstanceOf(AskException.class).hasRootCauseInstanceOf(IllegalStateException.class)
                    .rootCause().hasMessageContaining("asked itself");
            counter.stop();
        }
    }

    @Test
    void anAskThatThrowsFailsTheAskerAndTheActorGoesOn() throws Exception {
        Actor<Counter> counter = Actor.of(Counter::new, ActorOptions.defaults().withName("c"));
        try (var system = Components.open(Components.Options.defaults().withName("sys"))) {
            system.start(counter);
            assertThatThrownBy(() -> counter.ask(Counter::addAndGet, -1L, LONG)).isInstanceOf(AskException.class)
                    .hasMessageContaining("actor 'sys/c'").hasRootCauseMessage("negative amount -1");
            assertThat(counter.ask(Counter::addAndGet, 2L, LONG)).isEqualTo(2L);
            assertThat(counter.restarts()).isZero();
            counter.stop();
        }
    }

    @Test
    void restartRecreatesTheStateUpToTheLimitThenEscalates() throws Exception {
        AtomicInteger made = new AtomicInteger();
        Actor<Counter> counter = Actor.of(() -> {
            made.incrementAndGet();
            return new Counter();
        }, ActorOptions.defaults().withName("c").withSupervision(
                Supervision.restart(3).withBackoff(Duration.ofMillis(1), Duration.ofMillis(2))));
        assertThatThrownBy(() -> {
            try (var system = Components.open(Components.Options.defaults().withName("sys"))) {
                system.start(counter);
                for (int restart = 1; restart <= 3; restart++) {
                    counter.tell(Counter::add, 10L);
                    counter.tell(Counter::add, -1L); // fails: the state is recreated, the mailbox goes on
                    // Mailbox order: this ask runs after the restart, on the fresh state.
                    assertThat(counter.ask(Counter::total, LONG)).as("after restart %s", restart).isZero();
                    assertThat(counter.restarts()).isEqualTo(restart);
                    assertThat(made.get()).isEqualTo(restart + 1);
                }
                counter.tell(Counter::add, -1L); // the 4th failure: over the limit
                system.join();
            }
        }).isInstanceOf(ComponentFailedException.class).hasMessageContaining("sys/c")
                .cause().isInstanceOf(RestartLimitException.class)
                .hasMessageContaining("actor 'sys/c' failed again after 3 restart(s)")
                .hasRootCauseMessage("negative amount -1");
        assertThat(counter.state()).isEqualTo(Component.State.FAILED);
        assertThat(counter.restarts()).isEqualTo(3);
        assertThat(counter.failures()).isEqualTo(4);
        assertThat(made.get()).isEqualTo(4);
    }

    @Test
    void theBackoffDoublesUpToItsMaximum() {
        Supervision s = Supervision.restart(10).withBackoff(Duration.ofMillis(10), Duration.ofMillis(50));
        assertThat(List.of(1, 2, 3, 4, 5).stream().map(s::backoffBefore).toList()).containsExactly(
                Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(50),
                Duration.ofMillis(50));
        assertThat(Supervision.restart(1).backoffBefore(1_000)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Supervision.restart(1).withBackoff(Duration.ZERO, Duration.ZERO).backoffBefore(3)).isZero();
        assertThatThrownBy(() -> Supervision.escalate().withBackoff(Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Supervision.restart(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void escalateFailsTheParentAtOnce() throws Exception {
        Actor<Counter> counter = Actor.of(Counter::new, ActorOptions.defaults().withName("c"));
        CountDownLatch started = new CountDownLatch(1);
        Component parent = new Component("parent") {
            @Override
            protected void main() throws InterruptedException {
                addChildren(counter);
                started.countDown();
                receive(); // would wait forever: only the escalation (a Shutdown on control) ends it
            }
        };
        try (var system = Components.open(Components.Options.defaults().withName("sys"))) {
            system.start(parent);
            started.await();
            counter.tell(Counter::add, -5L);
            assertThatThrownBy(parent::join).isInstanceOf(ComponentFailedException.class)
                    .hasMessageContaining("sys/parent/c").hasRootCauseMessage("negative amount -5");
            assertThat(parent.state()).isEqualTo(Component.State.FAILED);
            assertThat(counter.state()).isEqualTo(Component.State.FAILED);
        } catch (ComponentFailedException reportedByJoin) {
            // close rethrows nothing new: join reported it
        }
    }

    @Test
    void escalateInASystemFailsTheSystem() {
        Actor<Counter> counter = Actor.of(Counter::new, ActorOptions.defaults().withName("c"));
        Component bystander = new Component("bystander") {
            @Override
            protected void main() throws InterruptedException {
                receive();
            }
        };
        assertThatThrownBy(() -> {
            try (var system = Components.open(Components.Options.defaults().withName("sys"))) {
                system.start(bystander).start(counter);
                counter.tell(Counter::add, -5L);
                system.join();
            }
        }).isInstanceOf(ComponentFailedException.class).hasMessageContaining("sys/c")
                .hasRootCauseMessage("negative amount -5");
        assertThat(bystander.state()).isEqualTo(Component.State.CANCELLED);
    }

    @Test
    void stoppingFailsQueuedAsksAtOnceAndLaterTellsAreDropped() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        Actor<Counter> counter = Actor.of(Counter::new, ActorOptions.defaults().withName("c"));
        try (var system = Components.open(Components.Options.defaults().withName("sys"))) {
            system.start(counter);
            counter.tell(c -> {
                busy.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            busy.await();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread asker = Thread.ofVirtual().start(() -> {
                try {
                    counter.ask(Counter::total, Duration.ofHours(1));
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            while (counter.queued(Actor.MAILBOX) == 0) {
                Thread.onSpinWait(); // the ask is in the mailbox
            }
            counter.stop();
            release.countDown();
            assertThat(asker.join(LONG)).isTrue();
            assertThat(thrown.get()).isInstanceOf(AskException.class)
                    .hasMessageContaining("component 'sys/c' ended without replying");
            counter.join();
            assertThat(counter.tell(Counter::add, 1L)).isFalse();
            assertThat(counter.droppedAt(Actor.MAILBOX)).isEqualTo(1);
        }
    }

    @Test
    void aFullMailboxPushesBackAndAnAsksTimeoutCoversTheWait() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        Actor<Counter> counter = Actor.of(Counter::new, ActorOptions.defaults().withName("c").withMailboxCapacity(2));
        try (var system = Components.open(Components.Options.defaults().withName("sys"))) {
            system.start(counter);
            counter.tell(c -> {
                busy.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            busy.await();
            counter.tell(Counter::add, 1L);
            counter.tell(Counter::add, 1L); // mailbox full now
            assertThatThrownBy(() -> counter.ask(Counter::total, Duration.ofMillis(30)))
                    .isInstanceOf(AskTimeoutException.class).hasMessageContaining("inbox full");
            Thread teller = Thread.ofVirtual().start(() -> {
                try {
                    counter.tell(Counter::add, 1L); // waits for room
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            while (teller.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            assertThat(counter.queued(Actor.MAILBOX)).isEqualTo(2);
            release.countDown();
            assertThat(teller.join(LONG)).isTrue();
            assertThat(counter.ask(Counter::total, LONG)).isEqualTo(3L);
            counter.stop();
        }
    }

    @Test
    void aShutdownStopsAnActorThatKeepsTellingItself() throws Exception {
        AtomicReference<Actor<Counter>> self = new AtomicReference<>();
        Actor<Counter> looper = Actor.of(Counter::new);
        self.set(looper);
        try (var system = Components.open()) {
            system.start(looper);
            looper.tell(new java.util.function.Consumer<Counter>() {
                @Override
                public void accept(Counter c) {
                    c.total++;
                    try {
                        self.get().tell(this); // forever, unless stopped
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            });
            while (looper.processed() < 1_000) {
                Thread.onSpinWait();
            }
            looper.stop();
            looper.join();
        }
        assertThat(looper.state()).isEqualTo(Component.State.SUCCEEDED);
    }
}
