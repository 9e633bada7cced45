package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link SharedInbox}: load-balanced consumers, one message to exactly one of them, nothing lost. */
@Timeout(30)
class SharedInboxTest {

    /** Records what it receives, until its receives end. */
    static final class Recorder extends Component {
        final List<Object> got = new CopyOnWriteArrayList<>();

        Recorder(String name) {
            super(name);
        }

        @Override
        protected void main() {
            for (Object m : messages()) {
                got.add(m);
            }
        }
    }

    /**
     * Takes one message, then waits for a permit before each further receive, so that the test decides how many it
     * takes; fails on message number {@code failAt} (1-based) if set, with that message in hand.
     */
    static final class Stepper extends Component {
        final List<Object> got = new CopyOnWriteArrayList<>();
        final Semaphore permits = new Semaphore(0);
        final Semaphore took = new Semaphore(0);
        final int failAt;
        volatile Object inHand;

        Stepper(String name, int failAt) {
            super(name);
            this.failAt = failAt;
        }

        @Override
        protected void main() throws InterruptedException {
            for (int n = 1; ; n++) {
                Object m = receive();
                if (n == failAt) {
                    inHand = m;
                    took.release();
                    throw new IllegalStateException("stepper fails with " + m + " in hand");
                }
                got.add(m);
                took.release();
                permits.acquire();
            }
        }
    }

