package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.lock.Deadlock;
import dev.weft.lock.DeadlockDetector;
import dev.weft.lock.DeadlockException;
import dev.weft.lock.Deadlocks;
import dev.weft.lock.LockSet;
import dev.weft.lock.OrderedLock;
import dev.weft.lock.WaitEdge;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deadlocks of components built on purpose: two components sending into each other's full inboxes, three in a ring,
 * one sending into its own full inbox, and a mixed one (a component holding a lock sends into the full inbox of a
 * component that waits for that lock). Each is found by {@link Deadlocks#dump()}, broken by a detector with
 * {@link DeadlockDetector.Policy#BREAK} (the youngest wait's send throws {@link DeadlockException}; the victim here
 * catches it and goes on receiving, so the others proceed), and left alone with {@link DeadlockDetector.Policy#REPORT}.
 */
@Timeout(30)
class InboxDeadlockTest {
    static final Duration BOUND = Duration.ofSeconds(2);
    /** The inbox the test's components receive on, with the capacity each test gives it. */
    static final String DATA = "data";
    static final DeadlockDetector.Options BREAK = DeadlockDetector.Options.defaults()
            .withPeriod(Duration.ofMillis(10)).withPolicy(DeadlockDetector.Policy.BREAK);
    /** Short: the REPORT test's deadlocked components are cancelled by closing their system. */
    static final Components.Options SYSTEM = Components.Options.defaults().withName("dl")
            .withCloseGracePeriod(Duration.ofMillis(50));

    /** Parks in 1 ms steps until {@code condition} holds; fails after 10 s. */
    static void awaitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("not within 10 s: %s", what).isNegative();
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** The deadlocks among {@code cs} (another test class may have left some of its own). */
    static List<Deadlock> ours(Deadlocks.Report report, List<? extends Component> cs) {
        List<String> paths = cs.stream().map(Component::path).toList();
        return report.deadlocks().stream().filter(d -> paths.contains(d.waits().getFirst().waiterPath())).toList();
    }

    /** Whether a send from {@code c} shows as blocked. */
    static boolean blocked(Component c) {
        return Deadlocks.dump().waits().stream().anyMatch(w -> c.path().equals(w.waiterPath()));
    }

    /**
     * Waits for {@code go}, sends {@code count} numbers on "outbox" (stopping at a {@link DeadlockException}, which it
     * keeps), then "end" unless its sending was broken, then receives until it gets "end" or is asked to stop.
     */
    static final class Chatter extends Component {
        final int count;
        final CountDownLatch go;
        volatile int sent;
        volatile DeadlockException broken;
        final List<Object> got = new CopyOnWriteArrayList<>();

        Chatter(String name, int count, int capacity, CountDownLatch go) {
            this(name, count, capacity, go, false);
        }

        Chatter(String name, int count, int capacity, CountDownLatch go, boolean priority) {
            super(name);
            this.count = count;
            this.go = go;
            if (priority) {
                addPriorityInbox(DATA, PriorityInboxOptions.defaults().withCapacity(capacity));
            } else {
                addInbox(DATA, capacity);
            }
        }

        @Override
        protected void main() throws InterruptedException {
            go.await();
            try {
                for (int i = 0; i < count; i++) {
                    send(i);
                    sent++;
                }
                send("end");
            } catch (DeadlockException e) {
                broken = e; // recovery: stop sending, take what waits, so that the others can go on
            }
            while (true) { // ends at "end", or with ShutdownSignal when its system is closed
                Object m = receive(DATA);
                got.add(m);
                if (m.equals("end")) {
                    return;
                }
            }
        }
    }

    /** A ring of chatters, each sending to the next; each starts sending once the previous one is blocked. */
    static List<Chatter> ring(ComponentSystem system, int count, int capacity, String... names) {
        return ring(system, count, capacity, false, names);
    }

    static List<Chatter> ring(ComponentSystem system, int count, int capacity, boolean priority, String... names) {
        List<CountDownLatch> gos = java.util.stream.Stream.generate(() -> new CountDownLatch(1))
                .limit(names.length).toList();
        List<Chatter> cs = new java.util.ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            cs.add(new Chatter(names[i], count, capacity, gos.get(i), priority));
        }
        for (int i = 0; i < names.length; i++) {
            Components.link(cs.get(i), Component.OUTBOX, cs.get((i + 1) % names.length), DATA);
        }
        for (Chatter c : cs) {
            system.start(c);
        }
        for (int i = 0; i < names.length; i++) {
            gos.get(i).countDown();
            Chatter c = cs.get(i);
            awaitUntil(c.path() + " blocked", () -> blocked(c));
            if (i < names.length - 1) {
                // the ones before are blocked behind a component that runs: no deadlock yet
                assertThat(ours(Deadlocks.dump(), cs)).as("no cycle before the last one blocks").isEmpty();
            }
        }
        return cs;
    }

    @Test
    void twoComponentsSendingToEachOtherAreFoundAndBrokenAndTheOtherProceeds() throws Exception {
        try (var detector = DeadlockDetector.start(BREAK); var system = Components.open(SYSTEM)) {
            long formed = System.nanoTime();
            List<Chatter> cs = ring(system, 10, 2, "ping", "pong");
            Chatter ping = cs.get(0);
            Chatter pong = cs.get(1); // blocked last: the youngest wait, the victim
            awaitUntil("the victim's send failed", () -> pong.broken != null);
            assertThat(System.nanoTime() - formed).as("broken within %s", BOUND).isLessThan(BOUND.toNanos());
            assertThat(pong.broken).hasMessageContaining("[dl/ping] -> ")
                    .hasMessageContaining("[dl/pong]")
                    .hasMessageContaining("room in inbox 'dl/pong.data' (full at 2)")
                    .hasMessageContaining("room in inbox 'dl/ping.data' (full at 2)")
                    .hasMessageContaining("emptied only by");
            assertThat(pong.broken.lock()).isNull();
            assertThat(pong.broken.holderPath()).isEqualTo("dl/ping");
            assertThat(ping.broken).isNull();
            awaitUntil("pong got everything from ping", () -> pong.state() == Component.State.SUCCEEDED);
            assertThat(ping.sent).as("ping proceeded").isEqualTo(10);
            assertThat(pong.got).hasSize(11).endsWith("end");
            awaitUntil("counted as broken", () -> detector.broken() == 1); // counted after the victim woke
        } // closing the system stops ping, which waits for an "end" pong never sent
    }

    @Test
    void aCycleThroughPriorityInboxesIsFoundAndBrokenToo() throws Exception {
        try (var detector = DeadlockDetector.start(BREAK); var system = Components.open(SYSTEM)) {
            List<Chatter> cs = ring(system, 10, 2, true, "ping", "pong");
            Chatter ping = cs.get(0);
            Chatter pong = cs.get(1);
            awaitUntil("the victim's send failed", () -> pong.broken != null);
            assertThat(pong.broken).hasMessageContaining("room in inbox 'dl/ping.data'");
            awaitUntil("pong got everything from ping", () -> pong.state() == Component.State.SUCCEEDED);
            assertThat(ping.sent).as("ping proceeded").isEqualTo(10);
            assertThat(pong.got).hasSize(11).endsWith("end");
            awaitUntil("counted as broken", () -> detector.broken() == 1);
        }
    }

    @Test
    void dumpListsAThreeComponentRing() throws Exception {
        try (var system = Components.open(SYSTEM)) {
            List<Chatter> cs = ring(system, 10, 1, "r0", "r1", "r2");
            Deadlocks.Report report = Deadlocks.dump();
            List<Deadlock> ours = ours(report, cs);
            assertThat(ours).hasSize(1);
            Deadlock d = ours.getFirst();
            assertThat(d.waits()).extracting(WaitEdge::waiterPath).containsExactly("dl/r0", "dl/r1", "dl/r2");
            assertThat(d.victim().waiterPath()).isEqualTo("dl/r2");
            assertThat(report.toString()).contains("deadlock of 3 threads")
                    .contains("[dl/r0] waits for room in inbox 'dl/r1.data' (full at 1) to send from 'dl/r0.outbox'")
                    .contains("emptied only by")
                    .contains("[dl/r2] waits for room in inbox 'dl/r0.data'");
            assertThat(cs).allMatch(c -> c.state() == Component.State.RUNNING);
        } // closing cancels them after the grace period
    }

    @Test
    void aThreeComponentRingIsBrokenAndTheOthersProceed() throws Exception {
        try (var detector = DeadlockDetector.start(BREAK); var system = Components.open(SYSTEM)) {
            List<Chatter> cs = ring(system, 10, 1, "a", "b", "c");
            awaitUntil("the victim's send failed", () -> cs.get(2).broken != null);
            assertThat(cs.get(2).broken)
                    .hasMessageMatching("(?s).*\\[dl/a\\] -> .*\\[dl/b\\] -> .*\\[dl/c\\] -> .*\\[dl/a\\].*");
            // a and b proceed: b sends all to c (which now receives), a sends all to b once b takes again
            awaitUntil("a and b sent everything", () -> cs.get(0).sent == 10 && cs.get(1).sent == 10);
            awaitUntil("c ended with b's end", () -> cs.get(2).state() == Component.State.SUCCEEDED);
            assertThat(cs.get(0).broken).isNull();
            assertThat(cs.get(1).broken).isNull();
            awaitUntil("counted as broken", () -> detector.broken() == 1); // counted after the victim woke
        }
    }

    /**
     * Puts messages into its own inbox, as plain code feeding a system would ({@link Component#deliver}; linking a
     * component to itself is refused), then takes them back.
     */
    static final class Narcissus extends Component {
        volatile int sent;
        volatile DeadlockException broken;
        final List<Object> got = new CopyOnWriteArrayList<>();

        Narcissus() {
            super("narcissus");
            addInbox(DATA, 2);
        }

        @Override
        protected void main() throws InterruptedException {
            try {
                for (int i = 0; i < 5; i++) {
                    deliver(i, DATA);
                    sent++;
                }
            } catch (DeadlockException e) {
                broken = e;
            }
            for (int i = 0; i < sent; i++) {
                got.add(receive(DATA));
            }
        }
    }

    @Test
    void aComponentSendingIntoItsOwnFullInboxIsACycleOfOne() throws Exception {
        try (var detector = DeadlockDetector.start(BREAK); var system = Components.open(SYSTEM)) {
            Narcissus self = new Narcissus();
            system.start(self);
            awaitUntil("its send failed", () -> self.broken != null);
            assertThat(self.broken).hasMessageContaining("deadlock broken")
                    .hasMessageMatching("(?s).*'(#\\d+)'.* -> '\\1'.*") // one thread, waiting for itself
                    .hasMessageContaining("room in inbox 'dl/narcissus.data'");
            assertThat(self.broken.deadlock().waits()).hasSize(1);
            system.join();
            assertThat(self.sent).isEqualTo(2);
            assertThat(self.got).containsExactly(0, 1);
            assertThat(detector.found()).isEqualTo(1);
        }
    }

    @Test
    void reportLeavesBlockedComponentsAloneAndReportsOnce() throws Exception {
        List<Deadlock> heard = new CopyOnWriteArrayList<>();
        try (var detector = DeadlockDetector.start(BREAK.withPolicy(DeadlockDetector.Policy.REPORT)
                .withListener(heard::add)); var system = Components.open(SYSTEM)) {
            List<Chatter> cs = ring(system, 10, 2, "stuck1", "stuck2");
            awaitUntil("reported", () -> !heard.isEmpty());
            long at = detector.rounds();
            awaitUntil("three more rounds", () -> detector.rounds() >= at + 3);
            assertThat(heard).hasSize(1);
            assertThat(detector.broken()).isZero();
            assertThat(cs).allMatch(c -> c.broken == null && c.state() == Component.State.RUNNING);
            assertThat(ours(Deadlocks.dump(), cs)).hasSize(1);
        } // the system's close cancels them
    }

    /** Holds {@code lock} while it sends two messages into a component whose inbox holds one. */
    static final class LockHolder extends Component {
        final LockSet lock;
        final CountDownLatch holding = new CountDownLatch(1);
        volatile DeadlockException broken;
        volatile boolean released;

        LockHolder(OrderedLock lock) {
            super("holder");
            this.lock = LockSet.of(lock);
        }

        @Override
        protected void main() throws InterruptedException {
            try (var _ = lock.acquire(Duration.ofSeconds(60))) {
                holding.countDown();
                send("one");
                // the waiter's lock wait first, so that this send's wait is the youngest: the victim
                awaitUntil("the waiter waits for the lock", () -> Deadlocks.dump().waits().stream()
                        .anyMatch(w -> w.waiterPath().equals("dl/waiter") && w.waitsFor().startsWith("lock")));
                send("two"); // blocks: the inbox holds one, and its owner waits for our lock
            } catch (DeadlockException e) {
                broken = e;
            }
            released = true;
        }
    }

    /** Waits for the lock (which the holder has), then receives one message. */
    static final class LockWaiter extends Component {
        final LockSet lock;
        final CountDownLatch holderHolds;
        final List<Object> got = new CopyOnWriteArrayList<>();
        volatile boolean locked;

        LockWaiter(OrderedLock lock, CountDownLatch holderHolds) {
            super("waiter");
            this.lock = LockSet.of(lock);
            this.holderHolds = holderHolds;
            addInbox(DATA, 1);
        }

        @Override
        protected void main() throws InterruptedException {
            holderHolds.await();
            try (var _ = lock.acquire(Duration.ofSeconds(60))) {
                locked = true;
            }
            got.add(receive(DATA));
        }
    }

    @Test
    void aMixedLockAndInboxCycleIsFoundAndBroken() throws Exception {
        OrderedLock lock = new OrderedLock("shared");
        LockHolder holder = new LockHolder(lock);
        LockWaiter waiter = new LockWaiter(lock, holder.holding);
        Components.link(holder, Component.OUTBOX, waiter, DATA);
        List<Deadlock> heard = new CopyOnWriteArrayList<>();
        try (var detector = DeadlockDetector.start(BREAK.withListener(heard::add));
             var system = Components.open(SYSTEM)) {
            system.start(waiter).start(holder);
            awaitUntil("the holder's send failed and the listener heard of it",
                    () -> holder.broken != null && !heard.isEmpty());
            Deadlock d = heard.getFirst();
            assertThat(d.waits()).hasSize(2);
            assertThat(d.waits().getFirst().waitsFor()).isEqualTo("lock " + lock);
            assertThat(d.victim().waitsFor()).startsWith("room in inbox 'dl/waiter.data'");
            assertThat(holder.broken).hasMessageContaining("waits for lock 'shared'")
                    .hasMessageContaining("room in inbox 'dl/waiter.data' (full at 1)");
            system.join();
            assertThat(holder.released).isTrue();
            assertThat(waiter.locked).as("the waiter got the lock").isTrue();
            assertThat(waiter.got).containsExactly("one"); // "two" was never sent: that send failed
            awaitUntil("counted as broken", () -> detector.broken() == 1); // counted after the victim woke
        }
    }
}
