package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AsksTest {
    static final Duration LONG = Duration.ofSeconds(20);

    /** Answers every request on "inbox" with the question times two (questions are Integers). */
    static final class Doubler extends Component {
        Doubler(String name) {
            super(name);
        }

        @Override
        protected void main() {
            for (Object m : messages()) {
                if (m instanceof Request r) {
                    r.answer(q -> (Integer) q * 2);
                }
            }
        }
    }

    /** Hands every request it receives to the test (a queue), answering nothing itself. */
    static final class Holder extends Component {
        final BlockingQueue<Request> held = new LinkedBlockingQueue<>();

        Holder(String name, int capacity) {
            super(name);
            addInbox("requests", capacity);
        }

        @Override
        protected void main() throws InterruptedException {
            while (true) {
                held.add((Request) receive("requests"));
            }
        }
    }

    @Test
    void eachOfManyConcurrentAsksGetsItsOwnReply() throws Exception {
        // The answerer replies in reverse order of arrival, in batches, from helper threads: replies cannot follow
        // arrival order, so only the correlation keeps them apart.
        Component shuffler = new Component("shuffler") {
            @Override
            protected void main() throws InterruptedException {
                List<Request> batch = new ArrayList<>();
                for (Object m : messages()) {
                    batch.add((Request) m);
                    if (batch.size() == 50 || queued(INBOX) == 0) {
                        Collections.reverse(batch);
                        for (Request r : batch) {
                            Thread.ofVirtual().start(() -> r.answer(q -> "reply to " + q)).join();
                        }
                        batch.clear();
                    }
                }
            }
        };
        int askers = 2_000;
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        try (var system = Components.open()) {
            system.start(shuffler);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < askers; i++) {
                int n = i;
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        String got = Asks.ask(shuffler, Component.INBOX, n, String.class, LONG);
                        if (!got.equals("reply to " + n)) {
                            wrong.add(n + " got " + got);
                        }
                    } catch (Exception e) {
                        wrong.add(n + " threw " + e);
                    }
                }));
            }
            for (Thread t : threads) {
                assertThat(t.join(LONG)).isTrue();
            }
            assertThat(shuffler.openAsks()).isZero();
            shuffler.stop();
        }
        assertThat(wrong).isEmpty();
        assertThat(shuffler.lateReplies()).isZero();
    }

    @Test
    void aReplyAfterTheTimeoutIsDroppedAndCounted() throws Exception {
        Holder holder = new Holder("holder", 8);
        try (var system = Components.open(Components.Options.defaults().withName("sys"))) {
            system.start(holder);
            assertThatThrownBy(() -> Asks.ask(holder, "requests", "late?", Duration.ofMillis(50)))
                    .isInstanceOf(AskTimeoutException.class).hasMessageContaining("sys/holder.requests")
                    .hasMessageContaining("within PT0.05S");
            Request r = holder.held.poll(20, TimeUnit.SECONDS);
            assertThat(r.isOpen()).isFalse();
            assertThat(r.reply("too late")).isFalse();
            assertThat(holder.lateReplies()).isEqualTo(1);
            assertThat(r.fail(new IllegalStateException("also late"))).isFalse();
            assertThat(holder.lateReplies()).isEqualTo(2);
            assertThat(holder.openAsks()).isZero();
        }
    }

    @Test
    void replyingTwiceThrows() throws Exception {
        Holder holder = new Holder("holder", 8);
        try (var system = Components.open()) {
            system.start(holder);
            Thread asker = Thread.ofVirtual().start(() -> {
                try {
                    Asks.ask(holder, "requests", "q", LONG);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            Request r = holder.held.poll(20, TimeUnit.SECONDS);
            assertThat(r.reply("a")).isTrue();
            assertThatThrownBy(() -> r.reply("b")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already replied to (a)");
            assertThat(asker.join(LONG)).isTrue();
        }
    }

    @Test
    void thousandsOfTimedOutAsksLeaveNothingBehind() throws Exception {
        // The holder keeps only weak references to what it receives: once the askers gave up, nothing in Weft may
        // keep their requests (or their threads) alive.
        List<WeakReference<Object>> refs = Collections.synchronizedList(new ArrayList<>());
        Component forgetful = new Component("forgetful") {
            @Override
            protected void main() {
                for (Object m : messages()) {
                    refs.add(new WeakReference<>(m));
                }
            }
        };
        int asks = 5_000;
        AtomicInteger timedOut = new AtomicInteger();
        List<WeakReference<Thread>> askers = new ArrayList<>();
        try (var system = Components.open()) {
            system.start(forgetful);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < asks; i++) {
                Thread t = Thread.ofVirtual().unstarted(() -> {
                    try {
                        Asks.ask(forgetful, Component.INBOX, "anyone?", Duration.ofMillis(20));
                    } catch (AskTimeoutException e) {
                        timedOut.incrementAndGet();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                askers.add(new WeakReference<>(t));
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                assertThat(t.join(LONG)).isTrue();
            }
            threads.clear();
            assertThat(timedOut.get()).isEqualTo(asks);
            assertThat(forgetful.openAsks()).as("open asks after %s timeouts", asks).isZero();
            // Some asks timed out waiting for room and were never delivered; the rest were all taken by now or soon.
            long deadline = System.nanoTime() + LONG.toNanos();
            while (refs.size() < forgetful.delivered(Component.INBOX) && System.nanoTime() < deadline) {
                Thread.yield();
            }
            assertThat((long) refs.size()).isEqualTo(forgetful.delivered(Component.INBOX));
            assertThat(forgetful.queued(Component.INBOX)).isZero();
            for (int i = 0; i < 50 && (live(refs) > 0 || live(askers) > 0); i++) {
                System.gc();
                Thread.onSpinWait();
            }
            assertThat(live(refs)).as("requests still reachable").isZero();
            assertThat(live(askers)).as("asker threads still reachable").isZero();
            forgetful.stop();
        }
        assertThat(forgetful.lateReplies()).isZero();
    }

    private static int live(List<? extends WeakReference<?>> refs) {
        synchronized (refs) {
            int n = 0;
            for (WeakReference<?> r : refs) {
                if (r.get() != null) {
                    n++;
                }
            }
            return n;
        }
    }

    @Test
    void aServiceCanBeAsked() throws Exception {
        Doubler doubler = new Doubler("doubler");
        try (var system = Components.open(Components.Options.defaults().withName("sys"))) {
            system.services().register("double", doubler, Component.INBOX);
            system.start(doubler);
            Service s = system.services().retrieve("double");
            assertThat(s.ask(21, Integer.class, LONG)).isEqualTo(42);
            assertThat(Asks.ask(s, 5, LONG)).isEqualTo(10);
            assertThatThrownBy(() -> s.ask("not a number", LONG)).isInstanceOf(AskException.class)
                    .hasMessageContaining("service 'double' (sys/doubler.inbox)")
                    .hasCauseInstanceOf(ClassCastException.class);
            assertThatThrownBy(() -> s.ask(1, String.class, LONG)).isInstanceOf(AskException.class)
                    .hasMessageContaining("is a java.lang.Integer (2), not a java.lang.String");
            doubler.stop();
        }
    }

    @Test
    void aFailedRequestFailsTheAskWithTheCause() throws Exception {
        Holder holder = new Holder("holder", 8);
        try (var system = Components.open(Components.Options.defaults().withName("sys"))) {
            system.start(holder);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread asker = Thread.ofVirtual().start(() -> {
                try {
                    Asks.ask(holder, "requests", "q", LONG);
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            holder.held.poll(20, TimeUnit.SECONDS).fail(new IllegalArgumentException("no such thing"));
            assertThat(asker.join(LONG)).isTrue();
            assertThat(thrown.get()).isInstanceOf(AskException.class).isNotInstanceOf(AskTimeoutException.class)
                    .hasMessageContaining("sys/holder.requests failed").hasRootCauseMessage("no such thing");
        }
    }

    @Test
    void aComponentThatEndsWithoutReplyingFailsTheAskAtOnce() throws Exception {
        Component quitter = new Component("quitter") {
            @Override
            protected void main() throws InterruptedException {
                receive(); // takes the request and ends without replying
            }
        };
        try (var system = Components.open(Components.Options.defaults().withName("sys"))) {
            system.start(quitter);
            // The ask's timeout is far beyond the test's: only the component's end can end this ask in time.
            assertThatThrownBy(() -> Asks.ask(quitter, Component.INBOX, "q", Duration.ofHours(1)))
                    .isInstanceOf(AskException.class).isNotInstanceOf(AskTimeoutException.class)
                    .hasMessageContaining("component 'sys/quitter' ended without replying");
            quitter.join();
            assertThat(quitter.openAsks()).isZero();
            assertThatThrownBy(() -> Asks.ask(quitter, Component.INBOX, "q", Duration.ofHours(1)))
                    .isInstanceOf(AskException.class).hasMessageContaining("had ended before request");
        }
    }

    @Test
    void interruptingTheAskerCancelsItsWait() throws Exception {
        Holder holder = new Holder("holder", 8);
        try (var system = Components.open()) {
            system.start(holder);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread asker = Thread.ofVirtual().start(() -> {
                try {
                    Asks.ask(holder, "requests", "q", Duration.ofHours(1));
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            Request r = holder.held.poll(20, TimeUnit.SECONDS);
            asker.interrupt();
            assertThat(asker.join(LONG)).isTrue();
            assertThat(thrown.get()).isInstanceOf(InterruptedException.class).hasMessageContaining("interrupted");
            assertThat(r.isOpen()).isFalse();
            assertThat(holder.openAsks()).isZero();
            assertThat(r.answer(q -> {
                throw new AssertionError("no work for an asker that left");
            })).isFalse();
            assertThat(r.reply("late")).isFalse();
            assertThat(holder.lateReplies()).isEqualTo(1);
        }
    }

    @Test
    void theTimeoutCoversTheWaitForRoomInAFullInbox() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Component stuck = new Component("stuck") {
            @Override
            protected void main() throws InterruptedException {
                release.await(); // takes nothing: its inbox fills
            }
        };
        try (var system = Components.open(Components.Options.defaults().withName("sys"))) {
            system.start(stuck);
            for (int i = 0; i < Component.DEFAULT_CAPACITY; i++) {
                stuck.deliver("filler", Component.INBOX);
            }
            assertThatThrownBy(() -> Asks.ask(stuck, Component.INBOX, "q", Duration.ofMillis(30)))
                    .isInstanceOf(AskTimeoutException.class).hasMessageContaining("inbox full")
                    .hasMessageContaining("sys/stuck.inbox");
            assertThat(stuck.openAsks()).isZero();
            release.countDown();
        }
    }

    @Test
    void aComponentAskingItselfFailsFast() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Component narcissus = new Component("narcissus") {
            @Override
            protected void main() throws InterruptedException {
                try {
                    Asks.ask(this, INBOX, "me?", LONG);
                } catch (IllegalStateException e) {
                    thrown.set(e);
                }
            }
        };
        narcissus.run();
        assertThat(thrown.get()).hasMessageContaining("asked itself");
    }

    @Test
    void badArgumentsAreRefusedNamingWhat() {
        Doubler d = new Doubler("d");
        assertThatThrownBy(() -> Asks.ask(d, "nope", 1, LONG)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no such inbox");
        assertThatThrownBy(() -> Asks.ask(d, Component.INBOX, 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive timeout");
    }

    @Test
    void askersParkWithoutPinning() throws Exception {
        // Many virtual askers wait at once while the answerer works through them: no wait may pin a carrier.
        Doubler doubler = new Doubler("doubler");
        try (var recording = new jdk.jfr.Recording(); var system = Components.open()) {
            recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO);
            recording.start();
            system.start(doubler);
            List<Thread> threads = new ArrayList<>();
            AtomicInteger ok = new AtomicInteger();
            for (int i = 0; i < 1_000; i++) {
                int n = i;
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        if (Asks.ask(doubler, Component.INBOX, n, Integer.class, LONG) == 2 * n) {
                            ok.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            for (Thread t : threads) {
                assertThat(t.join(LONG)).isTrue();
            }
            assertThat(ok.get()).isEqualTo(1_000);
            recording.stop();
            java.nio.file.Path file = java.nio.file.Files.createTempFile("weft-asks-pinned", ".jfr");
            try {
                recording.dump(file);
                assertThat(jdk.jfr.consumer.RecordingFile.readAllEvents(file))
                        .as("jdk.VirtualThreadPinned events").isEmpty();
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
            doubler.stop();
        }
    }
}
