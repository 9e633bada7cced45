package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BackplaneTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    /** Collects what reaches "inbox" (or another inbox) and how it was told to end; others may wait for a count. */
    static final class Probe extends Component {
        final List<Object> got = new CopyOnWriteArrayList<>();
        volatile ControlMessage endedWith;
        private final String from;
        private final Object monitor = new Object();

        Probe(String name) {
            this(name, INBOX, DEFAULT_CAPACITY);
        }

        /** Collects from its own inbox {@code from} of {@code capacity}, after a message on "go" if gated. */
        Probe(String name, String from, int capacity) {
            super(name);
            this.from = from;
            if (!from.equals(INBOX)) {
                addInbox(from, capacity);
            }
        }

        @Override
        protected void main() throws Exception {
            try {
                while (true) {
                    got.add(receive(from));
                    synchronized (monitor) {
                        monitor.notifyAll();
                    }
                }
            } catch (ShutdownSignal s) {
                endedWith = s.message();
                throw s;
            }
        }

        void awaitCount(int n) throws InterruptedException {
            synchronized (monitor) {
                while (got.size() < n) {
                    monitor.wait();
                }
            }
        }
    }

    /** Holds everything in its small "in" inbox until it gets a message on "go", then collects. */
    static final class Stuck extends Component {
        final List<Object> got = new CopyOnWriteArrayList<>();

        Stuck(String name, int capacity) {
            super(name);
            addInbox("in", capacity);
            addInbox("go");
        }

        @Override
        protected void main() throws Exception {
            receive("go");
            while (true) {
                got.add(receive("in"));
            }
        }
    }

    /** Sends its items, counting each send that returned. */
    static final class Feeder extends Component {
        final AtomicInteger sent = new AtomicInteger();
        private final List<?> items;

        Feeder(String name, List<?> items) {
            super(name);
            this.items = items;
        }

        @Override
        protected void main() throws InterruptedException {
            for (Object o : items) {
                send(o);
                sent.incrementAndGet();
            }
        }
    }

    static List<String> tagged(String tag, int n) {
        return IntStream.range(0, n).mapToObj(i -> tag + i).toList();
    }

    static List<Integer> numbers(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    /** Waits (yielding, never sleeping) until {@code condition} holds. */
    static void awaitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.yield();
        }
    }

    /** A subscriber feeding a collector: the pair as one pipeline. */
    record Subscriber(SubscribeTo sub, Probe sink, Pipeline pipeline) {
        static Subscriber of(String backplane, String name) {
            SubscribeTo s = new SubscribeTo(backplane);
            Probe c = new Probe(name);
            return new Subscriber(s, c, Pipeline.of(s, c));
        }
    }

    static Pipeline publisher(String backplane, String name, List<?> items) {
        return Pipeline.of(new Feeder(name, items), new PublishTo(backplane));
    }

    @Test
    void everySubscriberGetsEveryMessageInPublishOrderPerPublisher() throws Exception {
        Backplane bp = new Backplane("news");
        List<Subscriber> subs = List.of(Subscriber.of("news", "s1"), Subscriber.of("news", "s2"),
                Subscriber.of("news", "s3"));
        try (var system = Components.open()) {
            system.start(bp);
            for (Subscriber s : subs) {
                system.start(s.pipeline());
            }
            for (Subscriber s : subs) {
                assertThat(s.sub().awaitSubscribed(WAIT)).isTrue();
            }
            assertThat(bp.subscribers()).hasSize(3);
            Pipeline a = publisher("news", "a", tagged("a", 300));
            Pipeline b = publisher("news", "b", tagged("b", 300));
            system.start(a).start(b);
            a.join();
            b.join();
            bp.deliver(new ProducerFinished(), Component.CONTROL); // passes on what it has, then ends everyone
            system.join();
        }
        List<Object> first = subs.getFirst().sink().got;
        assertThat(first).hasSize(600);
        assertThat(first.stream().filter(m -> m.toString().startsWith("a")).toList()).isEqualTo(tagged("a", 300));
        assertThat(first.stream().filter(m -> m.toString().startsWith("b")).toList()).isEqualTo(tagged("b", 300));
        for (Subscriber s : subs) {
            assertThat(s.sink().got).as("every subscriber sees the same sequence").isEqualTo(first);
            assertThat(s.sink().endedWith).isInstanceOf(ProducerFinished.class);
            assertThat(s.sub().received()).isEqualTo(600);
            assertThat(s.sub().dropped()).isZero();
        }
        assertThat(bp.state()).isEqualTo(Component.State.SUCCEEDED);
        assertThat(bp.unheard()).isZero();
    }

    @Test
    void aLateSubscriberGetsOnlyWhatIsPublishedAfterItSubscribed() throws Exception {
        Backplane bp = new Backplane("news");
        Subscriber early = Subscriber.of("news", "early");
        Subscriber late = Subscriber.of("news", "late");
        try (var system = Components.open()) {
            system.start(bp).start(early.pipeline());
            assertThat(early.sub().awaitSubscribed(WAIT)).isTrue();
            Pipeline first = publisher("news", "first", numbers(0, 50));
            system.start(first);
            early.sink().awaitCount(50); // the backplane has passed the first batch on

            system.start(late.pipeline());
            assertThat(late.sub().awaitSubscribed(WAIT)).isTrue();
            Pipeline second = publisher("news", "second", numbers(50, 100));
            system.start(second);
            second.join();
            bp.deliver(new ProducerFinished(), Component.CONTROL);
            system.join();
        }
        assertThat(early.sink().got).isEqualTo(numbers(0, 100));
        assertThat(late.sink().got).isEqualTo(numbers(50, 100));
    }

    @Test
    void aSubscriberCanLeaveWhilePublishingGoesOn() throws Exception {
        Backplane bp = new Backplane("news");
        Subscriber leaving = Subscriber.of("news", "leaving");
        Subscriber staying = Subscriber.of("news", "staying");
        Component gated = new Component("gated") {
            {
                addInbox("go");
            }

            @Override
            protected void main() throws Exception {
                for (int i = 0; i < 100; i++) {
                    send(i);
                }
                receive("go");
                for (int i = 100; i < 200; i++) {
                    send(i);
                }
            }
        };
        try (var system = Components.open()) {
            system.start(bp).start(leaving.pipeline()).start(staying.pipeline());
            assertThat(leaving.sub().awaitSubscribed(WAIT)).isTrue();
            assertThat(staying.sub().awaitSubscribed(WAIT)).isTrue();
            system.start(Pipeline.of(gated, new PublishTo("news")));
            leaving.sink().awaitCount(100);

            leaving.sub().stop(); // unsubscribes, forwards Shutdown to its collector; the backplane goes on
            leaving.pipeline().join();
            assertThat(bp.subscribers()).extracting(Splitter.Sink::component).containsExactly(staying.sub());
            assertThat(bp.state()).isEqualTo(Component.State.RUNNING);

            gated.deliver("go", "go");
            staying.sink().awaitCount(200);
            bp.deliver(new ProducerFinished(), Component.CONTROL);
            system.join();
        }
        assertThat(leaving.sink().got).isEqualTo(numbers(0, 100));
        assertThat(leaving.sink().endedWith).isInstanceOf(Shutdown.class);
        assertThat(staying.sink().got).isEqualTo(numbers(0, 200));
    }

    @Test
    void dropOldestNeverHoldsThePublisherAndCountsWhatTheSlowSubscriberLost() throws Exception {
        int n = 200;
        Backplane bp = new Backplane("ticks", Backplane.Overflow.DROP_OLDEST);
        SubscribeTo slowSub = new SubscribeTo("ticks", 4);
        Stuck slow = new Stuck("slow", 2);
        Components.link(slowSub, Component.OUTBOX, slow, "in");
        Components.link(slowSub, Component.SIGNAL, slow, Component.CONTROL);
        SubscribeTo fastSub = new SubscribeTo("ticks", n); // never full
        Probe fast = new Probe("fast");
        Pipeline publisher = publisher("ticks", "source", numbers(0, n));
        try (var system = Components.open()) {
            system.start(bp).start(slow).start(slowSub).start(Pipeline.of(fastSub, fast));
            assertThat(slowSub.awaitSubscribed(WAIT)).isTrue();
            assertThat(fastSub.awaitSubscribed(WAIT)).isTrue();
            system.start(publisher);
            publisher.join(); // published everything while the slow subscriber took nothing

            bp.deliver(new ProducerFinished(), Component.CONTROL);
            bp.join(); // everything fanned out
            assertThat(slow.got).isEmpty();
            assertThat(slowSub.received()).isEqualTo(n);
            long dropped = slowSub.dropped();
            assertThat(dropped).as("at most 4 + 1 + 2 kept").isGreaterThanOrEqualTo(n - 7);

            slow.deliver("go", "go");
            system.join();
            assertThat(slow.got.size() + dropped).as("every message delivered or counted dropped").isEqualTo(n);
            assertThat(slow.got).isSorted().contains(n - 1); // the newest survive
            assertThat(slowSub.dropped()).isEqualTo(dropped);
        }
        assertThat(fast.got).isEqualTo(numbers(0, n));
        assertThat(fastSub.dropped()).isZero();
    }

    @Test
    void blockHoldsThePublisherWhileTheSlowSubscriberIsFullAndLosesNothing() throws Exception {
        int n = 200;
        Backplane bp = new Backplane("ticks"); // BLOCK by default
        SubscribeTo sub = new SubscribeTo("ticks", 2);
        Stuck slow = new Stuck("slow", 2);
        Components.link(sub, Component.OUTBOX, slow, "in");
        Components.link(sub, Component.SIGNAL, slow, Component.CONTROL);
        PublishTo pub = new PublishTo("ticks");
        Feeder source = new Feeder("source", numbers(0, n));
        Components.link(source, Component.OUTBOX, pub, Component.INBOX);
        Components.link(source, Component.SIGNAL, pub, Component.CONTROL);
        try (var system = Components.open()) {
            system.start(bp).start(slow).start(sub).start(pub);
            assertThat(sub.awaitSubscribed(WAIT)).isTrue();
            assertThat(pub.awaitConnected(WAIT)).isTrue();
            system.start(source);

            // slow's "in" (2) + one in the subscriber's hand + its feed (2) + one in the backplane's hand + the
            // backplane's inbox (64): the source's 71st send blocks.
            int held = 2 + 1 + 2 + 1 + Component.DEFAULT_CAPACITY;
            awaitUntil("the chain is full", () -> source.sent.get() == held
                    && bp.queued(Component.INBOX) == Component.DEFAULT_CAPACITY
                    && sub.queued(SubscribeTo.FEED) == 2 && slow.queued("in") == 2);
            assertThat(source.join(Duration.ofMillis(100))).as("the publisher is held").isFalse();
            assertThat(source.sent.get()).isEqualTo(held);
            assertThat(source.state()).isEqualTo(Component.State.RUNNING);
            assertThat(sub.dropped()).isZero();

            slow.deliver("go", "go");
            source.join();
            bp.deliver(new ProducerFinished(), Component.CONTROL);
            system.join();
        }
        assertThat(slow.got).isEqualTo(numbers(0, n));
    }

    @Test
    void shuttingTheBackplaneDownEndsEverySubscriberWhichForwardsIt() throws Exception {
        Backplane bp = new Backplane("news");
        List<Subscriber> subs = List.of(Subscriber.of("news", "s1"), Subscriber.of("news", "s2"),
                Subscriber.of("news", "s3"));
        Shutdown bye = new Shutdown("bye");
        try (var system = Components.open()) {
            system.start(bp);
            for (Subscriber s : subs) {
                system.start(s.pipeline());
                assertThat(s.sub().awaitSubscribed(WAIT)).isTrue();
            }
            bp.deliver(bye, Component.CONTROL);
            for (Subscriber s : subs) {
                s.pipeline().join();
            }
            assertThat(system.services().find(Backplane.serviceName("news"))).as("withdrawn").isEmpty();
            system.join();
        }
        for (Subscriber s : subs) {
            assertThat(s.sub().state()).isEqualTo(Component.State.SUCCEEDED);
            assertThat(s.sink().endedWith).isSameAs(bye); // the backplane's own Shutdown, passed on
        }
        assertThat(bp.subscribers()).isEmpty();
    }

    @Test
    void closingTheSystemEndsTheBackplaneAndItsSubscribers() throws Exception {
        Backplane bp = new Backplane("news");
        SubscribeTo sub = new SubscribeTo("news");
        Probe sink = new Probe("sink", "data", 8);
        // the subscriber in a graphline whose own control goes to an inbox nobody reads: only the backplane ends it
        Graphline g = Graphline.builder().component("sub", sub).component("sink", sink)
                .link("sub", "outbox", "sink", "data").link("sub", "signal", "sink", "control")
                .link("self", "control", "sink", "inbox").build();
        try (var system = Components.open()) {
            system.start(bp).start(g);
            assertThat(sub.awaitSubscribed(WAIT)).isTrue();
        }
        assertThat(bp.state()).isEqualTo(Component.State.SUCCEEDED);
        assertThat(sub.state()).isEqualTo(Component.State.SUCCEEDED);
        assertThat(sink.endedWith).isInstanceOf(Shutdown.class);
        assertThat(g.state()).isEqualTo(Component.State.SUCCEEDED);
    }

    @Test
    void aSecondBackplaneOfTheSameNameFailsNamingTheFirst() {
        assertThatThrownBy(() -> {
            try (var system = Components.open(Components.Options.defaults().withName("sys"))) {
                system.start(new Backplane("news"));
                system.services().await(Backplane.serviceName("news"), WAIT);
                system.start(new Backplane("news"));
                system.join();
            }
        }).isInstanceOf(ComponentFailedException.class).rootCause().isInstanceOf(ServiceException.class)
                .hasMessageContaining("service 'Backplane_news' is already registered in system 'sys' by "
                        + "'sys/Backplane_news.inbox'");
    }

    @Test
    void anEndedBackplanesNameCanBeUsedAgain() throws Exception {
        try (var system = Components.open()) {
            Backplane first = new Backplane("news");
            system.start(first);
            system.services().await(Backplane.serviceName("news"), WAIT);
            first.stop();
            first.join();
            Backplane second = new Backplane("news");
            Subscriber s = Subscriber.of("news", "s");
            system.start(second).start(s.pipeline());
            assertThat(s.sub().awaitSubscribed(WAIT)).isTrue();
            assertThat(second.subscribers()).hasSize(1);
            second.stop();
            system.join();
        }
    }

    @Test
    void aSubscriberStartedBeforeItsBackplaneWaitsForIt() throws Exception {
        Subscriber s = Subscriber.of("news", "s");
        Backplane bp = new Backplane("news");
        try (var system = Components.open()) {
            system.start(s.pipeline());
            awaitUntil("the subscriber waits for the service", () -> s.sub().waitingOn().isPresent());
            assertThat(s.sub().awaitSubscribed(Duration.ZERO)).isFalse();
            system.start(bp);
            assertThat(s.sub().awaitSubscribed(WAIT)).isTrue();
            system.services().retrieve(Backplane.serviceName("news")).deliver("hello");
            bp.deliver(new ProducerFinished(), Component.CONTROL);
            system.join();
        }
        assertThat(s.sink().got).containsExactly("hello");
    }

    @Test
    void aPublisherStartedBeforeItsBackplaneWaitsAndPassesOnWhatWaitedInOrder() throws Exception {
        PublishTo pub = new PublishTo("news");
        Backplane bp = new Backplane("news");
        Subscriber s = Subscriber.of("news", "s");
        try (var system = Components.open()) {
            system.start(pub);
            awaitUntil("the publisher waits for the service", () -> pub.waitingOn().isPresent());
            pub.deliver("early", Component.INBOX);
            system.start(bp);
            assertThat(pub.awaitConnected(WAIT)).isTrue();
            awaitUntil("what waited reached the backplane (nobody subscribed yet)", () -> bp.unheard() == 1);
            system.start(s.pipeline());
            assertThat(s.sub().awaitSubscribed(WAIT)).isTrue();
            pub.deliver("late", Component.INBOX); // straight through the publisher's inbox to the backplane's
            pub.deliver(new ProducerFinished(), Component.CONTROL); // ends the publisher, not the backplane
            pub.join();
            assertThat(bp.state()).isEqualTo(Component.State.RUNNING);
            bp.deliver(new ProducerFinished(), Component.CONTROL);
            system.join();
        }
        assertThat(s.sink().got).containsExactly("late");
        assertThat(bp.unheard()).isEqualTo(1);
    }

    @Test
    void subscribingToAServiceThatIsNotABackplaneFailsClearly() {
        assertThatThrownBy(() -> {
            try (var system = Components.open(Components.Options.defaults().withName("sys"))) {
                Probe imposter = new Probe("imposter");
                system.services().register(Backplane.serviceName("news"), imposter, Component.INBOX);
                system.start(imposter).start(new SubscribeTo("news"));
                system.join();
            }
        }).isInstanceOf(ComponentFailedException.class).rootCause().isInstanceOf(ServiceException.class)
                .hasMessageContaining("'sys/imposter', which is not a Backplane");
    }

    @Test
    void messagesPublishedToNobodyAreCounted() throws Exception {
        Backplane bp = new Backplane("void");
        try (var system = Components.open()) {
            system.start(bp);
            Service s = system.services().await(Backplane.serviceName("void"), WAIT);
            for (int i = 0; i < 5; i++) {
                s.deliver(i); // a manual publisher: the service is the backplane's inbox
            }
            bp.deliver(new ProducerFinished(), Component.CONTROL);
            system.join();
        }
        assertThat(bp.unheard()).isEqualTo(5);
    }

    @Test
    void namesAreChecked() {
        assertThatThrownBy(() -> new Backplane("a/b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backplane name must be non-blank and contain no '/'");
        assertThatThrownBy(() -> new SubscribeTo("x", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Backplane.serviceName("news")).isEqualTo("Backplane_news");
        assertThat(new Backplane("news").name()).isEqualTo("Backplane_news");
    }
}
