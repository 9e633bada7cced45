package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@link ComponentObserver} hook as the core calls it, with a probe that records what it hears. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ComponentObserverTest {

    /** Counts every event by "event component.box" (and for ends "ended component STATE"). */
    static final class Recorder implements ComponentObserver, ComponentObserver.Probe {
        final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        final List<String> systems = new CopyOnWriteArrayList<>();
        final List<String> lifecycle = new CopyOnWriteArrayList<>();
        final Map<String, Integer> maxDepth = new ConcurrentHashMap<>();

        @Override
        public Probe systemOpened(String systemName) {
            systems.add(systemName);
            return this;
        }

        long count(String key) {
            LongAdder a = counts.get(key);
            return a == null ? 0 : a.sum();
        }

        private void add(String key) {
            counts.computeIfAbsent(key, k -> new LongAdder()).increment();
        }

        @Override
        public void started(Component c) {
            lifecycle.add("started " + c.name());
        }

        @Override
        public void sent(Component c, String outbox) {
            add("sent " + c.name() + "." + outbox);
        }

        @Override
        public void delivered(Component c, String inbox, int depth) {
            add("delivered " + c.name() + "." + inbox);
            maxDepth.merge(c.name() + "." + inbox, depth, Math::max);
        }

        @Override
        public void received(Component c, String inbox, int depth) {
            add("received " + c.name() + "." + inbox);
        }

        @Override
        public void dropped(Component c, String box, Drop reason) {
            add("dropped " + c.name() + "." + box + " " + reason);
        }

        @Override
        public void ended(Component c, Component.State state) {
            lifecycle.add("ended " + c.name() + " " + state);
        }
    }

    static final class Producer extends Component {
        private final int n;

        Producer(String name, int n) {
            super(name);
            this.n = n;
        }

        @Override
        protected void main() throws InterruptedException {
            for (int i = 0; i < n; i++) {
                send(i);
            }
        }
    }

    static final class Consumer extends Component {
        long got;

        Consumer(String name) {
            super(name);
        }

        @Override
        protected void main() {
            for (Object ignored : messages()) {
                got++;
            }
        }
    }

    @Test
    void everyDeliveryIsReportedOnceEvenBeforeTheReceiverIsAttached() throws Exception {
        // The producer starts first and may fill the consumer's inbox before the consumer is attached: those
        // deliveries are reported when it attaches, the rest as they happen, none twice.
        Recorder r = new Recorder();
        for (int round = 0; round < 20; round++) {
            r.counts.clear();
            Producer p = new Producer("p", 500);
            Consumer c = new Consumer("c");
            Components.link(p, Component.OUTBOX, c, Component.INBOX);
            Components.link(p, Component.SIGNAL, c, Component.CONTROL);
            try (var system = Components.open(Components.Options.defaults().withName("s").withObserver(r))) {
                system.start(p).start(c);
                system.join();
            }
            assertThat(c.got).isEqualTo(500);
            assertThat(r.count("sent p.outbox")).isEqualTo(500);
            assertThat(r.count("delivered c.inbox")).isEqualTo(500);
            assertThat(r.count("received c.inbox")).isEqualTo(500);
            assertThat(r.count("delivered c.control")).isEqualTo(1);
            assertThat(r.count("received c.control")).isEqualTo(1);
            assertThat(r.count("dropped c.signal UNLINKED")).isEqualTo(1);
        }
        assertThat(r.maxDepth.get("c.inbox")).isBetween(1, Component.DEFAULT_CAPACITY);
        assertThat(r.systems).hasSize(20).containsOnly("s");
    }

    @Test
    void deliveriesAndDropsBeforeTheStartAreReportedAtTheStart() throws Exception {
        Recorder r = new Recorder();
        Component c = new Component("c") {
            {
                addInbox("small", 1);
            }

            @Override
            protected void main() throws InterruptedException {
                receive("small");
                receive();
                receive();
            }
        };
        Component feeder = new Component("feeder") {
            @Override
            protected void main() {
            }
        };
        Linkage dropping = Components.link(feeder, Component.OUTBOX, c, "small", Delivery.DROP);
        c.deliver("one", Component.INBOX);
        c.deliver("two", Component.INBOX);
        // a drop before the start: the DROP linkage's hop, driven here from the test thread via the outbox's chain
        Inbox small = c.inbox("small", "test");
        assertThat(small.put("kept", dropping, "test")).isTrue();
        assertThat(small.put("dropped", dropping, "test")).isFalse();
        assertThat(r.counts).isEmpty();

        try (var system = Components.open(Components.Options.defaults().withName("early").withObserver(r))) {
            system.start(c);
            system.join();
        }
        assertThat(r.count("delivered c.inbox")).isEqualTo(2);
        assertThat(r.maxDepth.get("c.inbox")).isEqualTo(2);
        assertThat(r.count("delivered c.small")).isEqualTo(1);
        assertThat(r.count("dropped c.small FULL")).isEqualTo(1);
        assertThat(r.count("received c.inbox")).isEqualTo(2);
        assertThat(r.count("received c.small")).isEqualTo(1);
        assertThat(r.lifecycle).containsExactly("started c", "ended c SUCCEEDED");
        assertThat(c.deliver("late", Component.INBOX)).isFalse();
        assertThat(r.count("dropped c.inbox ENDED")).isEqualTo(1);
    }

    @Test
    void childrenAreObservedAndEndBeforeTheirParent() throws Exception {
        Recorder r = new Recorder();
        Consumer c = new Consumer("c");
        Pipeline p = Pipeline.of(new Producer("p", 3), c);
        try (var system = Components.open(Components.Options.defaults().withObserver(r))) {
            system.start(p);
            system.join();
        }
        assertThat(r.lifecycle).startsWith("started " + p.name()).endsWith("ended " + p.name() + " SUCCEEDED")
                .contains("started p", "started c", "ended p SUCCEEDED", "ended c SUCCEEDED").hasSize(6);
        assertThat(r.count("received c.inbox")).isEqualTo(3);
    }

    @Test
    void aSystemWithoutObserverHasNoProbe() throws Exception {
        Consumer c = new Consumer("c");
        try (var system = Components.open()) {
            assertThat(system.probe()).isNull();
            system.start(c);
            assertThat(c.probe).isNull();
            c.stop();
            system.join();
        }
    }
}
