package dev.weft.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.component.Component;
import dev.weft.component.ComponentFailedException;
import dev.weft.component.Components;
import dev.weft.component.Delivery;
import dev.weft.component.Pipeline;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a component system records into the Metrics given as its observer: sent, received, dropped, depth, ends. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MetricsComponentTest {

    /** Sends each item on "outbox", then returns (ProducerFinished on "signal"). */
    static final class Source extends Component {
        private final List<?> items;

        Source(String name, List<?> items) {
            super(name);
            this.items = items;
        }

        @Override
        protected void main() throws InterruptedException {
            for (Object o : items) {
                send(o);
            }
        }
    }

    /** Counts what arrives on "inbox" until the end signal. */
    static final class Sink extends Component {
        int got;

        Sink(String name) {
            super(name);
        }

        @Override
        protected void main() {
            for (Object ignored : messages()) {
                got++;
            }
        }
    }

    static double count(MeterRegistry r, String name, String... tags) {
        var c = r.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    static double gauge(MeterRegistry r, String name, String... tags) {
        return RequiredSearch.in(r).name(name).tags(tags).gauge().value();
    }

    @Test
    void countsSentReceivedDepthAndEnds() throws Exception {
        Metrics metrics = Metrics.simple();
        MeterRegistry r = metrics.registry();
        Source source = new Source("src", List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
        Sink sink = new Sink("sink");
        Components.link(source, Component.OUTBOX, sink, Component.INBOX);
        Components.link(source, Component.SIGNAL, sink, Component.CONTROL);
        try (var system = Components.open(Components.Options.defaults().withName("pairs").withObserver(metrics))) {
            system.start(source).start(sink);
            system.join();
        }
        assertThat(sink.got).isEqualTo(10);
        assertThat(count(r, "weft.component.sent", "system", "pairs", "box", "outbox")).isEqualTo(10);
        assertThat(count(r, "weft.component.sent", "system", "pairs", "box", "signal")).isEqualTo(1); // source's end
        assertThat(count(r, "weft.component.received", "system", "pairs", "box", "inbox")).isEqualTo(10);
        assertThat(count(r, "weft.component.received", "system", "pairs", "box", "control")).isEqualTo(1);
        var depth = r.get("weft.component.inbox.depth").tags("system", "pairs", "box", "inbox").summary();
        assertThat(depth.count()).isEqualTo(10);
        assertThat(depth.max()).isBetween(1.0, 10.0);
        assertThat(count(r, "weft.component.started", "system", "pairs")).isEqualTo(2);
        assertThat(count(r, "weft.component.ended", "system", "pairs", "outcome", "succeeded")).isEqualTo(2);
        assertThat(gauge(r, "weft.component.active", "system", "pairs")).isZero();
        // only the sink's end, forwarded on its unlinked "signal"
        assertThat(r.find("weft.component.dropped").counters()).hasSize(1);
        assertThat(count(r, "weft.component.dropped", "system", "pairs", "box", "signal", "reason", "unlinked"))
                .isEqualTo(1);
    }

    @Test
    void countsDropsByReason() throws Exception {
        Metrics metrics = Metrics.simple();
        MeterRegistry r = metrics.registry();
        CountDownLatch sent = new CountDownLatch(1);
        Component slow = new Component("slow") {
            {
                addInbox("data", 1);
            }

            @Override
            protected void main() throws InterruptedException {
                sent.await(); // lets the sender fill the inbox of capacity 1 first
                receive("data");
            }
        };
        Component fast = new Component("fast") {
            @Override
            protected void main() throws InterruptedException {
                for (int i = 0; i < 3; i++) {
                    send(i); // the first fits, the next two are dropped by the DROP linkage
                }
                send("nowhere", "spare"); // an unlinked outbox
                sent.countDown();
            }

            {
                addOutbox("spare");
            }
        };
        Components.link(fast, Component.OUTBOX, slow, "data", Delivery.DROP);
        try (var system = Components.open(Components.Options.defaults().withName("drops").withObserver(metrics))) {
            system.start(slow).start(fast);
            system.join();
        }
        assertThat(slow.deliver("late", Component.INBOX)).isFalse(); // it ended: dropped at its inbox
        assertThat(count(r, "weft.component.dropped", "system", "drops", "box", "data", "reason", "full"))
                .isEqualTo(2);
        assertThat(count(r, "weft.component.dropped", "system", "drops", "box", "spare", "reason", "unlinked"))
                .isEqualTo(1);
        // fast's and slow's ProducerFinished on unlinked "signal" outboxes
        assertThat(count(r, "weft.component.dropped", "system", "drops", "box", "signal", "reason", "unlinked"))
                .isEqualTo(2);
        assertThat(count(r, "weft.component.dropped", "system", "drops", "box", "inbox", "reason", "ended"))
                .isEqualTo(1);
        assertThat(count(r, "weft.component.received", "system", "drops", "box", "data")).isEqualTo(1);
    }

    @Test
    void countsFailuresAndKeepsAGivenSystemTag() {
        Metrics metrics = Metrics.simple().withTags("system", "shared");
        MeterRegistry r = metrics.registry();
        Component bad = new Component("bad") {
            @Override
            protected void main() {
                throw new IllegalStateException("boom");
            }
        };
        assertThatThrownBy(() -> {
            try (var system = Components.open(Components.Options.defaults().withName("one").withObserver(metrics))) {
                system.start(bad);
                system.join();
            }
        }).isInstanceOf(ComponentFailedException.class);
        assertThat(count(r, "weft.component.ended", "system", "shared", "outcome", "failed")).isEqualTo(1);
        assertThat(r.find("weft.component.ended").tags("system", "one").counters()).isEmpty();
        assertThat(gauge(r, "weft.component.active", "system", "shared")).isZero();
    }

    @Test
    void childrenReportIntoTheirSystem() throws Exception {
        Metrics metrics = Metrics.simple();
        MeterRegistry r = metrics.registry();
        Sink sink = new Sink("sink");
        var pipeline = Pipeline.of(new Source("src", List.of("a", "b")), sink);
        try (var system = Components.open(Components.Options.defaults().withName("tree").withObserver(metrics))) {
            system.start(pipeline);
            system.join();
        }
        assertThat(count(r, "weft.component.started", "system", "tree")).isEqualTo(3);
        assertThat(count(r, "weft.component.ended", "system", "tree", "outcome", "succeeded")).isEqualTo(3);
        assertThat(count(r, "weft.component.received", "system", "tree", "box", "inbox")).isEqualTo(2);
    }

    @Test
    void noneRecordsNothing() throws Exception {
        assertThat(Metrics.none().systemOpened("x")).isNull();
        Sink sink = new Sink("sink");
        try (var system = Components.open(Components.Options.defaults().withObserver(Metrics.none()))) {
            system.start(Pipeline.of(new Source("src", List.of(1)), sink));
            system.join();
        }
        assertThat(sink.got).isEqualTo(1);
        assertThat(Metrics.none().registry().getMeters()).isEmpty();
    }
}
