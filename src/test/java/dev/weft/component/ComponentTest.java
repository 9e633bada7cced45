package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ComponentTest {

    static final class Upper extends Component {
        @Override
        protected void main() throws InterruptedException {
            for (Object m : messages()) {
                send(m.toString().toUpperCase());
            }
        }
    }

    static final class Sink extends Component {
        final List<Object> got = new CopyOnWriteArrayList<>();

        @Override
        protected void main() {
            for (Object m : messages()) {
                got.add(m);
            }
        }
    }

    @Test
    void finitePipelineDeliversEverythingInOrderAndEnds() throws Exception {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            words.add("w" + i);
        }
        Sink sink = new Sink();
        Pipeline p = Pipeline.of(Components.source(words), new Upper(), sink);
        try (var system = Components.open()) {
            system.start(p);
            system.join();
        }
        assertThat(sink.got).hasSize(1000).startsWith("W0", "W1").endsWith("W999");
        assertThat(p.state()).isEqualTo(Component.State.SUCCEEDED);
        assertThat(sink.state()).isEqualTo(Component.State.SUCCEEDED);
    }

    @Test
    void standaloneRunStartsAndJoins() throws Exception {
        Sink sink = new Sink();
        Pipeline.of(Components.source(List.of("a", "b")), sink).run();
        assertThat(sink.got).containsExactly("a", "b");
    }

    @Test
    void failureIsRethrownNamingThePath() {
        Component bad = new Component("bad") {
            @Override
            protected void main() throws Exception {
                receive();
                throw new IllegalStateException("boom");
            }
        };
        Pipeline p = Pipeline.of(Components.source(List.of(1, 2, 3)), bad, new Sink());
        assertThatThrownBy(() -> {
            try (var system = Components.open(Components.Options.defaults().withName("sys"))) {
                system.start(p);
                system.join();
            }
        }).isInstanceOf(ComponentFailedException.class).hasMessageContaining("sys/").hasMessageContaining("/bad")
                .hasRootCauseMessage("boom");
    }

    @Test
    void unlinkedSendsAreDroppedAndCounted() throws Exception {
        Source s = Components.source(List.of(1, 2, 3));
        s.run();
        assertThat(s.droppedUnlinked()).isEqualTo(4); // 3 data + ProducerFinished on signal
    }

    @Test
    void strictSystemRefusesUnlinkedSends() {
        assertThatThrownBy(() -> {
            try (var system = Components.open(Components.Options.defaults().withStrictOutboxes(true))) {
                system.start(Components.source(List.of(1)));
                system.join();
            }
        }).isInstanceOf(ComponentFailedException.class).hasRootCauseInstanceOf(IllegalStateException.class)
                .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("is not linked"));
    }

    @Test
    void oneToManyIsRefused() {
        Source s = Components.source(List.of());
        Components.link(s, Component.OUTBOX, new Sink(), Component.INBOX);
        assertThatThrownBy(() -> Components.link(s, Component.OUTBOX, new Sink(), Component.INBOX))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("one-to-many");
    }

    @Test
    void fullInboxBlocksTheSenderUntilTheReceiverTakes() throws Exception {
        Component slow = new Component("slow") {
            {
                addInbox("small", 2);
            }

            @Override
            protected void main() throws Exception {
                receive(CONTROL); // wait until told to read
                for (int i = 0; i < 10; i++) {
                    receive("small");
                }
            }
        };
        Component fast = new Component("fast") {
            @Override
            protected void main() throws Exception {
                for (int i = 0; i < 10; i++) {
                    send(i);
                }
            }
        };
        Components.link(fast, Component.OUTBOX, slow, "small");
        try (var system = Components.open()) {
            system.start(slow).start(fast);
            while (slow.queued("small") < 2 || fast.state() != Component.State.RUNNING) {
                Thread.onSpinWait();
            }
            assertThat(fast.join(Duration.ofMillis(100))).isFalse(); // blocked: inbox holds 2
            slow.deliver("go", Component.CONTROL);
            system.join();
        }
        assertThat(slow.delivered("small")).isEqualTo(10);
    }

    @Test
    void graphlineFeedbackCycleTerminates() throws Exception {
        // A counter that sends n+1 back to itself through an echo, until 100, then stops.
        Component counter = new Component("counter") {
            @Override
            protected void main() throws Exception {
                send(0);
                while (true) {
                    int n = (Integer) receive();
                    if (n >= 100) {
                        send(n, "result");
                        return;
                    }
                    send(n + 1);
                }
            }

            {
                addOutbox("result");
            }
        };
        Component echo = new Component("echo") {
            @Override
            protected void main() throws Exception {
                for (Object m : messages()) {
                    send(m);
                }
            }
        };
        Sink sink = new Sink();
        Graphline g = Graphline.builder().component("counter", counter).component("echo", echo)
                .component("sink", sink)
                .link("counter", "outbox", "echo", "inbox")
                .link("echo", "outbox", "counter", "inbox")
                .link("counter", "result", "sink", "inbox")
                .link("counter", "signal", "echo", "control")
                .link("echo", "signal", "sink", "control")
                .build();
        g.run();
        assertThat(sink.got).containsExactly(100);
    }

    @Test
    void stopEndsAnIdleComponentAndForwardsShutdown() throws Exception {
        Sink sink = new Sink();
        Sink after = new Sink();
        Components.link(sink, Component.SIGNAL, after, Component.CONTROL);
        try (var system = Components.open()) {
            system.start(sink).start(after);
            sink.stop();
            system.join();
        }
        assertThat(sink.state()).isEqualTo(Component.State.SUCCEEDED);
        assertThat(after.state()).isEqualTo(Component.State.SUCCEEDED);
    }

    @Test
    void closeStopsEverything() {
        Sink a = new Sink();
        Sink b = new Sink();
        try (var system = Components.open()) {
            system.start(Pipeline.of(a, b));
        }
        assertThat(a.state()).isEqualTo(Component.State.SUCCEEDED);
        assertThat(b.state()).isEqualTo(Component.State.SUCCEEDED);
    }

    @Test
    void aChildAddedAfterASiblingFailedEndsCancelledAndTheParentStillEnds() {
        Component bad = new Component("bad") {
            @Override
            protected void main() {
                throw new IllegalStateException("boom");
            }
        };
        Sink late = new Sink();
        Sink victim = new Sink(); // interrupted when the failure cancels its siblings: then the scope is cancelled
        Component parent = new Component("parent") {
            @Override
            protected void main() throws Exception {
                addChildren(victim, bad);
                while (victim.state() == State.RUNNING) {
                    Thread.onSpinWait();
                }
                addChildren(late); // its scope is cancelled by now: the child never runs
                while (awaitChildrenOrControl().isPresent()) {
                    // wait for the children, as the chassis do
                }
            }
        };
        assertThatThrownBy(parent::run).isInstanceOf(ComponentFailedException.class).hasMessageContaining("/bad")
                .hasRootCauseMessage("boom");
        assertThat(late.state()).isEqualTo(Component.State.CANCELLED);
    }

    @Test
    void closeDoesNotThrowAgainWhatJoinThrew() {
        Component bad = new Component("bad") {
            @Override
            protected void main() {
                throw new IllegalStateException("boom");
            }
        };
        assertThatThrownBy(() -> {
            try (var system = Components.open()) {
                system.start(bad);
                bad.join();
            }
        }).isInstanceOf(ComponentFailedException.class).hasNoSuppressedExceptions().hasRootCauseMessage("boom");
    }
}
