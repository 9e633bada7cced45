package dev.weft.demo.examples;

import dev.weft.component.Backplane;
import dev.weft.component.Component;
import dev.weft.component.ComponentSystem;
import dev.weft.component.Components;
import dev.weft.component.Pipeline;
import dev.weft.component.PublishTo;
import dev.weft.component.SubscribeTo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Broadcast with a forwarding publisher: headlines published to one backplane, relayed in capitals to a second. */
public final class Broadcast {
    private static final List<String> HEADLINES = List.of(
            "Components run on virtual threads",
            "Backplanes pass every message to every subscriber",
            "A forwarder subscribes to one backplane and publishes to another",
            "Shutdown flows from the source to the last listener");

    private Broadcast() {
    }

    /** Sends each headline, then ends (its ProducerFinished ends the backplane it publishes to). */
    static final class Newsroom extends Component {
        Newsroom() {
            super("newsroom");
        }

        @Override
        protected void main() throws InterruptedException {
            for (String h : HEADLINES) {
                send(h);
            }
        }
    }

    /** Capitalises what it hears: the forwarder's middle stage. */
    static final class Shout extends Component {
        Shout() {
            super("shout");
        }

        @Override
        protected void main() throws InterruptedException {
            for (Object m : messages()) {
                send(m.toString().toUpperCase());
            }
        }
    }

    /** Prints what it hears, prefixed with its listener's name, and counts it. */
    static final class Listener extends Component {
        final AtomicInteger heard = new AtomicInteger();

        Listener(String name) {
            super(name);
        }

        @Override
        protected void main() {
            for (Object m : messages()) {
                heard.incrementAndGet();
                System.out.printf("  %-6s heard: %s%n", name(), m);
            }
        }
    }

    /** Runs the broadcast; ends when the last listener has heard the last headline. */
    public static void main(String[] args) throws InterruptedException {
        Listener alice = new Listener("alice");
        Listener bob = new Listener("bob");
        Listener carol = new Listener("carol");
        SubscribeTo aliceSub = new SubscribeTo("headlines");
        SubscribeTo bobSub = new SubscribeTo("headlines");
        SubscribeTo forwarderSub = new SubscribeTo("headlines");
        SubscribeTo carolSub = new SubscribeTo("shouted");
        try (ComponentSystem system = Components.open(Components.Options.defaults().withName("broadcast"))) {
            Backplane headlines = new Backplane("headlines");
            Backplane shouted = new Backplane("shouted");
            system.start(headlines).start(shouted);

            // The forwarding publisher: hears "headlines", publishes to "shouted"; when it ends (because "headlines"
            // ended) its signal ends "shouted" too.
            Pipeline forwarder = Pipeline.of(forwarderSub, new Shout(), new PublishTo("shouted"));
            Components.link(forwarder, Component.SIGNAL, shouted, Component.CONTROL);
            system.start(Pipeline.of(aliceSub, alice)).start(Pipeline.of(bobSub, bob))
                    .start(Pipeline.of(carolSub, carol)).start(forwarder);
            for (SubscribeTo s : List.of(aliceSub, bobSub, forwarderSub, carolSub)) {
                if (!s.awaitSubscribed(Duration.ofSeconds(10))) {
                    throw new IllegalStateException("subscriber " + s.name() + " did not subscribe");
                }
            }
            System.out.println("alice and bob subscribe to 'headlines', carol to 'shouted';"
                    + " a forwarder relays 'headlines' to 'shouted' in capitals");

            // The source: when the newsroom ends, PublishTo forwards ProducerFinished to the "headlines" backplane,
            // which passes on what it has, then ends its subscribers, the forwarder among them.
            Pipeline newsroom = Pipeline.of(new Newsroom(), new PublishTo("headlines"));
            Components.link(newsroom, Component.SIGNAL, headlines, Component.CONTROL);
            system.start(newsroom);
            system.join();
        }
        System.out.printf("done: alice heard %d, bob %d, carol %d of %d headlines%n", alice.heard.get(),
                bob.heard.get(), carol.heard.get(), HEADLINES.size());
    }
}
