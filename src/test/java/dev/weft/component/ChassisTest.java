package dev.weft.component;

import static dev.weft.component.StockComponentsTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ChassisTest {

    /** Logs its start and the end of its main to a shared log, sending its name in between. */
    static final class Step extends Component {
        private final List<String> log;

        Step(String name, List<String> log) {
            super(name);
            this.log = log;
        }

        @Override
        protected void main() throws InterruptedException {
            log.add("start " + name());
            send(name());
            log.add("end " + name());
        }
    }

    /** Takes {@code n} messages from "inbox", sends each tagged with its name, then ends. */
    static final class Take extends Component {
        private final int n;

        Take(String name, int n) {
            super(name);
            this.n = n;
        }

        @Override
        protected void main() throws InterruptedException {
            for (int i = 0; i < n; i++) {
                send(name() + ":" + receive());
            }
        }
    }

    /** Runs until told to stop; keeps the control message that stopped it. */
    static final class Waiter extends Component {
        volatile ControlMessage stoppedBy;

        Waiter(String name) {
            super(name);
        }

        @Override
        protected void main() throws InterruptedException {
            try {
                while (true) {
                    receive();
                }
            } catch (ShutdownSignal s) {
                stoppedBy = s.message();
                throw s;
            }
        }
    }

    /** Keeps the first message on "inbox" (data or control). */
    static final class FirstMessage extends Component {
        volatile Object got;

        @Override
        protected void main() throws InterruptedException {
            got = receive(INBOX);
        }
    }

    // ---- Seq ----

    @Test
    void seqRunsItsComponentsOneAfterAnotherAndPassesTheirOutboxThrough() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Seq seq = Seq.of(new Step("a", log), new Step("b", log), new Step("c", log));
        Collector sink = Components.collector();
        Pipeline.of(seq, sink).run();
        assertThat(sink.items()).containsExactly("a", "b", "c");
        assertThat(log).containsExactly("start a", "end a", "start b", "end b", "start c", "end c");
        assertThat(seq.state()).isEqualTo(Component.State.SUCCEEDED);
        assertThat(seq.childComponents()).isEmpty(); // ended children leave their parent
        assertThat(seq.childrenAdded()).isEqualTo(3);
        assertThat(seq.sequence()).allSatisfy(c -> assertThat(c.state()).isEqualTo(Component.State.SUCCEEDED));
        assertThat(seq.current()).isEmpty();
    }

    @Test
    void seqOfOneShotsInAPipelineKeepsOrder() throws Exception {
        Collector sink = Components.collector();
        List<Component> shots = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            shots.add(Components.oneShot(i));
        }
        Pipeline.of(Seq.of(shots), sink).run();
        assertThat(sink.items(Integer.class)).hasSize(50).isSorted();
    }

    @Test
    void seqEndsWithItsOwnProducerFinishedOnly() throws Exception {
        Seq seq = Seq.of(Components.oneShot(1), Components.oneShot(2));
        FirstMessage signal = new FirstMessage();
        Collector sink = Components.collector();
        Components.link(seq, Component.SIGNAL, signal, Component.INBOX);
        Components.link(seq, Component.OUTBOX, sink, Component.INBOX);
        try (var system = Components.open()) {
            system.start(seq).start(signal).start(sink);
            await(() -> signal.got != null);
            sink.deliver(new ProducerFinished(), Component.CONTROL);
            system.join();
        }
        // the children's own ProducerFinished went nowhere: one message on the seq's signal, from the seq
        assertThat(signal.got).isInstanceOf(ProducerFinished.class);
        assertThat(((ProducerFinished) signal.got).detail()).contains(seq.path());
        assertThat(seq.sent(Component.SIGNAL)).isEqualTo(1);
        assertThat(sink.items()).containsExactly(1, 2);
    }

    @Test
    void seqPassesItsInboxToTheRunningChild() throws Exception {
        Take first = new Take("first", 2);
        Take second = new Take("second", 3);
        Seq seq = Seq.of(first, second);
        Collector sink = Components.collector();
        seq.deliver(1, Component.INBOX); // before the start: waits in the seq's inbox, moves on to the first child
        Pipeline p = Pipeline.of(seq, sink);
        try (var system = Components.open()) {
            system.start(p);
            seq.deliver(2, Component.INBOX);
            await(() -> seq.current().filter(c -> c == second).isPresent());
            for (int i = 3; i <= 5; i++) {
                seq.deliver(i, Component.INBOX);
            }
            system.join();
        }
        assertThat(sink.items()).containsExactly("first:1", "first:2", "second:3", "second:4", "second:5");
    }

    @Test
    void shutdownOnTheSeqStopsTheRunningChildAndStartsNoMore() throws Exception {
        Waiter waiter = new Waiter("waiter");
        Component never = Components.oneShot("never");
        Seq seq = Seq.of(waiter, never);
        FirstMessage signal = new FirstMessage();
        Components.link(seq, Component.SIGNAL, signal, Component.INBOX);
        try (var system = Components.open()) {
            system.start(seq).start(signal);
            await(() -> waiter.state() == Component.State.RUNNING);
            seq.stop();
            system.join();
        }
        assertThat(waiter.stoppedBy).isInstanceOf(Shutdown.class);
        assertThat(never.state()).isEqualTo(Component.State.NEW);
        assertThat(signal.got).isInstanceOf(Shutdown.class);
        assertThat(seq.state()).isEqualTo(Component.State.SUCCEEDED);
    }

    @Test
    void producerFinishedReachesTheRunningChildAndEveryLaterOne() throws Exception {
        // Two transformers in a seq after a finite source: the first takes all the data (it is the running child),
        // ends at the source's ProducerFinished; the second starts with ProducerFinished already on its control.
        Seq seq = Seq.of(Components.transformer(m -> "t1:" + m), Components.transformer(m -> "t2:" + m));
        Collector sink = Components.collector();
        Pipeline.of(Components.source(List.of(1, 2, 3)), seq, sink).run();
        assertThat(sink.items()).containsExactly("t1:1", "t1:2", "t1:3");
        assertThat(seq.sequence()).allSatisfy(c -> assertThat(c.state()).isEqualTo(Component.State.SUCCEEDED));
    }

    @Test
    void aFailingChildFailsTheSeqAndStartsNoMore() {
        Component bad = new Component("bad") {
            @Override
            protected void main() {
                throw new IllegalStateException("boom");
            }
        };
        Component never = Components.oneShot("never");
        Seq seq = Seq.of(bad, never);
        assertThatThrownBy(seq::run).isInstanceOf(ComponentFailedException.class).hasMessageContaining("/bad")
                .hasRootCauseMessage("boom");
        assertThat(never.state()).isEqualTo(Component.State.NEW);
        assertThat(seq.state()).isEqualTo(Component.State.FAILED);
    }

    @Test
    void emptySeqEndsAtOnceAndSeqRefusesComponentsInUse() throws Exception {
        Seq empty = Seq.of();
        empty.run();
        assertThat(empty.state()).isEqualTo(Component.State.SUCCEEDED);

        Component shot = Components.oneShot(1);
        shot.run();
        assertThatThrownBy(() -> Seq.of(shot)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already started");
        Component twice = Components.oneShot(2);
        assertThatThrownBy(() -> Seq.of(twice, twice)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
    }

    // ---- Carousel ----

    /** A playlist (Kamaelia's Chooser): sends the next item for each request on "inbox"; ends when out of items. */
    static final class Playlist extends Component {
        private final List<?> items;
        final List<Object> requests = new CopyOnWriteArrayList<>();

        Playlist(List<?> items) {
            super("playlist");
            this.items = items;
        }

        @Override
        protected void main() throws InterruptedException {
            for (Object item : items) {
                requests.add(receive());
                send(item);
            }
            requests.add(receive()); // the request after the last item: there is none, so this playlist ends
        }
    }

    @Test
    void carouselMakesAChildPerMessageOnNextAndRequestsTheNextWhenOneEnds() throws Exception {
        List<String> made = new CopyOnWriteArrayList<>();
        Carousel carousel = Carousel.requestingFirst(arg -> {
            made.add((String) arg);
            return Components.source(List.of(arg + "1", arg + "2"));
        });
        Playlist playlist = new Playlist(List.of("a", "b", "c"));
        Collector sink = Components.collector();
        Graphline g = Graphline.builder()
                .component("playlist", playlist).component("carousel", carousel).component("sink", sink)
                .link("carousel", Carousel.REQUEST_NEXT, "playlist", "inbox")
                .link("playlist", "outbox", "carousel", Carousel.NEXT)
                .link("playlist", "signal", "carousel", "control")
                .link("carousel", "outbox", "sink", "inbox")
                .link("carousel", "signal", "sink", "control")
                .build();
        g.run();
        assertThat(made).containsExactly("a", "b", "c");
        assertThat(sink.items()).containsExactly("a1", "a2", "b1", "b2", "c1", "c2");
        // the first request, then one after each child ended
        assertThat(playlist.requests).containsExactly("NEXT", "NEXT", "NEXT", "NEXT");
        assertThat(carousel.childrenAdded()).isEqualTo(3);
        assertThat(carousel.childComponents()).isEmpty(); // ended children leave their parent
        assertThat(carousel.state()).isEqualTo(Component.State.SUCCEEDED);
    }

    @Test
    void carouselPassesItsInboxToTheCurrentChildAndANewOrderReplacesIt() throws Exception {
        Carousel carousel = Carousel.of(arg -> Components.transformer(m -> arg + ":" + m));
        Collector sink = Components.collector();
        Collector requests = Components.collector();
        Components.link(carousel, Component.OUTBOX, sink, Component.INBOX);
        Components.link(carousel, Carousel.REQUEST_NEXT, requests, Component.INBOX);
        FirstMessage signal = new FirstMessage();
        Components.link(carousel, Component.SIGNAL, signal, Component.INBOX);
        try (var system = Components.open()) {
            system.start(carousel).start(sink).start(requests).start(signal);
            carousel.deliver(1, Component.INBOX); // no child yet: waits in the carousel's inbox
            carousel.deliver("x", Carousel.NEXT);
            carousel.deliver(2, Component.INBOX);
            await(() -> sink.size() == 2);
            Component x = carousel.current().orElseThrow();
            carousel.deliver("y", Carousel.NEXT); // replaces x: x is sent Shutdown, y wired in
            await(() -> carousel.current().filter(c -> c != x).isPresent());
            carousel.deliver(3, Component.INBOX);
            await(() -> sink.size() == 3);
            assertThat(x.state()).isNotEqualTo(Component.State.RUNNING); // shut down when replaced
            carousel.stop();
            await(() -> signal.got != null);
            sink.deliver(new ProducerFinished(), Component.CONTROL);
            requests.deliver(new ProducerFinished(), Component.CONTROL);
            system.join();
        }
        assertThat(sink.items()).containsExactly("x:1", "x:2", "y:3");
        assertThat(requests.items()).isEmpty(); // replaced and stopped children are not followed by a request
        assertThat(signal.got).isInstanceOf(Shutdown.class);
        assertThat(carousel.childrenAdded()).isEqualTo(2);
        assertThat(carousel.childComponents()).isEmpty();
    }

    @Test
    void replacedChildIsToldWhy() throws Exception {
        List<Waiter> waiters = new CopyOnWriteArrayList<>();
        Carousel carousel = Carousel.of(arg -> {
            Waiter w = new Waiter((String) arg);
            waiters.add(w);
            return w;
        });
        try (var system = Components.open()) {
            system.start(carousel);
            carousel.deliver("a", Carousel.NEXT);
            carousel.deliver("b", Carousel.NEXT);
            await(() -> waiters.size() == 2 && waiters.getFirst().stoppedBy != null);
            carousel.stop();
            system.join();
        }
        assertThat(waiters.get(0).stoppedBy).isInstanceOf(Shutdown.class);
        assertThat(waiters.get(0).stoppedBy.detail().orElseThrow().toString()).contains("replaced by carousel");
        assertThat(waiters.get(1).stoppedBy).isInstanceOf(Shutdown.class);
    }

    @Test
    void producerFinishedLetsTheCarouselFinishItsChildThenEnd() throws Exception {
        Carousel carousel = Carousel.of(arg -> Components.transformer(m -> arg + ":" + m));
        Collector sink = Components.collector();
        Collector requests = Components.collector();
        Components.link(carousel, Component.OUTBOX, sink, Component.INBOX);
        Components.link(carousel, Component.SIGNAL, sink, Component.CONTROL);
        Components.link(carousel, Carousel.REQUEST_NEXT, requests, Component.INBOX);
        try (var system = Components.open()) {
            system.start(carousel).start(sink).start(requests);
            carousel.deliver("x", Carousel.NEXT);
            for (int i = 0; i < 10; i++) {
                carousel.deliver(i, Component.INBOX);
            }
            carousel.deliver(new ProducerFinished(), Component.CONTROL); // the child drains its inbox, then ends
            await(() -> sink.state() == Component.State.SUCCEEDED);
            requests.stop();
            system.join();
        }
        assertThat(sink.items()).hasSize(10).startsWith("x:0").endsWith("x:9");
        assertThat(requests.items()).isEmpty();
        assertThat(carousel.state()).isEqualTo(Component.State.SUCCEEDED);
    }

    @Test
    void aFailingChildOrFactoryFailsTheCarousel() {
        Carousel failing = Carousel.of(arg -> new Component("bad") {
            @Override
            protected void main() {
                throw new IllegalStateException("child " + arg);
            }
        });
        assertThatThrownBy(() -> {
            try (var system = Components.open()) {
                system.start(failing);
                failing.deliver("one", Carousel.NEXT);
                system.join();
            }
        }).isInstanceOf(ComponentFailedException.class).hasRootCauseMessage("child one");
        assertThat(failing.state()).isEqualTo(Component.State.FAILED);

        Carousel nullFactory = Carousel.of(arg -> null);
        assertThatThrownBy(() -> {
            try (var system = Components.open()) {
                system.start(nullFactory);
                nullFactory.deliver("one", Carousel.NEXT);
                system.join();
            }
        }).isInstanceOf(ComponentFailedException.class).rootCause().hasMessageContaining("factory returned null");
    }
}