    private static List<Integer> numbers(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    /**
     * Waits (at most 10 s) until {@code condition} holds, yielding between looks: for states with no event to await
     * (a sender parked inside the shared inbox). Not a sleep: it returns as soon as the state is reached.
     */
    private static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 10 s: " + what);
            }
            Thread.yield();
        }
    }

    @Test
    void eachMessageGoesToExactlyOneConsumerAndFinishEndsThemAfterTheDrain() throws Exception {
        SharedInbox jobs = SharedInbox.create("jobs", 8);
        List<Recorder> workers = List.of(new Recorder("w1"), new Recorder("w2"), new Recorder("w3"));
        try (var system = Components.open(Components.Options.defaults().withName("balance"))) {
            for (Recorder w : workers) {
                jobs.attach(w);
                system.start(w);
            }
            for (int i = 0; i < 2000; i++) {
                jobs.send(i);
            }
            jobs.finish();
            system.join();
        }
        List<Object> all = new ArrayList<>();
        for (Recorder w : workers) {
            assertThat(w.state()).isEqualTo(Component.State.SUCCEEDED);
            all.addAll(w.got);
        }
        assertThat(all).hasSize(2000).containsExactlyInAnyOrderElementsOf(numbers(2000));
        assertThat(jobs.size()).isZero();
        assertThat(jobs.delivered()).isEqualTo(2000);
        assertThat(jobs.taken()).isEqualTo(2000);
        assertThat(jobs.consumers()).as("ended consumers are detached").isEmpty();
        assertThat(jobs.isFinished()).isTrue();
        for (Recorder w : workers) { // each consumer took in queue order
            assertThat(w.got).isSortedAccordingTo((a, b) -> Integer.compare((Integer) a, (Integer) b));
        }
    }

    @Test
    void aSendBlocksWhileFullAndResumesWhenAConsumerTakes() throws Exception {
        SharedInbox jobs = SharedInbox.create("jobs", 2);
        jobs.send("a");
        jobs.send("b");
        CountDownLatch thirdSent = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread sender = Thread.ofVirtual().start(() -> {
            try {
                jobs.send("c");
                thirdSent.countDown();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        until("the third send waits for room", () -> jobs.waitingSenders() == 1);
        assertThat(thirdSent.getCount()).as("the third send returned while the queue was full").isEqualTo(1);
        assertThat(jobs.size()).isEqualTo(2);

        Stepper worker = new Stepper("worker", 0);
        jobs.attach(worker);
        try (var system = Components.open()) {
            system.start(worker);
            assertThat(worker.took.tryAcquire(10, TimeUnit.SECONDS)).isTrue(); // took "a": room for "c"
            assertThat(thirdSent.await(10, TimeUnit.SECONDS)).isTrue();
            sender.join();
            assertThat(thrown.get()).isNull();
            assertThat(worker.got).containsExactly("a");
            assertThat(jobs.size()).isEqualTo(2);
            worker.permits.release(2);
            assertThat(worker.took.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
            assertThat(worker.got).containsExactly("a", "b", "c");
            jobs.finish();
            worker.permits.release();
            system.join();
        }
        assertThat(worker.state()).isEqualTo(Component.State.SUCCEEDED);
    }

    @Test
    void aSendWaitingForRoomCanBeInterruptedAndPutsNothing() throws Exception {
        SharedInbox jobs = SharedInbox.create("jobs", 1);
        jobs.send("a");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread sender = senderWaitingForRoom(jobs, "b", thrown);
        sender.interrupt();
        sender.join();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(jobs.size()).isEqualTo(1);
        assertThat(jobs.delivered()).isEqualTo(1);
        assertThat(jobs.waitingSenders()).isZero();
    }

    @Test
    void aConsumerThatFailsLosesNoMessageItHadNotStarted() throws Exception {
        SharedInbox jobs = SharedInbox.create("jobs", 100);
        for (int i = 0; i < 50; i++) {
            jobs.send(i);
        }
        Stepper failing = new Stepper("failing", 5); // takes 0..3, fails with 4 in hand
        jobs.attach(failing);
        failing.start();
        for (int i = 0; i < 4; i++) {
            assertThat(failing.took.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            failing.permits.release();
        }
        assertThatThrownBy(failing::join).isInstanceOf(ComponentFailedException.class)
                .hasMessageContaining("failing").hasRootCauseMessage("stepper fails with 4 in hand");
        assertThat(failing.got).containsExactly(0, 1, 2, 3);
        assertThat(failing.inHand).isEqualTo(4);
        assertThat(jobs.consumers()).as("a failed consumer is detached").isEmpty();
        assertThat(jobs.size()).isEqualTo(45);

        Recorder late = new Recorder("late");
        jobs.attach(late);
        jobs.finish();
        late.run();
        assertThat(late.got).containsExactlyElementsOf(numbers(50).subList(5, 50));
        assertThat(jobs.taken()).isEqualTo(50);
    }

    @Test
    void aStoppedConsumerAndADetachedOneLeaveWhatTheyHadNotTakenToTheOthers() throws Exception {
        SharedInbox jobs = SharedInbox.create("jobs", 100);
        for (int i = 0; i < 40; i++) {
            jobs.send(i);
        }
        Stepper stopped = new Stepper("stopped", 0);
        Stepper detached = new Stepper("detached", 0);
        try (var system = Components.open(Components.Options.defaults().withName("churn"))) {
            jobs.attach(stopped);
            system.start(stopped);
            for (int i = 0; i < 3; i++) { // it takes 0, 1, 2
                assertThat(stopped.took.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
                if (i < 2) {
                    stopped.permits.release();
                }
            }
            stopped.stop();
            stopped.permits.release(); // its next receive sees the Shutdown
            until("the stopped consumer ended", () -> stopped.state() != Component.State.RUNNING);
            assertThat(stopped.state()).isEqualTo(Component.State.SUCCEEDED);
            assertThat(stopped.got).containsExactly(0, 1, 2);
            assertThat(jobs.size()).isEqualTo(37);

            jobs.attach(detached);
            system.start(detached);
            for (int i = 0; i < 3; i++) { // it takes 3, 4, 5
                assertThat(detached.took.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
                if (i < 2) {
                    detached.permits.release();
                }
            }
            assertThat(jobs.detach(detached)).isTrue();
            assertThat(jobs.detach(detached)).as("detached twice").isFalse();
            assertThat(detached.queued(Component.INBOX)).isZero();
            detached.permits.release(); // it waits on its own inbox now, which still works
            detached.deliver("direct", Component.INBOX);
            assertThat(detached.took.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            assertThat(detached.got).containsExactly(3, 4, 5, "direct");
            assertThat(jobs.size()).isEqualTo(34);

            Recorder rest = new Recorder("rest");
            jobs.attach(rest);
            system.start(rest);
            jobs.finish();
            detached.stop();
            detached.permits.release();
            system.join();
            assertThat(rest.got).containsExactlyElementsOf(numbers(40).subList(6, 40));
        }
        assertThat(jobs.taken()).isEqualTo(40);
    }

    @Test
    void aConsumerAttachedWhileWaitingTakesAtOnceAndAParkedOneIsWokenBySend() throws Exception {
        SharedInbox jobs = SharedInbox.create("jobs", 16);
        for (int i = 0; i < 10; i++) {
            jobs.send(i);
        }
        Recorder worker = new Recorder("worker");
        try (var system = Components.open()) {
            system.start(worker);
            until("the worker waits on its inbox", () -> worker.waitingOn().isPresent());
            jobs.attach(worker); // wakes it: it takes the 10 queued
            until("the worker took the 10", () -> worker.got.size() == 10);
            until("the worker parks on the shared inbox", () -> jobs.waitingConsumers() == 1);
            jobs.send(10);
            until("the parked worker took the new one", () -> worker.got.size() == 11);
            assertThat(worker.queued(Component.INBOX)).isZero();
            jobs.finish();
            system.join();
        }
        assertThat(worker.got).containsExactlyElementsOf(numbers(11));
    }

    /**
     * Two consumers parked, {@code first} the longer; a send from another thread wakes {@code first}, which cannot run
     * on while the test holds its lock (the send's wake-up waits for that lock, after releasing the shared inbox's).
     * Then {@code meanwhile} runs under that lock, the lock is released, and {@code second} must get the message.
     */
    private static void wokenConsumerLeaves(String how, Component.State firstEnds, WhileWoken meanwhile)
            throws Exception {
        SharedInbox jobs = SharedInbox.create("jobs", 4);
        Recorder first = new Recorder("first");
        Recorder second = new Recorder("second");
        try (var system = Components.open(Components.Options.defaults().withName(how))) {
            jobs.attach(first);
            system.start(first);
            until("first parks", () -> jobs.waitingConsumers() == 1);
            jobs.attach(second);
            system.start(second);
            until("second parks", () -> jobs.waitingConsumers() == 2);
            Thread sender;
            first.lock.lock();
            try {
                sender = Thread.ofVirtual().start(() -> {
                    try {
                        jobs.send("m");
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                until("the send woke first (and waits for its lock to signal it)", () -> jobs.waitingConsumers() == 1);
                meanwhile.run(jobs, first);
            } finally {
                first.lock.unlock();
            }
            sender.join();
            until("second took the message first was woken for", () -> second.got.size() == 1);
            assertThat(first.got).isEmpty();
            jobs.finish();
            first.stop();
            system.join();
        }
        assertThat(first.state()).isEqualTo(firstEnds);
        assertThat(second.got).containsExactly("m");
    }

    /** What the test does while it holds the woken consumer's lock. */
    interface WhileWoken {
        void run(SharedInbox jobs, Component woken);
    }

    @Test
    void aConsumerWokenForAMessageThatIsStoppedBeforeTakingItPassesTheWakeOn() throws Exception {
        wokenConsumerLeaves("stopped", Component.State.SUCCEEDED, (jobs, woken) -> woken.stop());
    }

    @Test
    void detachingAConsumerWokenForAMessagePassesTheWakeOn() throws Exception {
        wokenConsumerLeaves("detached", Component.State.SUCCEEDED, (jobs, woken) -> assertThat(jobs.detach(woken))
                .isTrue());
    }

    @Test
    void finishTellsConsumersAttachedLaterTooAndRefusesLaterSends() throws Exception {
        SharedInbox jobs = SharedInbox.create("jobs", 4);
        jobs.send("x");
        jobs.finish();
        jobs.finish(); // idempotent
        assertThatThrownBy(() -> jobs.send("y")).isInstanceOf(IllegalStateException.class)
                .hasMessage("shared inbox 'jobs' is finished; a send from outside is refused");
        Recorder late = new Recorder("late");
        Recorder later = new Recorder("later");
        jobs.attach(late);
        late.run();
        assertThat(late.got).containsExactly("x");
        jobs.attach(later);
        later.run(); // nothing left: it ends at once
        assertThat(later.got).isEmpty();
        assertThat(later.state()).isEqualTo(Component.State.SUCCEEDED);
    }

    @Test
    void aSendWaitingForRoomWhenTheQueueFinishesIsRefused() throws Exception {
        SharedInbox jobs = SharedInbox.create("jobs", 1);
        jobs.send("a");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread sender = senderWaitingForRoom(jobs, "b", thrown);
        jobs.finish();
        sender.join();
        assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("'jobs' is finished");
        assertThat(jobs.size()).isEqualTo(1);
    }

    @Test
    void aLinkedProducerFeedsTheConsumersAndItsSignalFinishesThem() throws Exception {
        SharedInbox jobs = SharedInbox.create("jobs", 4);
        Source source = Components.source(numbers(500));
        List<Recorder> workers = List.of(new Recorder("w1"), new Recorder("w2"));
        Linkage link;
        String described;
        String mermaid;
        try (var system = Components.open(Components.Options.defaults().withName("linked"))) {
            link = Components.link(source, Component.OUTBOX, jobs);
            Components.link(source, Component.SIGNAL, jobs);
            for (Recorder w : workers) {
                jobs.attach(w);
                system.start(w);
            }
            described = system.describe(); // before the source starts: consumers attached and waiting
            mermaid = system.mermaid();
            system.start(source);
            system.join();
            described += system.describe(); // after: the source's linkage
            mermaid += system.mermaid();
        }
        Set<Object> all = new HashSet<>();
        int n = 0;
        for (Recorder w : workers) {
            all.addAll(w.got);
            n += w.got.size();
            assertThat(w.state()).isEqualTo(Component.State.SUCCEEDED);
        }
        assertThat(n).isEqualTo(500);
        assertThat(all).containsExactlyInAnyOrderElementsOf(numbers(500));
        assertThat(jobs.isFinished()).isTrue();
        assertThat(link.sharedInbox()).contains(jobs);
        assertThat(link).hasToString(source.path() + ".outbox -> shared inbox 'jobs'");
        assertThat(source.sent(Component.OUTBOX)).isEqualTo(500);
        assertThat(described).contains("also takes from shared inbox 'jobs'")
                .contains("link " + source.path() + ".outbox -> shared inbox 'jobs'");
        assertThat(mermaid).contains("shared jobs").contains("|outbox|").contains("|inbox|");
    }

    @Test
    void aShutdownSentToTheSharedInboxStopsItsConsumersAndKeepsItsMessages() throws Exception {
        SharedInbox jobs = SharedInbox.create("jobs", 4);
        Recorder worker = new Recorder("worker");
        jobs.attach(worker);
        worker.start();
        until("the worker parks on the shared inbox", () -> jobs.waitingConsumers() == 1);
        jobs.send(new Shutdown("enough"));
        worker.join();
        assertThat(worker.state()).isEqualTo(Component.State.SUCCEEDED);
        jobs.send("kept");
        assertThat(jobs.size()).isEqualTo(1);
        assertThat(jobs.isFinished()).isFalse();
    }

    @Test
    void failAndDropLinkagesOnAFullSharedInbox() throws Exception {
        SharedInbox full = SharedInbox.create("full", 1);
        full.send("first");
        final class Two extends Component {
            Two() {
                super("two");
            }

            @Override
            protected void main() throws InterruptedException {
                send("x");
                send("y");
            }
        }
        Two failing = new Two();
        Components.link(failing, Component.OUTBOX, full, Delivery.FAIL);
        assertThatThrownBy(failing::run).isInstanceOf(ComponentFailedException.class).rootCause()
                .isInstanceOf(InboxFullException.class)
                .hasMessage("shared inbox 'full' is full (1 messages); send from 'two.outbox' refused by its "
                        + "linkage's FAIL policy");
        Two dropping = new Two();
        Linkage drop = Components.link(dropping, Component.OUTBOX, full, Delivery.DROP);
        dropping.run();
        assertThat(drop.dropped()).isEqualTo(2);
        assertThat(full.dropped()).isEqualTo(2);
        assertThat(full.size()).isEqualTo(1);
    }

    @Test
    void theOtherWaysToReceiveWorkOnAnAttachedInbox() throws Exception {
        SharedInbox jobs = SharedInbox.create("jobs", 16);
        for (int i = 0; i < 7; i++) {
            jobs.send(i);
        }
        List<Object> seen = new CopyOnWriteArrayList<>();
        final class Mixed extends Component {
            Mixed() {
                super("mixed");
                addInbox("work");
            }

            @Override
            protected void main() throws InterruptedException {
                seen.add(dataReady("work"));
                seen.add(queued("work"));
                seen.add(anyReady().orElseThrow());
                seen.add(awaitAny(Duration.ofSeconds(5)).orElseThrow());
                seen.add(poll("work").orElseThrow());
                seen.add(receiveBatch("work", 3, Duration.ofSeconds(5)));
                seen.add(receive("work", Duration.ofSeconds(5)).orElseThrow());
                List<Object> rest = receiveBatch("work", 10, Duration.ofSeconds(5)); // taken at once: 5 and 6
                seen.add(rest);
                jobs.finish();
                seen.add(receiveBatch("work", 10, Duration.ofSeconds(5))); // ProducerFinished, drained: empty
            }
        }
        Mixed mixed = new Mixed();
        jobs.attach(mixed, "work");
        mixed.run();
        assertThat(seen).containsExactly(true, 7, "work", "work", 0, List.of(1, 2, 3), 4, List.of(5, 6), List.of());
    }

    @Test
    void clearExceptionsNameTheSharedInboxAndTheComponent() throws Exception {
        assertThatThrownBy(() -> SharedInbox.create(" ", 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-blank name");
        assertThatThrownBy(() -> SharedInbox.create("q", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shared inbox 'q' needs a capacity >= 1, got 0");
        SharedInbox jobs = SharedInbox.create("jobs", 4);
        SharedInbox other = SharedInbox.create("other", 4);
        assertThatThrownBy(() -> jobs.send(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("null message sent to shared inbox 'jobs'");

        Recorder w = new Recorder("w");
        jobs.attach(w);
        assertThatThrownBy(() -> jobs.attach(w)).isInstanceOf(IllegalStateException.class)
                .hasMessage("inbox 'w.inbox' already takes from shared inbox 'jobs'");
        assertThatThrownBy(() -> other.attach(w)).isInstanceOf(IllegalStateException.class)
                .hasMessage("inbox 'w.inbox' already takes from another shared inbox 'jobs'");
        assertThatThrownBy(() -> jobs.attach(w, Component.CONTROL)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shared inbox 'jobs' cannot feed the control inbox of 'w': attach a data inbox");
        assertThatThrownBy(() -> jobs.attach(w, "nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attach shared inbox 'jobs' to inbox 'nope': component 'w' has no such inbox");

        final class Two extends Component {
            Two(Component child) {
                super("parent");
                addInbox("more");
                addChildren(child);
            }

            @Override
            protected void main() {
            }
        }
        Recorder child = new Recorder("child");
        Two parent = new Two(child);
        jobs.attach(parent, "more");
        assertThatThrownBy(() -> jobs.attach(parent)).isInstanceOf(IllegalStateException.class)
                .hasMessage("component 'parent' is already attached to shared inbox 'jobs' through its inbox 'more'");
        Components.link(parent, Component.INBOX, child, Component.INBOX);
        assertThatThrownBy(() -> other.attach(parent)).isInstanceOf(IllegalStateException.class)
                .hasMessage("inbox 'parent.inbox' is passed through to 'parent/child.inbox'; attach shared inbox "
                        + "'other' to the inbox that receives");
        Recorder child2 = new Recorder("child2");
        final class Holder extends Component {
            Holder() {
                super("holder");
                addChildren(child2);
            }

            @Override
            protected void main() {
            }
        }
        Holder holder = new Holder();
        other.attach(holder);
        assertThatThrownBy(() -> Components.link(holder, Component.INBOX, child2, Component.INBOX))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("inbox 'holder.inbox' takes from shared inbox 'other'; it cannot also be passed through "
                        + "to 'holder/child2.inbox': detach it first");

        Recorder ended = new Recorder("ended");
        ended.stop();
        ended.run();
        assertThatThrownBy(() -> jobs.attach(ended)).isInstanceOf(IllegalStateException.class)
                .hasMessage("component 'ended' has ended; its inbox 'inbox' cannot take from shared inbox 'jobs'");

        Recorder sink = new Recorder("sink");
        Components.link(sink, Component.OUTBOX, jobs);
        assertThatThrownBy(() -> Components.link(sink, Component.OUTBOX, other))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("box 'sink.outbox' is already linked "
                        + "(sink.outbox -> shared inbox 'jobs')");
        assertThat(jobs.toString()).isEqualTo("SharedInbox[jobs, 0/4 queued, 0 delivered, 0 taken, consumers "
                + "[w.inbox, parent.more]]");
        Optional<Linkage> l = sink.linkageFrom(Component.OUTBOX);
        assertThat(l.orElseThrow().sharedInbox()).contains(jobs);
    }

    /** A virtual thread sending {@code message} into the full {@code jobs}, once it waits for room; what it threw. */
    static Thread senderWaitingForRoom(SharedInbox jobs, String message, AtomicReference<Throwable> thrown)
            throws InterruptedException {
        Thread sender = Thread.ofVirtual().start(() -> {
            try {
                jobs.send(message);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        until("the send waits for room", () -> jobs.waitingSenders() == 1);
        return sender;
    }
}
