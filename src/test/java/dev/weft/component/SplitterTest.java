package dev.weft.component;

import static dev.weft.component.BackplaneTest.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.component.BackplaneTest.Probe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SplitterTest {

    @Test
    void sinksAddedAndRemovedOnTheInboxChangeInOrderWithTheData() throws Exception {
        Splitter splitter = new Splitter("split");
        Probe a = new Probe("a");
        Probe b = new Probe("b");
        try (var system = Components.open()) {
            system.start(splitter).start(a).start(b);
            for (Object m : new Object[] {new Splitter.AddSink(a, "inbox", "control"), 1, 2,
                    new Splitter.AddSink(b, "inbox", "control"), 3, 4, new Splitter.RemoveSink(a, "inbox"), 5}) {
                splitter.deliver(m, Component.INBOX);
            }
            splitter.deliver(new ProducerFinished(), Component.CONTROL);
            a.join(); // told by its removal
            b.join(); // told by the splitter's end
            system.join();
        }
        assertThat(a.got).containsExactly(1, 2, 3, 4);
        assertThat(a.endedWith).isInstanceOf(ProducerFinished.class)
                .satisfies(m -> assertThat(m.detail()).contains("removed from 'system/split'"));
        assertThat(b.got).containsExactly(3, 4, 5);
        assertThat(b.endedWith).isInstanceOf(ProducerFinished.class);
        assertThat(splitter.sinks()).isEmpty();
    }

    @Test
    void aSinkJoinsThroughTheConfigurationInboxLookedUpAsAService() throws Exception {
        Splitter splitter = new Splitter("split");
        Component joiner = new Component("joiner") {
            @Override
            protected void main() throws Exception {
                services().retrieve("split.config").deliver(new Splitter.AddSink(this, INBOX, CONTROL));
                for (Object m : messages()) {
                    send(m);
                }
            }
        };
        Probe out = new Probe("out");
        try (var system = Components.open()) {
            system.services().register("split.config", splitter, Splitter.CONFIGURATION);
            system.start(splitter).start(Pipeline.of(joiner, out));
            awaitUntil("the joiner is a sink", () -> splitter.sinks().size() == 1);
            assertThat(splitter.sinks().getFirst().component()).isSameAs(joiner);
            for (int i = 0; i < 10; i++) {
                splitter.deliver(i, Component.INBOX);
            }
            splitter.deliver(new ProducerFinished(), Component.CONTROL);
            system.join();
        }
        assertThat(out.got).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(out.endedWith).isInstanceOf(ProducerFinished.class);
    }

    @Test
    void sinksAddedByMethodAndEndedSinksGoByThemselves() throws Exception {
        Splitter splitter = new Splitter("split");
        Probe c = new Probe("c");
        try (var system = Components.open()) {
            system.start(splitter).start(c);
            Splitter.Sink sink = splitter.addSink(c, Component.INBOX);
            assertThat(splitter.addSink(c, Component.INBOX)).as("added once").isSameAs(sink);
            splitter.deliver("one", Component.INBOX);
            c.awaitCount(1);
            c.stop();
            c.join();
            splitter.deliver("lost", Component.INBOX); // finds the sink ended: counted, and the sink goes
            awaitUntil("the ended sink is removed", () -> splitter.sinks().isEmpty());
            assertThat(sink.delivered()).isEqualTo(1);
            assertThat(sink.dropped()).isEqualTo(1);
            assertThat(sink.isActive()).isFalse();
            splitter.deliver("nobody", Component.INBOX);
            awaitUntil("the message to nobody is counted", () -> splitter.unheard() == 1);
            splitter.stop();
            system.join();
        }
        assertThat(c.got).containsExactly("one");
    }

    @Test
    void shutdownEndsTheSplitterAtOnceAndReachesItsSinksControls() throws Exception {
        Splitter splitter = new Splitter("split");
        Probe told = new Probe("told");
        Probe untold = new Probe("untold");
        Shutdown stop = new Shutdown("stop");
        try (var system = Components.open()) {
            system.start(splitter).start(told).start(untold);
            splitter.addSink(told, Component.INBOX, Component.CONTROL);
            splitter.addSink(untold, Component.INBOX);
            Probe removed = new Probe("removed");
            splitter.addSink(removed, Component.INBOX); // no control inbox: removal tells it nothing
            assertThat(splitter.removeSink(removed, Component.INBOX)).isTrue();
            assertThat(splitter.removeSink(removed, Component.INBOX)).isFalse();
            assertThat(removed.queued(Component.CONTROL)).isZero();
            splitter.deliver(stop, Component.CONTROL);
            told.join();
            splitter.join();
            assertThat(untold.state()).isEqualTo(Component.State.RUNNING);
            Splitter.Sink late = splitter.addSink(untold, Component.INBOX, Component.CONTROL); // after the end: told
            assertThat(late.isActive()).isFalse();
            untold.join();
            system.join();
        }
        assertThat(told.endedWith).isSameAs(stop);
        assertThat(untold.endedWith).isSameAs(stop);
    }

    @Test
    void anythingElseOnConfigurationFailsTheSplitterClearly() {
        assertThatThrownBy(() -> {
            try (var system = Components.open(Components.Options.defaults().withName("sys"))) {
                Splitter splitter = new Splitter("split");
                system.start(splitter);
                splitter.deliver("junk", Splitter.CONFIGURATION);
                system.join();
            }
        }).isInstanceOf(ComponentFailedException.class).rootCause().isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("splitter 'sys/split' got junk on 'configuration'");
    }

    @Test
    void aSinkMustHaveTheInboxNamed() {
        Splitter splitter = new Splitter("split");
        assertThatThrownBy(() -> splitter.addSink(new Probe("c"), "nosuch"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no such inbox");
    }
}
