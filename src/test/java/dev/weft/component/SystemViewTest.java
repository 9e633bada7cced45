package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The live views of a system: {@link ComponentSystem#describe()} and {@link ComponentSystem#mermaid()}. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SystemViewTest {

    /** Sends its items, then waits on "hold" until told to go. */
    static final class Source extends Component {
        private final List<?> items;

        Source(String name, List<?> items) {
            super(name);
            this.items = items;
            addInbox("hold", 1);
        }

        @Override
        protected void main() throws InterruptedException {
            for (Object o : items) {
                send(o);
            }
            receive("hold");
        }
    }

    /** Waits on "gate" first (so its inbox fills), then passes everything on. */
    static final class Gated extends Component {
        Gated(String name) {
            super(name);
            addInbox("gate", 4);
        }

        @Override
        protected void main() throws InterruptedException {
            receive("gate");
            for (Object m : messages()) {
                send(m);
            }
        }
    }

    static final class Sink extends Component {
        Sink(String name) {
            super(name);
        }

        @Override
        protected void main() {
            for (Object ignored : messages()) {
                // counted by the views
            }
        }
    }

    /** Sends one message to an outsider and two on an unlinked outbox, then serves "control". */
    static final class Loner extends Component {
        Loner(String name) {
            super(name);
            addOutbox("spare");
        }

        @Override
        protected void main() throws InterruptedException {
            send("to the outsider");
            send(1, "spare");
            send(2, "spare");
            receive(CONTROL); // until stopped
        }
    }

    /** Waits until {@code c}'s thread waits on {@code box}, without guessing a time. */
    static void awaitWaiting(Component c, String box) {
        while (!c.waitingOn().equals(java.util.Optional.of(box))) {
            Thread.onSpinWait();
        }
    }

    @Test
    void describesTheTreeBoxesLinkagesAndDrops() throws Exception {
        Source src = new Source("src", List.of("a", "b", "c"));
        Gated mid = new Gated("mid");
        Sink sink = new Sink("sink");
        Pipeline pipe = Pipeline.of(src, mid, sink);
        Loner loner = new Loner("loner");
        Sink outsider = new Sink("outsider");
        Components.link(loner, Component.OUTBOX, outsider, Component.INBOX);
        String pipePath = "view/" + pipe.name(); // a pipeline is named after its class
        try (var system = Components.open(Components.Options.defaults().withName("view"))) {
            system.start(pipe).start(loner);
            awaitWaiting(src, "hold");
            awaitWaiting(mid, "gate");
            awaitWaiting(sink, Component.INBOX);
            awaitWaiting(loner, Component.CONTROL);
            awaitWaiting(pipe, "children");

            String text = system.describe();
            assertThat(text).startsWith("system 'view': 2 components, unlinked sends dropped and counted\n")
                    .contains("├─ " + pipePath + " (Pipeline): RUNNING, waiting on children\n")
                    .contains("│  ├─ " + pipePath + "/src (Source): RUNNING, waiting on hold\n")
                    .contains("│  ├─ " + pipePath + "/mid (Gated): RUNNING, waiting on gate\n")
                    .contains("│  └─ " + pipePath + "/sink (Sink): RUNNING, waiting on inbox\n")
                    .contains("└─ view/loner (Loner): RUNNING, waiting on control\n")
                    // mid's inbox holds what src sent; its gate is empty
                    .containsPattern("│  │    in  inbox +3/64 queued, 3 delivered, 0 dropped\n")
                    .containsPattern("in  gate +0/4 queued, 0 delivered, 0 dropped\n")
                    .containsPattern("out outbox +3 sent\n")
                    .contains("link " + pipePath + "/src.outbox -> " + pipePath + "/mid.inbox [BLOCK, 0 dropped]\n")
                    .contains("link " + pipePath + "/src.signal -> " + pipePath + "/mid.control [BLOCK, 0 dropped]\n")
                    .contains("link " + pipePath + ".inbox -> " + pipePath
                            + "/src.inbox (pass-through) [BLOCK, 0 dropped]\n")
                    .contains("passed through to " + pipePath + "/src.inbox\n")
                    .contains("link view/loner.outbox -> outsider.inbox [BLOCK, 0 dropped]\n")
                    .contains("dropped on unlinked outboxes: 2\n")
                    .endsWith("unlinked drops: 2 (view/loner 2)\n");

            String graph = system.mermaid();
            assertThat(graph).startsWith("graph TD\nsubgraph system[system view]\n")
                    .contains("style system fill:#afd388b5,stroke:#a4ca7a\n")
                    .contains("subgraph c1_children[\"" + pipe.name() + " (Pipeline)\"]\n"
                            + "style c1_children fill:#fff4de,stroke:#cece71\n")
                    .contains("c1[\"" + pipe.name() + ": RUNNING, waiting on children\"]\n")
                    .contains("c3[\"mid: RUNNING, waiting on gate<br/>inbox 3/64<br/>gate 0/4\"]\n")
                    .contains("c2 -->|\"outbox→inbox\"| c3\n")
                    .contains("c2 -->|\"signal→control\"| c3\n")
                    .contains("c1 -.->|\"inbox→inbox\"| c2\n")
                    .contains("c4 -.->|\"outbox→outbox\"| c1\n")
                    // the outsider is not in the system: drawn after the system's subgraph ended
                    .containsPattern("end\n(.*\n)*c6\\[\"outsider: NEW<br/>inbox 1/64\"]\n")
                    .contains("c5 -->|\"outbox→inbox\"| c6\n");
            assertThat(graph.lines().filter(l -> l.equals("end")).count()).isEqualTo(2);

            mid.deliver("go", "gate");
            src.deliver("go", "hold");
            loner.stop();
            system.join();
        }
        // Ended children leave their parent (a long-lived parent holds only live ones): the view of the ended system
        // shows its top-level components; the sink's counts are still on the sink.
        String after = pipe.system().describe();
        assertThat(after).contains("├─ " + pipePath + " (Pipeline): SUCCEEDED\n").doesNotContain(pipePath + "/sink")
                .endsWith("unlinked drops: 3 (view/loner 3)\n");
        assertThat(sink.delivered(Component.INBOX)).isEqualTo(3);
        assertThat(sink.droppedUnlinked()).isEqualTo(1); // the pipeline's end, sent through to its unlinked signal
        assertThat(pipe.system().mermaid()).contains("style c1 fill:#eeeeee,stroke:#999999,color:#666666\n");
    }

    @Test
    void drawsFailuresAndPolicies() throws Exception {
        Component bad = new Component("bad") {
            @Override
            protected void main() throws Exception {
                receive();
                throw new IllegalStateException("boom");
            }
        };
        Component feeder = new Component("feeder") {
            @Override
            protected void main() throws InterruptedException {
                send("x");
            }
        };
        Components.link(feeder, Component.OUTBOX, bad, Component.INBOX, Delivery.DROP);
        ComponentSystem system = Components.open(Components.Options.defaults().withName("f").withStrictOutboxes(true));
        try (system) {
            system.start(bad).start(feeder);
            system.join();
        } catch (ComponentFailedException expected) {
            // bad failed, as planned
        }
        String text = system.describe();
        assertThat(text).startsWith("system 'f': 2 components, unlinked sends refused (strict)\n")
                .contains("└─ f/feeder: SUCCEEDED\n")
                .contains("├─ f/bad: FAILED\n")
                .contains("link f/feeder.outbox -> f/bad.inbox [DROP, 0 dropped]\n")
                .endsWith("unlinked drops: 0\n");
        assertThat(system.mermaid()).contains("c2 -->|\"outbox→inbox DROP\"| c1\n")
                .contains("style c1 fill:#f4cccc,stroke:#cc0000\n");
    }

    @Test
    void anEmptySystem() {
        try (var system = Components.open(Components.Options.defaults().withName("empty"))) {
            assertThat(system.describe()).isEqualTo(
                    "system 'empty': 0 components, unlinked sends dropped and counted\nunlinked drops: 0\n");
            assertThat(system.mermaid()).isEqualTo(
                    "graph TD\nsubgraph system[system empty]\nstyle system fill:#afd388b5,stroke:#a4ca7a\nend\n");
        }
    }
}
